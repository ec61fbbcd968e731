/**
 * The whole reproduction, environment-neutral: model bytes in, report files out. For each network: load and
 * prepare the graph, list its legal cuts, lower every head at every bit width (the DHM compiler in estimate mode: no
 * calibration; or calibrated), count cycles with the compiler's exact formula, estimate
 * resources; then run every named scenario with its bands (scenarios.ts), the inverse analysis (inverse.ts), the GPU
 * fit (tx2-calibration.ts) and the authors' Quartus comparison (authors-designs.ts), and build the report.
 */
import { formulaCycles } from '../dhm/cycles';
import { calibrate, compileHead } from '../dhm/quantize';
import { estimateCompiler } from '../dhm/compiler';
import { lowerHead } from '../dhm/float';
import { loadGraph, splitAt, listCuts, type CutPoint } from '../graph/index';
import type { ModelEntry } from '../models/registry';
import type { DhmProgram, HeadCycles } from '../dhm/program';
import type { AccuracyResult } from './accuracy-report';
import { compareAuthorsDesigns } from './authors-designs';
import { CYCLONE10GX_10CX220, JETSON_TX2, PCIE_GEN2_X4, type FpgaProfile, type LinkProfile } from './devices';
import { inverseAnalysis, paperReach } from './inverse';
import { networkSweepInput } from './networks';
import { buildReport, compareBitsOf, type ExtraTable, type OpenSynthesisInput, type ReportInput, type ReportNetwork } from './report';
import type { DspPolicy } from './resources';
import { getScenario, runScenario, SCENARIO_NAMES, type ScenarioName, type ScenarioResult } from './scenarios';
import { bestCuts, gpuOnlySegment, type BestCut, type HeadCache, type IdlePower, type NetworkSweepInput, type SweepConfig, type SweepRow } from './sweep';
import { fitTx2 } from './tx2-calibration';

/** One model to reproduce: its registry entry, ONNX bytes and (for `programs: 'compiler'`) the calibration frames. */
export interface ReproduceModel {
  readonly entry: ModelEntry;
  readonly bytes: Uint8Array;
  /** HWC RGB uint8 frames of the model's input size (the compiler's calibration set, src/dhm/calibration-set.ts); needed by the compiler route. */
  readonly calibrationFrames?: readonly Uint8Array[];
}

/** Where the head programs come from (closed union).
 * - `structural`: the DHM compiler in estimate mode (src/dhm/compiler.ts estimateCompiler): no calibration, activation
 *   ranges assumed (fast; the default);
 * - `compiler`: the DHM compiler (src/dhm/quantize.ts compileHead) calibrated on one frame (exact, slower). */
export type ProgramSource = 'structural' | 'compiler';

/** Options (defaults: the paper's platform, bits 4–8, DSPs for the costliest multipliers, every scenario). */
export interface ReproduceOptions {
  readonly bits?: readonly number[];
  readonly dspPolicy?: DspPolicy;
  readonly idlePower?: IdlePower;
  readonly fpga?: FpgaProfile;
  readonly link?: LinkProfile;
  readonly programs?: ProgramSource;
  /** Scenarios to run (default: all, in SCENARIO_NAMES order). */
  readonly scenarios?: readonly ScenarioName[];
  /** Measured accuracy per bit width and cut (src/pipeline/accuracy.ts), shown in the report. */
  readonly accuracy?: AccuracyResult;
  /** Open-synthesis figures, or why there are none. */
  readonly openSynthesis?: OpenSynthesisInput;
  /** Extra tables to append to the report. */
  readonly extraTables?: readonly ExtraTable[];
}

export interface ReproduceResult {
  readonly files: ReadonlyMap<string, string>;
  /** What the files were built from (rebuild with more data via buildReport). */
  readonly reportInput: ReportInput;
  /** Rows of the primary scenario (eager-tx2 when run, else the first). */
  readonly rows: readonly SweepRow[];
  readonly best: readonly BestCut[];
  readonly config: SweepConfig;
  readonly scenarios: readonly ScenarioResult[];
}

const STRUCTURAL_SOURCE = "src/dhm/compiler.ts in estimate mode: the DHM compiler's own passes (docs/datapath.md §8 normalisation fold, §10 formats, per-layer pow2 weights, bias cap) without calibration — every activation stream assumed to span ±2^(⌈bits/2⌉−1) (estimateAssumedRange), so activation formats, bias codes and shifts may differ from a calibrated program; weights and shapes as compiled; cycles: src/dhm/cycles.ts formulaCycles (exact)";
const COMPILER_SOURCE = 'src/dhm/quantize.ts compileHead (default options, bits = weightBits = the sweep\'s width) calibrated once per network on the calibration set (src/dhm/calibration-set.ts, as in the pipeline: these are the programs it runs) over the deepest legal head (heads are nested); cycles: src/dhm/cycles.ts formulaCycles (exact)';

/** Build the sweep input of one model. */
export function modelSweepInput(m: ReproduceModel, programs: ProgramSource = 'structural'): NetworkSweepInput {
  const g = loadGraph(m.bytes, m.entry.file.path);
  const cuts = listCuts(g);
  const structural = estimateCompiler(g, m.entry.preprocessing, m.entry.id);
  // The timing model (docs/datapath.md §9) depends on shapes and fan-in only, not on bit widths: the heads of one
  // cut at different bit widths have the same cycle counts, so the formula runs once per cut.
  const cutOf = new WeakMap<DhmProgram, number>();
  const cyclesByCut = new Map<number, HeadCycles>();
  const cyclesOnce = (p: DhmProgram): HeadCycles => {
    const k = cutOf.get(p);
    let c = k === undefined ? undefined : cyclesByCut.get(k);
    if (!c) {
      c = formulaCycles(p);
      if (k !== undefined) cyclesByCut.set(k, c);
    }
    return c;
  };
  let stats: ReturnType<typeof calibrate> | null = null;
  const frames = m.calibrationFrames;
  const compile = (cut: CutPoint, bits: number): DhmProgram => {
    let p: DhmProgram;
    if (programs === 'structural') {
      p = structural(cut, bits);
    } else {
      if (!frames?.length) throw new RangeError(`reproduce: model '${m.entry.id}' needs calibration frames for programs: 'compiler'`);
      if (!stats) stats = calibrate(lowerHead(splitAt(g, cuts.length - 1).head, m.entry.preprocessing), frames);
      p = compileHead(splitAt(g, cut.index).head, { preprocessing: m.entry.preprocessing, calibrationFrames: frames, calibration: stats, report: false, bits, weightBits: bits, modelId: m.entry.id, cutIndex: cut.index }).program;
    }
    cutOf.set(p, cut.index);
    return p;
  };
  return networkSweepInput({
    modelId: m.entry.id,
    network: m.entry.network,
    graph: g,
    compile,
    cycles: cyclesOnce,
    programSource: programs === 'structural' ? STRUCTURAL_SOURCE : COMPILER_SOURCE,
  });
}

/** Run the whole reproduction (estimates only; accuracy and open-synthesis figures come in as data). */
export function reproduce(models: readonly ReproduceModel[], opts: ReproduceOptions = {}): ReproduceResult {
  const names = opts.scenarios ?? SCENARIO_NAMES;
  if (names.length === 0) throw new RangeError('reproduce: no scenario to run');
  const base: SweepConfig = {
    fpga: opts.fpga ?? CYCLONE10GX_10CX220,
    gpu: JETSON_TX2,
    link: opts.link ?? PCIE_GEN2_X4,
    bits: opts.bits ?? [4, 5, 6, 7, 8],
    dspPolicy: opts.dspPolicy ?? 'dsp-largest-first',
    inputSource: 'host',
    idlePower: opts.idlePower ?? 'excluded',
  };
  const inputs = models.map((m) => modelSweepInput(m, opts.programs ?? 'structural'));
  const cache: HeadCache = new Map();
  const results = names.map((n) => runScenario(getScenario(n), inputs, base, cache));
  const primary = results.find((r) => r.scenario.name === 'eager-tx2') ?? results[0]!;
  const config = primary.config;
  const cmpBits = compareBitsOf(config.bits);
  const inverse = results.flatMap((r) => inverseAnalysis(r, inputs, cache, cmpBits));
  const networks: ReportNetwork[] = inputs.map((n, i) => ({ modelId: n.modelId, network: n.network, cuts: n.cuts.length, programSource: n.programSource, title: models[i]!.entry.title }));
  const reportInput: ReportInput = {
    rows: primary.rows, config, networks, scenarios: results, inverse, reach: paperReach(results, inverse, cmpBits), tx2Fit: fitTx2(),
    gpuNodes: new Map(inputs.map((n) => [n.modelId, gpuOnlySegment(n, config.gpu)] as const)),
    authors: compareAuthorsDesigns(config.fpga),
    ...(opts.openSynthesis ? { openSynthesis: opts.openSynthesis } : {}),
    ...(opts.accuracy ? { accuracy: opts.accuracy } : {}),
    extraTables: opts.extraTables ?? [],
  };
  return { files: buildReport(reportInput), reportInput, rows: primary.rows, best: bestCuts(primary.rows), config, scenarios: results };
}
