/**
 * The GPU tail (and the GPU-only baseline) on the Jetson TX2: a per-layer roofline from MACs, bytes moved and the
 * TX2's peaks with stated efficiency factors, plus a fixed per-node overhead; and a GPU-rail power model
 * interpolating between the authors' lowest and highest measured GPU powers by the fraction of the layer's time
 * the roofline-bound work takes. Every constant is in devices.ts with its provenance.
 */
import type { GpuProfile } from './devices';
import { measured, modelled, type Figure } from '../provenance/provenance';

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

/** Modelled time, power and energy of one node. */
export interface GpuLayerEstimate {
  readonly name: string;
  readonly op: string;
  readonly bound: 'compute' | 'memory' | 'none';
  readonly timeMs: Figure;
  readonly powerW: Figure;
  readonly energyMJ: Figure;
}

/** Peak FLOP/s of the profile's precision, in GFLOP/s. */
export function gpuPeakGflops(gpu: GpuProfile): number {
  return gpu.precision === 'fp16' ? gpu.peakFp16Gflops.value : gpu.peakFp32Gflops.value;
}

/** Roofline + overhead estimate of one node on the GPU. */
export function estimateGpuLayer(l: GpuLayerWork, gpu: GpuProfile): GpuLayerEstimate {
  if (!(l.macs >= 0 && l.params >= 0 && l.inputElems >= 0 && l.outputElems >= 0)) {
    throw new RangeError(`gpu model: node '${l.name}' (${l.op}) has a negative or non-numeric work figure`);
  }
  if (l.opClass === 'view') {
    const z = (unit: string): Figure => modelled(0, unit, `${l.op} is a view (no kernel)`);
    return { name: l.name, op: l.op, bound: 'none', timeMs: z('ms'), powerW: z('W'), energyMJ: z('mJ') };
  }
  const flops = l.macs > 0 ? 2 * l.macs : l.outputElems;
  const eff = l.opClass === 'grouped-conv' ? gpu.computeEfficiencyGrouped.value : gpu.computeEfficiencyDense.value;
  const peak = gpuPeakGflops(gpu);
  const tComputeMs = flops / (peak * eff * 1e6);
  const bytes = (l.inputElems + l.outputElems + l.params) * gpu.bytesPerValue.value;
  const tMemMs = bytes / (gpu.memBandwidthGBs.value * gpu.memEfficiency.value * 1e6);
  const tRoof = Math.max(tComputeMs, tMemMs);
  const t = tRoof + gpu.perLayerOverheadMs.value;
  const busy = tRoof / t;
  const p = gpu.powerMinW.value + (gpu.powerMaxW.value - gpu.powerMinW.value) * busy;
  const bound = tComputeMs >= tMemMs ? 'compute' : 'memory';
  const timeMs = modelled(t, 'ms', `max(${flops} FLOP / (${peak} GFLOP/s × ${eff}), ${bytes} B / (${gpu.memBandwidthGBs.value} GB/s × ${gpu.memEfficiency.value})) + ${gpu.perLayerOverheadMs.value} ms overhead`);
  const powerW = modelled(p, 'W', `${gpu.powerMinW.value} W + (${gpu.powerMaxW.value} − ${gpu.powerMinW.value}) W × busy fraction ${busy.toFixed(4)}`);
  return { name: l.name, op: l.op, bound, timeMs, powerW, energyMJ: modelled(p * t, 'mJ', `${l.name}: power × time`) };
}

/** Totals of a run of nodes (a tail, or the whole network for the GPU-only baseline). */
export interface GpuSegmentEstimate {
  readonly layers: readonly GpuLayerEstimate[];
  readonly timeMs: Figure;
  readonly energyMJ: Figure;
  /** Energy / time. */
  readonly avgPowerW: Figure;
}

/** Sum the per-node estimates of `layers` (sequential execution, batch 1). */
export function estimateGpuSegment(layers: readonly GpuLayerWork[], gpu: GpuProfile, what: string): GpuSegmentEstimate {
  const est = layers.map((l) => estimateGpuLayer(l, gpu));
  const t = est.reduce((s, e) => s + e.timeMs.value, 0);
  const e = est.reduce((s, x) => s + x.energyMJ.value, 0);
  const src = `TX2 roofline model summed over ${layers.length} nodes of ${what}`;
  return {
    layers: est,
    timeMs: modelled(t, 'ms', src),
    energyMJ: modelled(e, 'mJ', src),
    avgPowerW: modelled(t > 0 ? e / t : 0, 'W', `${src}: energy / time`),
  };
}

/**
 * The tail's time measured in the browser (onnxruntime-web WebGPU) on *this* machine, as a Figure labelled
 * `measured` and naming the device, so it is never confused with the modelled TX2 time. `ms` must be ≥ 0.
 */
export function measuredTailMs(ms: number, device: string, how: string): Figure {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`measured tail time must be a finite number ≥ 0 ms, got ${ms}`);
  if (!device) throw new RangeError('measured tail time needs the device it was measured on');
  return measured(ms, 'ms', `measured on ${device} (not the Jetson TX2): ${how}`);
}
