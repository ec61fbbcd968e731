/**
 * `hybrid-dhm reproduce [--out DIR] [--scenario NAME[,NAME…]] [--models id,id] [--bits 4,5,6,7,8] [--dsp POLICY]
 *  [--programs structural|compiler] [--idle-power excluded|included] [--clock-mhz N] [--link pcie|serial] [--baud N]
 *  [--synth FILE] [--accuracy] [--accuracy-bits 4,6,8] [--accuracy-folds N] [--images PATH,…]`
 *
 * Runs the cost-model reproduction of the paper (src/cost): every legal cut × bit width of each network under every
 * named scenario with its bands (default: all), the GPU model's fit to the authors' TX2 table, the inverse analysis,
 * the FPGA models against the authors' Quartus points; writes `report.md`, `rows.csv`, `rows.json` and SVG plots into
 * DIR (default `reproduction/`). Deterministic (byte-identical for the same inputs). `--synth FILE` adds the
 * open-synthesis figures of that JSON (else the report says why there are none). `--accuracy` also measures top-1
 * agreement of the quantised hybrid with float for every fitting cut at the accuracy bit widths (minutes, not seconds).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { flagChoice, flagInt, flagNumber, flagString, parseArgs, UsageError } from '../args';
import { DIST_ROOT, MODELS_ROOT, resolveModel } from '../paths';
import { PAPER_MODELS, SAMPLE_IMAGES, type ModelId } from '../../src/models/registry';
import type { IdlePower } from '../../src/cost/sweep';
import { decodeImageFile } from '../image';
import { nodeCalibrationFrames } from '../calibration';
import { CYCLONE10GX_10CX220, PCIE_GEN2_X4, webSerialLink } from '../../src/cost/devices';
import { constant } from '../../src/provenance/provenance';
import { reproduce, type ProgramSource, type ReproduceModel } from '../../src/cost/reproduce';
import type { DspPolicy } from '../../src/cost/resources';
import { SCENARIO_NAMES, type ScenarioName } from '../../src/cost/scenarios';
import { parseOpenSynthesis } from '../../src/cost/authors-designs';
import type { OpenSynthesisInput } from '../../src/cost/report';
import type { AccuracyResult } from '../../src/cost/accuracy-report';

/** The networks the reproduction sweeps: the paper's three plus SqueezeNet 1.0 (the version in the authors' code). */
export const REPRODUCE_MODELS: readonly ModelId[] = ['squeezenet1.0', ...PAPER_MODELS];

export const USAGE = `usage: hybrid-dhm reproduce [--out DIR] [--scenario NAME[,NAME…]] [--models id,id,…] [--bits 4,5,6,7,8]
                           [--dsp logic|dsp-largest-first|dsp-all] [--programs structural|compiler]
                           [--idle-power excluded|included] [--clock-mhz N] [--link pcie|serial] [--baud N]
                           [--synth FILE] [--accuracy] [--accuracy-bits 4,6,8] [--accuracy-folds N] [--images PATH,…]
  --scenario NAME        ${SCENARIO_NAMES.join(', ')} (default: all)
  --programs structural  heads from the DHM compiler in estimate mode, no calibration (default; < 10 s)
  --programs compiler    heads from the DHM compiler calibrated on the calibration set, as the pipeline runs them (slower)
  --synth FILE           open-synthesis figures beside the model: the output of 'hybrid-dhm synth <model> --cut N --json'
                         (one object or an array of them), or records {design, tool, alms?, modelAlms?, …}
  --accuracy             measure top-1 agreement of the quantised hybrid with float (every fitting cut of the
                         primary scenario at the accuracy bit widths; sample images, calibration ⟂ evaluation)
  --images PATH,…        more images for --accuracy (files, or folders of .bmp/.jpg/.png), e.g. the CC0 and
                         public-domain photos of Debian's python3-skimage (see the README)`;

const DSP: readonly DspPolicy[] = ['logic', 'dsp-largest-first', 'dsp-all'];

/** Parse `6,8,10` into bit widths 2..16. */
function parseBits(s: string): number[] {
  const bits = s.split(',').map((x) => x.trim());
  const out: number[] = [];
  for (const b of bits) {
    if (!/^\d+$/.test(b) || Number(b) < 2 || Number(b) > 16) throw new UsageError(`option --bits expects comma-separated integers 2..16, got '${s}'`);
    out.push(Number(b));
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Parse `--scenario a,b` into scenario names. */
function parseScenarios(s: string | undefined): ScenarioName[] | undefined {
  if (s === undefined) return undefined;
  const out: ScenarioName[] = [];
  for (const x of s.split(',').map((v) => v.trim()).filter(Boolean)) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(x)) throw new UsageError(`option --scenario must be one of ${SCENARIO_NAMES.join(', ')} (comma-separated), got '${x}'`);
    if (!out.includes(x as ScenarioName)) out.push(x as ScenarioName);
  }
  if (out.length === 0) throw new UsageError('option --scenario needs at least one scenario name');
  return out;
}

const IMAGE_NOTE = 'Images: the four sample photos the project provisions (google-coral test_data, Apache-2.0: cat, dragonfly, hot_dog, parrot)';
const IMAGE_NOTE_REST = 'The official test inputs of the model files are random tensors (squeezenet1.1, mobilenetv2) or the same photos preprocessed (reference_outputs), so they add no natural image. With this few images the agreement is a check of the quantisation, not an ImageNet accuracy.';

/** Image files named by `--images`: files, or the .bmp/.jpg/.jpeg/.png files of folders (sorted by name). */
function extraImageFiles(spec: string | undefined): string[] {
  if (spec === undefined) return [];
  const out: string[] = [];
  for (const raw of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const p = resolve(raw);
    if (!existsSync(p)) throw new UsageError(`--images: ${p} does not exist`);
    if (statSync(p).isDirectory()) {
      const files = readdirSync(p).filter((f) => /\.(bmp|jpe?g|png)$/i.test(f)).sort();
      if (files.length === 0) throw new UsageError(`--images: folder ${p} has no .bmp, .jpg or .png file`);
      out.push(...files.map((f) => join(p, f)));
    } else out.push(p);
  }
  return out;
}

/** Measure accuracy (see src/pipeline/accuracy.ts) for the given (model, cuts) at `bits`. */
async function measureAccuracy(plans: readonly { modelId: ModelId; cuts: number[] }[], bits: readonly number[], folds: number, extra: readonly string[]): Promise<AccuracyResult> {
  const { nodePipelineEnv } = await import('../env');
  const { evaluateAccuracy } = await import('../../src/pipeline/accuracy');
  const { referenceBackend, wasmInProcessBackend } = await import('../../src/pipeline/backends');
  const images = [
    ...Object.entries(SAMPLE_IMAGES).map(([name, f]) => ({ name, image: decodeImageFile(join(MODELS_ROOT, f.path)) })),
    ...extra.map((p) => ({ name: basename(p).replace(/\.[^.]+$/, ''), image: decodeImageFile(p) })),
  ];
  const note = extra.length > 0 ? `${IMAGE_NOTE}, plus ${extra.length} given with --images (${extra.map((p) => basename(p)).join(', ')}). ${IMAGE_NOTE_REST}` : `${IMAGE_NOTE}. ${IMAGE_NOTE_REST}`;
  const wasm = join(DIST_ROOT, 'dhm.wasm');
  const backend = existsSync(wasm) ? await wasmInProcessBackend(readFileSync(wasm)) : referenceBackend();
  const env = nodePipelineEnv();
  try {
    return await evaluateAccuracy({
      ort: env.ort, tailEp: env.tailEp, loadFile: (p) => env.loadFile(p), backend, images, folds, imageNote: note,
      plans: plans.filter((p) => p.cuts.length > 0).map((p) => ({ modelId: p.modelId, cuts: p.cuts, bits })),
    });
  } finally {
    await backend.dispose();
  }
}

/** Write `files` into `dir`: all written to a temporary sibling folder first, then renamed into place (no half-written file). */
function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, text] of files) writeFileSync(join(tmp, name), text);
    mkdirSync(dir, { recursive: true });
    for (const name of files.keys()) renameSync(join(tmp, name), join(dir, name));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Run the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['out', 'models', 'bits', 'dsp', 'clock-mhz', 'link', 'baud', 'programs', 'idle-power', 'scenario', 'synth', 'accuracy-bits', 'accuracy-folds', 'images'], ['help', 'accuracy']);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'\n${USAGE}`);
  const out = resolve(flagString(args, 'out', 'reproduction')!);
  const ids = (flagString(args, 'models') ?? REPRODUCE_MODELS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const bits = parseBits(flagString(args, 'bits', '4,5,6,7,8')!);
  const scenarios = parseScenarios(flagString(args, 'scenario'));
  const dspPolicy = flagChoice(args, 'dsp', DSP, 'dsp-largest-first');
  const programs = flagChoice<ProgramSource>(args, 'programs', ['structural', 'compiler'], 'structural');
  const idlePower = flagChoice<IdlePower>(args, 'idle-power', ['excluded', 'included'], 'excluded');
  const linkKind = flagChoice(args, 'link', ['pcie', 'serial'] as const, 'pcie');
  const baud = flagInt(args, 'baud');
  if (baud !== undefined && linkKind !== 'serial') throw new UsageError('--baud applies only with --link serial');
  const link = linkKind === 'serial' ? webSerialLink(baud ?? 921600) : PCIE_GEN2_X4;
  const clock = flagNumber(args, 'clock-mhz');
  if (clock !== undefined && !(clock > 0 && clock <= 1000)) throw new UsageError(`option --clock-mhz must be in (0, 1000], got ${clock}`);
  const fpga = clock === undefined ? CYCLONE10GX_10CX220 : { ...CYCLONE10GX_10CX220, clockMHz: constant(clock, 'MHz', 'assumption', `set with --clock-mhz ${clock}`) };
  const accBits = parseBits(flagString(args, 'accuracy-bits', '4,6,8')!);
  const folds = flagInt(args, 'accuracy-folds') ?? 2;
  if (['accuracy-bits', 'accuracy-folds', 'images'].some((k) => args.flags.has(k)) && !args.flags.has('accuracy')) throw new UsageError('--accuracy-bits, --accuracy-folds and --images apply only with --accuracy');
  const extraImages = extraImageFiles(flagString(args, 'images'));
  const synth = flagString(args, 'synth');
  let openSynthesis: OpenSynthesisInput;
  if (synth !== undefined) {
    const p = resolve(synth);
    if (!existsSync(p)) throw new UsageError(`--synth: ${p} does not exist (write it with the synth command, or leave the option out)`);
    openSynthesis = { figures: parseOpenSynthesis(readFileSync(p, 'utf8'), synth), file: synth };
  } else {
    openSynthesis = { skipped: 'no --synth FILE given (the open-synthesis command writes one; without it the resource model is compared with the authors\' Quartus points only).' };
  }

  const models: ReproduceModel[] = ids.map((id) => {
    const { path, entry } = resolveModel(id);
    if (!entry) throw new UsageError(`--models takes registry ids (the report needs the preprocessing recipe), got '${id}'`);
    if (!entry.float || entry.input.layout !== 'NCHW') throw new UsageError(`model '${id}' is not a float NCHW model the DHM head supports`);
    const calibrationFrames = programs === 'compiler' ? nodeCalibrationFrames(entry.preprocessing).map((f) => f.data) : undefined;
    return { entry, bytes: new Uint8Array(readFileSync(path)), ...(calibrationFrames ? { calibrationFrames } : {}) };
  });
  const opts = { bits, dspPolicy, idlePower, fpga, link, programs, openSynthesis, ...(scenarios ? { scenarios } : {}) };
  let res = reproduce(models, opts);
  if (args.flags.has('accuracy')) {
    const fitting = models.map((m) => ({
      modelId: m.entry.id,
      cuts: [...new Set(res.rows.filter((r) => r.modelId === m.entry.id && r.fits && accBits.includes(r.bits)).map((r) => r.cutIndex))].sort((a, b) => a - b),
    }));
    const accuracy = await measureAccuracy(fitting, accBits, folds, extraImages);
    res = reproduce(models, { ...opts, accuracy });
  }
  writeFiles(out, res.files);
  for (const s of res.scenarios) {
    for (const b of s.best.filter((x) => x.byLatency)) {
      const r = b.byLatency!;
      console.log(`${s.scenario.name.padEnd(15)} ${b.modelId.padEnd(14)} ${String(b.bits).padStart(2)}-bit: ${b.fittingCuts}/${b.totalCuts} cuts fit; best cut ${r.cutIndex} (${r.tensor}): latency ${r.figures.latencyReductionPct.value.toFixed(1)} %, energy ${r.figures.energyReductionPct.value.toFixed(1)} % vs GPU-only (modelled)`);
    }
  }
  console.log(`wrote ${res.files.size} files to ${out} (report.md, rows.csv, rows.json, SVG plots)`);
  return 0;
}
