/**
 * The whole reproduction, environment-neutral: model bytes in, report files out. For each network: load and
 * prepare the graph, list its legal cuts, lower every head at every bit width (the DHM compiler in estimate mode: no
 * calibration; or calibrated), count cycles with the compiler's exact formula, estimate resources, and sweep; then rerun
 * the cheap parts of the sweep under alternative assumptions (sensitivity) and build the report.
 */
import { formulaCycles } from '../dhm/cycles';
import { calibrate, compileHead } from '../dhm/quantize';
import { estimateCompiler } from '../dhm/compiler';
import { lowerHead } from '../dhm/float';
import { loadGraph, splitAt, listCuts, type CutPoint } from '../graph/index';
import type { ModelEntry } from '../models/registry';
import type { DhmProgram, HeadCycles } from '../dhm/program';
import { CYCLONE10GX_10CX220, JETSON_TX2, PCIE_GEN2_X4, type FpgaProfile, type GpuProfile, type InputSource, type LinkProfile } from './devices';
import { networkSweepInput } from './networks';
import { constant } from '../provenance/provenance';
import { buildReport, type ExtraTable, type ReportInput, type ReportNetwork, type SensitivityCase } from './report';
import type { DspPolicy } from './resources';
import { bestCuts, sweepNetwork, type BestCut, type HeadCache, type IdlePower, type NetworkSweepInput, type SweepConfig, type SweepRow } from './sweep';

/** One model to reproduce: its registry entry, ONNX bytes and (for `programs: 'compiler'`) a calibration frame. */
export interface ReproduceModel {
  readonly entry: ModelEntry;
  readonly bytes: Uint8Array;
  /** HWC RGB uint8 frame of the model's input size (toFrame of a sample image); needed by the compiler route. */
  readonly calibrationFrame?: Uint8Array;
}

/** Where the head programs come from (closed union).
 * - `structural`: the DHM compiler in estimate mode (src/dhm/compiler.ts estimateCompiler): no calibration, activation
 *   ranges assumed (fast; the default);
 * - `compiler`: the DHM compiler (src/dhm/quantize.ts compileHead) calibrated on one frame (exact, slower). */
export type ProgramSource = 'structural' | 'compiler';

/** Options (defaults: the paper's platform, bits 6/8/10, DSPs for the costliest multipliers, frame from the host). */
export interface ReproduceOptions {
  readonly bits?: readonly number[];
  readonly dspPolicy?: DspPolicy;
  readonly inputSource?: InputSource;
  readonly idlePower?: IdlePower;
  readonly fpga?: FpgaProfile;
  readonly gpu?: GpuProfile;
  readonly link?: LinkProfile;
  readonly programs?: ProgramSource;
  /** Rerun under alternative assumptions (default true). */
  readonly sensitivity?: boolean;
  /** Extra tables (e.g. measured accuracy) to append to the report. */
  readonly extraTables?: readonly ExtraTable[];
}

export interface ReproduceResult {
  readonly files: ReadonlyMap<string, string>;
  /** What the files were built from (rebuild with more `extraTables` via buildReport). */
  readonly reportInput: ReportInput;
  readonly rows: readonly SweepRow[];
  readonly best: readonly BestCut[];
  readonly config: SweepConfig;
}

const STRUCTURAL_SOURCE = "src/dhm/compiler.ts in estimate mode: the DHM compiler's own passes (docs/datapath.md §8 normalisation fold, §10 formats, per-layer pow2 weights, bias cap) without calibration — every activation stream assumed to span ±2^(⌈bits/2⌉−1) (estimateAssumedRange), so activation formats, bias codes and shifts may differ from a calibrated program; weights and shapes as compiled; cycles: src/dhm/cycles.ts formulaCycles (exact)";
const COMPILER_SOURCE = 'src/dhm/quantize.ts compileHead (default options, bits = weightBits = the sweep\'s width) calibrated once per network on one sample frame over the deepest legal head (heads are nested); cycles: src/dhm/cycles.ts formulaCycles (exact)';

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
  const frame = m.calibrationFrame;
  const compile = (cut: CutPoint, bits: number): DhmProgram => {
    let p: DhmProgram;
    if (programs === 'structural') {
      p = structural(cut, bits);
    } else {
      if (!frame) throw new RangeError(`reproduce: model '${m.entry.id}' needs a calibration frame for programs: 'compiler'`);
      if (!stats) stats = calibrate(lowerHead(splitAt(g, cuts.length - 1).head, m.entry.preprocessing), [frame]);
      p = compileHead(splitAt(g, cut.index).head, { preprocessing: m.entry.preprocessing, calibrationFrames: [frame], calibration: stats, report: false, bits, weightBits: bits, modelId: m.entry.id, cutIndex: cut.index }).program;
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

/** Alternative assumptions for the sensitivity table: each changes one thing of the base configuration. */
export function sensitivityConfigs(base: SweepConfig): { readonly name: string; readonly change: string; readonly cfg: SweepConfig }[] {
  const why = (s: string): string => `sensitivity case: ${s}`;
  const fpgaClock = (mhz: number): FpgaProfile => ({ ...base.fpga, clockMHz: constant(mhz, 'MHz', 'assumption', why(`DHM clock ${mhz} MHz`)) });
  const gpu = (patch: Partial<GpuProfile>): GpuProfile => ({ ...base.gpu, ...patch });
  return [
    { name: 'clock-55', change: 'FPGA clock 55 MHz (slowest of the authors\' later designs)', cfg: { ...base, fpga: fpgaClock(55) } },
    { name: 'clock-94', change: 'FPGA clock 94 MHz (fastest of the authors\' later designs)', cfg: { ...base, fpga: fpgaClock(94) } },
    { name: 'camera-input', change: 'frame streamed by a camera into the FPGA (no input transfer)', cfg: { ...base, inputSource: 'camera' } },
    { name: 'gpu-eff-low', change: 'GPU efficiencies halved (dense 0.25, grouped 0.05)', cfg: { ...base, gpu: gpu({ computeEfficiencyDense: constant(0.25, 'ratio', 'assumption', why('dense 0.25')), computeEfficiencyGrouped: constant(0.05, 'ratio', 'assumption', why('grouped 0.05')) }) } },
    { name: 'gpu-eff-high', change: 'GPU efficiencies raised (dense 0.8, grouped 0.2, memory 0.8)', cfg: { ...base, gpu: gpu({ computeEfficiencyDense: constant(0.8, 'ratio', 'assumption', why('dense 0.8')), computeEfficiencyGrouped: constant(0.2, 'ratio', 'assumption', why('grouped 0.2')), memEfficiency: constant(0.8, 'ratio', 'assumption', why('memory 0.8')) }) } },
    { name: 'gpu-overhead-0', change: 'no per-node GPU overhead (pure roofline)', cfg: { ...base, gpu: gpu({ perLayerOverheadMs: constant(0, 'ms', 'assumption', why('0 ms')) }) } },
    { name: 'gpu-overhead-100us', change: 'per-node GPU overhead 0.1 ms', cfg: { ...base, gpu: gpu({ perLayerOverheadMs: constant(0.1, 'ms', 'assumption', why('0.1 ms')) }) } },
    { name: 'gpu-fp16', change: 'GPU tail in fp16 (2 bytes/value, fp16 peak)', cfg: { ...base, gpu: gpu({ precision: 'fp16', bytesPerValue: constant(2, 'bytes', 'assumption', why('fp16')) }) } },
    ...(base.idlePower === 'included' ? [] : [{ name: 'idle-power', change: 'idle power charged to the hybrid (GPU at 0.15 W while the FPGA and link work; FPGA static 0.64 W during link and tail)', cfg: { ...base, idlePower: 'included' as const } }]),
    { name: 'fpga-dynamic-x3', change: 'FPGA full-device dynamic power ×3 (3.27 W)', cfg: { ...base, fpga: { ...base.fpga, dynamicPowerFullW: constant(3 * base.fpga.dynamicPowerFullW.value, 'W', 'assumption', why('×3')) } } },
  ];
}

/** Run the whole reproduction (estimates only). */
export function reproduce(models: readonly ReproduceModel[], opts: ReproduceOptions = {}): ReproduceResult {
  const config: SweepConfig = {
    fpga: opts.fpga ?? CYCLONE10GX_10CX220,
    gpu: opts.gpu ?? JETSON_TX2,
    link: opts.link ?? PCIE_GEN2_X4,
    bits: opts.bits ?? [6, 8, 10],
    dspPolicy: opts.dspPolicy ?? 'dsp-largest-first',
    inputSource: opts.inputSource ?? 'host',
    idlePower: opts.idlePower ?? 'excluded',
  };
  const inputs = models.map((m) => modelSweepInput(m, opts.programs ?? 'structural'));
  const cache: HeadCache = new Map();
  const rows = inputs.flatMap((n) => sweepNetwork(n, config, cache));
  const sensitivity: SensitivityCase[] = [];
  if (opts.sensitivity ?? true) {
    for (const s of sensitivityConfigs(config)) {
      sensitivity.push({ name: s.name, change: s.change, best: bestCuts(inputs.flatMap((n) => sweepNetwork(n, s.cfg, cache))) });
    }
  }
  const networks: ReportNetwork[] = inputs.map((n) => ({ modelId: n.modelId, network: n.network, cuts: n.cuts.length, programSource: n.programSource }));
  const reportInput: ReportInput = { rows, config, networks, sensitivity, extraTables: opts.extraTables ?? [] };
  return { files: buildReport(reportInput), reportInput, rows, best: bestCuts(rows), config };
}
