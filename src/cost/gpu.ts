/**
 * The GPU tail (and the GPU-only baseline) on the Jetson TX2, under one of two named models (devices.ts):
 * - `eager-tx2` (default), calibrated on the authors' own TX2 measurements (tx2-calibration.ts): per op
 *   max(dispatch floor, bytes / effective bandwidth + FLOPs / throughput) — launches overlap the GPU's work, so an op
 *   costs the larger, not the sum; BatchNorm as its own kernel where torchvision has one; the input conversion
 *   (frame upload + normalisation for GPU-only, features upload + dequantisation for the tail) as ops;
 * - `roofline`: per node max(FLOPs / (peak × eff), bytes / (bandwidth × eff)) + a fixed overhead (assumed constants).
 * GPU-rail power interpolates between the authors' lowest and highest measured GPU powers by the fraction of the
 * node's time the GPU's kernels work. Every constant is in devices.ts with its provenance.
 */
import type { GpuProfile } from './devices';
import { modelled, type Figure } from '../provenance/provenance';

/** How a node maps onto GPU kernels (closed union). `view` nodes (reshape, flatten, …) launch no kernel. */
export type GpuOpClass = 'conv' | 'grouped-conv' | 'gemm' | 'pool' | 'elementwise' | 'view';

/** The work of one graph node (from the partitioner's per-layer report). Element counts are per frame (batch 1). */
export interface GpuLayerWork {
  readonly name: string;
  /** ONNX op type, for reports. */
  readonly op: string;
  readonly opClass: GpuOpClass;
  /** Multiply-accumulates per frame. */
  readonly macs: number;
  /** Weight and bias values read. */
  readonly params: number;
  /** Activation values read (all inputs). */
  readonly inputElems: number;
  /** Activation values written. */
  readonly outputElems: number;
  /**
   * In the eager (unfolded) framework this node is followed by a BatchNorm kernel (torchvision's Conv → BN; the ONNX
   * graphs here have BN folded). The roofline model ignores it; the eager model charges one more op.
   */
  readonly batchNormAfter?: boolean;
}

const VIEW_OPS = new Set(['Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Shape', 'Constant', 'Gather', 'Cast']);
const POOL_OPS = new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean']);

/** Classify an ONNX op (with its `group` attribute for Conv). Unknown ops are treated as element-wise kernels. */
export function classifyOp(op: string, groups = 1): GpuOpClass {
  if (op === 'Conv') return groups > 1 ? 'grouped-conv' : 'conv';
  if (op === 'Gemm' || op === 'MatMul') return 'gemm';
  if (POOL_OPS.has(op)) return 'pool';
  if (VIEW_OPS.has(op)) return 'view';
  return 'elementwise';
}

/** What bounds a node's time (closed union): `dispatch` = the eager per-op floor exceeds the GPU's work. */
export type GpuBound = 'compute' | 'memory' | 'dispatch' | 'none';

/** Modelled time, power and energy of one node. */
export interface GpuLayerEstimate {
  readonly name: string;
  readonly op: string;
  readonly bound: GpuBound;
  readonly timeMs: Figure;
  readonly powerW: Figure;
  readonly energyMJ: Figure;
}

/** Peak FLOP/s of the profile's precision, in GFLOP/s. */
export function gpuPeakGflops(gpu: GpuProfile): number {
  return gpu.precision === 'fp16' ? gpu.peakFp16Gflops.value : gpu.peakFp32Gflops.value;
}

/** Plain numbers of one node's estimate (the Figures are built from these). */
export interface GpuNodeNumbers {
  readonly timeMs: number;
  /** Time the GPU's kernels work (the rest is dispatch/overhead); drives the power model. */
  readonly busyMs: number;
  readonly powerW: number;
  readonly bound: GpuBound;
  /** The formula with its numbers, for the Figure's source. */
  readonly how: () => string;
}

function checkWork(l: GpuLayerWork): void {
  if (!(l.macs >= 0 && l.params >= 0 && l.inputElems >= 0 && l.outputElems >= 0)) {
    throw new RangeError(`gpu model: node '${l.name}' (${l.op}) has a negative or non-numeric work figure`);
  }
}

const power = (gpu: GpuProfile, busyMs: number, t: number): number =>
  gpu.powerMinW.value + (gpu.powerMaxW.value - gpu.powerMinW.value) * (t > 0 ? busyMs / t : 0);

/** The numbers of one node's estimate under the profile's model (roofline or eager-tx2). */
export function gpuNodeNumbers(l: GpuLayerWork, gpu: GpuProfile): GpuNodeNumbers {
  checkWork(l);
  if (l.opClass === 'view') return { timeMs: 0, busyMs: 0, powerW: 0, bound: 'none', how: () => 'view: no kernel' };
  const bpv = gpu.bytesPerValue.value;
  const bytes = (l.inputElems + l.outputElems + l.params) * bpv;
  if (gpu.model === 'roofline') {
    const flops = l.macs > 0 ? 2 * l.macs : l.outputElems;
    const eff = l.opClass === 'grouped-conv' ? gpu.computeEfficiencyGrouped.value : gpu.computeEfficiencyDense.value;
    const peak = gpuPeakGflops(gpu);
    const tc = flops / (peak * eff * 1e6);
    const tm = bytes / (gpu.memBandwidthGBs.value * gpu.memEfficiency.value * 1e6);
    const roof = Math.max(tc, tm);
    const t = roof + gpu.perLayerOverheadMs.value;
    return {
      timeMs: t, busyMs: roof, powerW: power(gpu, roof, t), bound: tc >= tm ? 'compute' : 'memory',
      how: () => `roofline: max(${flops} FLOP / (${peak} GFLOP/s × ${eff}), ${bytes} B / (${gpu.memBandwidthGBs.value} GB/s × ${gpu.memEfficiency.value})) + ${gpu.perLayerOverheadMs.value} ms overhead`,
    };
  }
  const bw = gpu.effectiveBandwidthGBs.value;
  const floor = gpu.opFloorMs.value;
  const thr = l.opClass === 'grouped-conv' ? gpu.groupedConvGflops.value : l.opClass === 'conv' || l.opClass === 'gemm' ? gpu.convGflops.value : 0;
  const flops = 2 * l.macs;
  const tm = bytes / (bw * 1e6);
  const tc = thr > 0 ? flops / (thr * 1e6) : 0;
  const work = tm + tc;
  let t = Math.max(floor, work);
  let busy = work;
  let bn = '';
  if (l.batchNormAfter) {
    const tb = (2 * l.outputElems * bpv) / (bw * 1e6);
    t += Math.max(floor, tb);
    busy += tb;
    bn = ` + BatchNorm kernel max(${floor}, ${2 * l.outputElems * bpv} B / ${bw} GB/s)`;
  }
  return {
    timeMs: t, busyMs: busy, powerW: power(gpu, busy, t), bound: work < floor ? 'dispatch' : tc > tm ? 'compute' : 'memory',
    how: () => `eager-tx2: max(${floor} ms floor, ${bytes} B / ${bw} GB/s + ${flops} FLOP / ${thr} GFLOP/s)${bn}`,
  };
}

/** Roofline or eager estimate of one node on the GPU, as Figures. */
export function estimateGpuLayer(l: GpuLayerWork, gpu: GpuProfile): GpuLayerEstimate {
  const n = gpuNodeNumbers(l, gpu);
  const busy = n.timeMs > 0 ? n.busyMs / n.timeMs : 0;
  return {
    name: l.name, op: l.op, bound: n.bound,
    timeMs: modelled(n.timeMs, 'ms', n.how()),
    powerW: modelled(n.powerW, 'W', n.timeMs > 0 ? `${gpu.powerMinW.value} W + (${gpu.powerMaxW.value} − ${gpu.powerMinW.value}) W × busy fraction ${busy.toFixed(4)}` : 'no kernel'),
    energyMJ: modelled(n.powerW * n.timeMs, 'mJ', `${l.name}: power × time`),
  };
}

/**
 * Input conversion charged to a segment under the eager model (closed union): `gpu-only` — the camera frame's
 * upload and normalisation (gpuOnlyInputOps ops over the frame); `tail` — the received features' upload and
 * dequantisation (tailInputOps ops over the crossing tensor). The roofline model charges none.
 */
export interface InputConversion {
  readonly role: 'gpu-only' | 'tail';
  /** Values converted (frame: C·H·W; features: the crossing tensor's size). */
  readonly elems: number;
}

/** Numbers of the input conversion (0 under the roofline model). */
export function inputConversionNumbers(conv: InputConversion | undefined, gpu: GpuProfile): { readonly timeMs: number; readonly energyMJ: number; readonly ops: number; readonly bound: GpuBound } {
  if (!conv || gpu.model !== 'eager-tx2') return { timeMs: 0, energyMJ: 0, ops: 0, bound: 'none' };
  const ops = conv.role === 'gpu-only' ? gpu.gpuOnlyInputOps.value : gpu.tailInputOps.value;
  const work = (2 * conv.elems * gpu.bytesPerValue.value) / (gpu.effectiveBandwidthGBs.value * 1e6);
  const one = Math.max(gpu.opFloorMs.value, work);
  return { timeMs: ops * one, energyMJ: ops * one * power(gpu, work, one), ops, bound: work < gpu.opFloorMs.value ? 'dispatch' : 'memory' };
}

/** Totals of a run of nodes (a tail, or the whole network for the GPU-only baseline). */
export interface GpuSegmentEstimate {
  readonly layers: readonly GpuLayerEstimate[];
  readonly timeMs: Figure;
  readonly energyMJ: Figure;
  /** Energy / time. */
  readonly avgPowerW: Figure;
}

/** Plain-number totals of a segment (sequential ops, batch 1), with its input conversion. */
export function gpuSegmentNumbers(layers: readonly GpuLayerWork[], gpu: GpuProfile, input?: InputConversion): { readonly timeMs: number; readonly energyMJ: number } {
  const c = inputConversionNumbers(input, gpu);
  let t = c.timeMs;
  let e = c.energyMJ;
  for (const l of layers) {
    const n = gpuNodeNumbers(l, gpu);
    t += n.timeMs;
    e += n.powerW * n.timeMs;
  }
  return { timeMs: t, energyMJ: e };
}

/** Sum the per-node estimates of `layers` (sequential execution, batch 1), plus the input conversion when given. */
export function estimateGpuSegment(layers: readonly GpuLayerWork[], gpu: GpuProfile, what: string, input?: InputConversion): GpuSegmentEstimate {
  const est = layers.map((l) => estimateGpuLayer(l, gpu));
  const c = inputConversionNumbers(input, gpu);
  const all = c.ops > 0
    ? [{
      name: input!.role === 'gpu-only' ? '(frame upload + normalisation)' : '(features upload + dequantisation)', op: 'input', bound: c.bound,
      timeMs: modelled(c.timeMs, 'ms', `${c.ops} ops × max(floor, ${input!.elems} values read + written)`),
      powerW: modelled(c.timeMs > 0 ? c.energyMJ / c.timeMs : 0, 'W', 'GPU power model'),
      energyMJ: modelled(c.energyMJ, 'mJ', 'power × time'),
    }, ...est]
    : est;
  const t = all.reduce((s, x) => s + x.timeMs.value, 0);
  const e = all.reduce((s, x) => s + x.energyMJ.value, 0);
  const src = `TX2 ${gpu.model} model summed over ${layers.length} nodes of ${what}${c.ops > 0 ? ` + ${c.ops} input-conversion ops` : ''}`;
  return {
    layers: all,
    timeMs: modelled(t, 'ms', src),
    energyMJ: modelled(e, 'mJ', src),
    avgPowerW: modelled(t > 0 ? e / t : 0, 'W', `${src}: energy / time`),
  };
}
