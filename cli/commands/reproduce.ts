/**
 * `hybrid-dhm reproduce [--out DIR] [--models id,id] [--bits 6,8,10] [--dsp POLICY] [--programs structural|compiler]
 *  [--input host|camera] [--idle-power excluded|included] [--clock-mhz N] [--link pcie|serial] [--baud N]
 *  [--no-sensitivity] [--accuracy]`
 *
 * Runs the cost-model reproduction of the paper (src/cost): every legal cut × bit width of each network →
 * resources, fit, FPGA/link/GPU-tail latency and energy vs GPU-only, best cut; writes `report.md`, `rows.csv`,
 * `rows.json` and SVG plots into DIR (default `reproduction/`). Output is deterministic (byte-identical for the same
 * inputs). Estimates only unless `--accuracy`: then every head that fits is also run bit-exactly on the four sample
 * images (emulated head + onnxruntime-web tail) and a measured top-1 agreement table is added (minutes, not seconds).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flagChoice, flagInt, flagNumber, flagString, parseArgs, UsageError } from '../args';
import { DIST_ROOT, MODELS_ROOT, resolveModel } from '../paths';
import { PAPER_MODELS, SAMPLE_IMAGES, type ModelId } from '../../src/models/registry';
import { buildReport, compareBitsOf, type ExtraTable } from '../../src/cost/report';
import type { IdlePower, SweepRow } from '../../src/cost/sweep';
import { toFrame } from '../../src/image/preprocess';
import { decodeImageFile } from '../image';
import { CYCLONE10GX_10CX220, PCIE_GEN2_X4, webSerialLink, type InputSource } from '../../src/cost/devices';
import { constant } from '../../src/provenance/provenance';
import { reproduce, type ProgramSource, type ReproduceModel } from '../../src/cost/reproduce';
import type { DspPolicy } from '../../src/cost/resources';

export const USAGE = `usage: hybrid-dhm reproduce [--out DIR] [--models id,id,…] [--bits 6,8,10] [--dsp logic|dsp-largest-first|dsp-all]
                           [--programs structural|compiler] [--input host|camera] [--idle-power excluded|included]
                           [--clock-mhz N] [--link pcie|serial] [--baud N]
                           [--no-sensitivity] [--accuracy]
  --programs structural  heads lowered with the compiler's weight rule, no calibration (default; < 10 s)
  --programs compiler    heads from the DHM compiler calibrated on models/images/cat.bmp (exact biases; slower)`;

const DSP: readonly DspPolicy[] = ['logic', 'dsp-largest-first', 'dsp-all'];
const INPUT: readonly InputSource[] = ['host', 'camera'];

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

/**
 * Accuracy of the quantized heads (measured on this machine): for every fitting (network, cut) row, the hybrid
 * system (DHM head emulated bit-exactly — Wasm emulator when dist/dhm.wasm is built, else the TypeScript reference —
 * then the float tail on onnxruntime-web's wasm EP) against the float model on the same EP, on the four shared
 * sample images. The compiler is calibrated on those same images (the pipeline's calibration set).
 */
async function accuracyTable(rows: readonly SweepRow[]): Promise<ExtraTable> {
  const { nodePipelineEnv } = await import('../env');
  const { HybridPipeline } = await import('../../src/pipeline/pipeline');
  const { referenceBackend, wasmInProcessBackend } = await import('../../src/pipeline/backends');
  const wasm = join(DIST_ROOT, 'dhm.wasm');
  const backend = existsSync(wasm) ? await wasmInProcessBackend(readFileSync(wasm)) : referenceBackend();
  const pipeline = new HybridPipeline(nodePipelineEnv());
  const images = Object.entries(SAMPLE_IMAGES).map(([name, f]) => ({ name, img: decodeImageFile(join(MODELS_ROOT, f.path)) }));
  const out: string[][] = [];
  try {
    for (const r of rows) {
      let top1 = 0;
      let top5overlap = 0;
      const misses: string[] = [];
      for (const { name, img } of images) {
        const h = await pipeline.classify({ modelId: r.modelId as ModelId, cut: r.cutIndex, quant: { bits: r.bits, weightBits: r.bits } }, img, backend);
        const a = h.hybrid.top5.map((x) => x.index);
        const b = h.gpuOnly.top5.map((x) => x.index);
        if (a[0] === b[0]) top1++;
        else misses.push(`${name}: ${h.hybrid.top5[0]!.label} vs ${h.gpuOnly.top5[0]!.label}`);
        top5overlap += a.filter((x) => b.includes(x)).length;
      }
      out.push([r.modelId, String(r.cutIndex), r.tensor, String(r.bits), `${top1}/${images.length}`, (top5overlap / images.length).toFixed(2), misses.join('; ') || '—']);
    }
  } finally {
    await pipeline.dispose();
  }
  return {
    title: 'Accuracy of the quantized heads (measured)',
    note: `Provenance: **measured** on this machine — hybrid (DHM head emulated bit-exactly on the ${backend.kind === 'wasm' ? 'Wasm emulator' : 'TypeScript reference executor'}, float tail on onnxruntime-web's wasm EP) vs the float model on the same EP, on the ${images.length} shared sample images (${images.map((i) => i.name).join(', ')}); the compiler is calibrated on those same images. One row per head that fits the FPGA.`,
    header: ['model', 'cut', 'tensor', 'bits', 'top-1 equal', 'mean top-5 overlap', 'top-1 differences (hybrid vs float)'],
    rows: out,
  };
}

/** Run the command; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['out', 'models', 'bits', 'dsp', 'input', 'clock-mhz', 'link', 'baud', 'programs', 'idle-power'], ['help', 'accuracy', 'no-sensitivity']);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'\n${USAGE}`);
  const out = resolve(flagString(args, 'out', 'reproduction')!);
  const ids = (flagString(args, 'models') ?? PAPER_MODELS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const bits = parseBits(flagString(args, 'bits', '6,8,10')!);
  const dspPolicy = flagChoice(args, 'dsp', DSP, 'dsp-largest-first');
  const programs = flagChoice<ProgramSource>(args, 'programs', ['structural', 'compiler'], 'structural');
  const inputSource = flagChoice(args, 'input', INPUT, 'host');
  const idlePower = flagChoice<IdlePower>(args, 'idle-power', ['excluded', 'included'], 'excluded');
  const linkKind = flagChoice(args, 'link', ['pcie', 'serial'] as const, 'pcie');
  const baud = flagInt(args, 'baud');
  if (baud !== undefined && linkKind !== 'serial') throw new UsageError('--baud applies only with --link serial');
  const link = linkKind === 'serial' ? webSerialLink(baud ?? 921600) : PCIE_GEN2_X4;
  const clock = flagNumber(args, 'clock-mhz');
  if (clock !== undefined && !(clock > 0 && clock <= 1000)) throw new UsageError(`option --clock-mhz must be in (0, 1000], got ${clock}`);
  const fpga = clock === undefined ? CYCLONE10GX_10CX220 : { ...CYCLONE10GX_10CX220, clockMHz: constant(clock, 'MHz', 'assumption', `set with --clock-mhz ${clock}`) };

  const models: ReproduceModel[] = ids.map((id) => {
    const { path, entry } = resolveModel(id);
    if (!entry) throw new UsageError(`--models takes registry ids (the report needs the preprocessing recipe), got '${id}'`);
    if (!entry.float || entry.input.layout !== 'NCHW') throw new UsageError(`model '${id}' is not a float NCHW model the DHM head supports`);
    const calibrationFrame = programs === 'compiler' ? toFrame(decodeImageFile(join(MODELS_ROOT, SAMPLE_IMAGES.cat.path)), entry.preprocessing).data : undefined;
    return { entry, bytes: new Uint8Array(readFileSync(path)), ...(calibrationFrame ? { calibrationFrame } : {}) };
  });
  const res = reproduce(models, { bits, dspPolicy, inputSource, idlePower, fpga, link, programs, sensitivity: !args.flags.has('no-sensitivity') });
  let files = res.files;
  if (args.flags.has('accuracy')) {
    const cmpBits = compareBitsOf(bits);
    const table = await accuracyTable(res.rows.filter((r) => r.fits && r.bits === cmpBits));
    files = buildReport({ ...res.reportInput, extraTables: [...(res.reportInput.extraTables ?? []), table] });
  }
  mkdirSync(out, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(out, name), text);
  for (const b of res.best) {
    const r = b.byLatency;
    console.log(`${b.modelId.padEnd(14)} ${String(b.bits).padStart(2)}-bit: ${b.fittingCuts}/${b.totalCuts} cuts fit; best cut ${r ? `${r.cutIndex} (${r.tensor}): hybrid ${r.figures.hybridLatencyMs.value.toFixed(3)} ms vs GPU-only ${r.figures.gpuOnlyLatencyMs.value.toFixed(3)} ms, energy ${r.figures.hybridEnergyMJ.value.toFixed(2)} vs ${r.figures.gpuOnlyEnergyMJ.value.toFixed(2)} mJ (modelled)` : 'none'}`);
  }
  console.log(`wrote ${res.files.size} files to ${out} (report.md, rows.csv, rows.json, SVG plots)`);
  return 0;
}
