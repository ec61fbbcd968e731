/**
 * Live estimates of the page (before and after a run): FPGA resources against the Cyclone 10 GX's capacity, and the
 * paper platform's modelled figures (FPGA head cycles / clock, PCIe link, TX2 tail and GPU-only (eager-tx2 model), latency and
 * energy reductions) for one (network, cut, bit width, clock). Everything here is the cost models of src/cost
 * (evaluateHead of src/cost/sweep.ts) applied to a DHM program:
 * - before a run, the calibration-free program of the DHM compiler in estimate mode (src/dhm/compiler.ts
 *   estimateCompiler: same passes; activation ranges assumed, no frames) — a few to ~200 ms per cut on the main thread, measured, cached per (cut, bits);
 * - after a run, the calibrated program that really ran (the pipeline's prepared program).
 * The page runs it in a worker (workers/estimates.worker.ts), off the main thread; the time of every estimate is
 * measured and shown in the page.
 */
import type { Graph } from '../graph/types';
import { listCuts, type CutPoint } from '../graph/index';
import type { DhmProgram } from '../dhm/program';
import { formulaCycles } from '../dhm/cycles';
import type { ModelEntry } from '../models/registry';
import { CYCLONE10GX_10CX220, JETSON_TX2, PCIE_GEN2_X4, type FpgaProfile } from './devices';
import { constant } from '../provenance/provenance';
import type { GpuSegmentEstimate } from './gpu';
import { networkSweepInput } from './networks';
import { evaluateHead, gpuOnlySegment, type NetworkSweepInput, type SweepConfig, type SweepRow } from './sweep';
import type { HeadResources } from './resources';
import { estimateCompiler } from '../dhm/compiler';

/** Where the estimated program came from (closed union). */
export type ProgramSource = 'structural' | 'calibrated';

/** Everything about one network the estimates need, built once per model. */
export interface NetworkContext {
  readonly model: ModelEntry;
  readonly graph: Graph;
  readonly cuts: readonly CutPoint[];
  readonly net: NetworkSweepInput;
  /** The whole network on the TX2 (modelled, the default eager-tx2 GPU model with the frame's upload and normalisation): the GPU-only baseline of the paper platform. */
  readonly gpuOnly: GpuSegmentEstimate;
}

/** One estimate: the sweep row (every number a Figure), the resource breakdown, and how long it took here. */
export interface CutEstimate {
  readonly cutIndex: number;
  readonly bits: number;
  readonly clockMHz: number;
  readonly row: SweepRow;
  readonly resources: HeadResources;
  readonly programSource: ProgramSource;
  /** Wall time of this estimate on the thread that computed it, ms (measured; includes lowering when not cached). */
  readonly ms: number;
}

/** The FPGA profile with the DHM clock set from the page (other constants unchanged, with their sources). */
export function fpgaAtClock(clockMHz: number): FpgaProfile {
  if (clockMHz === CYCLONE10GX_10CX220.clockMHz.value) return CYCLONE10GX_10CX220;
  if (!(clockMHz > 0) || !Number.isFinite(clockMHz)) throw new RangeError(`clock must be a positive number of MHz, got ${clockMHz}`);
  return { ...CYCLONE10GX_10CX220, clockMHz: constant(clockMHz, 'MHz', 'assumption', `DHM clock set in the page (default ${CYCLONE10GX_10CX220.clockMHz.value} MHz: ${CYCLONE10GX_10CX220.clockMHz.source})`) };
}

/** The sweep configuration of the page: paper platform (Cyclone 10 GX + PCIe Gen2 x4 + TX2), frame sent by the host. */
export function pageSweepConfig(bits: number, clockMHz: number): SweepConfig {
  return { fpga: fpgaAtClock(clockMHz), gpu: JETSON_TX2, link: PCIE_GEN2_X4, bits: [bits], dspPolicy: 'dsp-largest-first', inputSource: 'host' };
}

/** Build the estimate context of a network from its prepared graph (listCuts + per-node GPU work). */
export function networkContext(model: ModelEntry, graph: Graph): NetworkContext {
  const structural = estimateCompiler(graph, model.preprocessing, model.id);
  const programs = new Map<string, DhmProgram>();
  const cuts = listCuts(graph);
  const net = networkSweepInput({
    modelId: model.id, network: model.network, graph,
    compile: (cut, bits) => {
      const key = `${cut.index}/${bits}`;
      let p = programs.get(key);
      if (!p) {
        p = structural(cut, bits);
        programs.set(key, p);
      }
      return p;
    },
    cycles: formulaCycles,
    programSource: 'DHM compiler, estimate mode (src/dhm/compiler.ts): its own lowering and weights, activation ranges assumed (no calibration)',
  });
  return { model, graph, cuts, net, gpuOnly: gpuOnlySegment(net, JETSON_TX2) };
}

/**
 * Estimate one cut at `bits` and `clockMHz`. With `program` (the calibrated program that ran), that program is
 * costed; otherwise the structural program of (cut, bits), cached.
 */
export function estimateCut(ctx: NetworkContext, cutIndex: number, bits: number, clockMHz: number, program?: DhmProgram): CutEstimate {
  const t0 = performance.now();
  const cut = ctx.net.cuts.find((c) => c.index === cutIndex);
  if (!cut) throw new RangeError(`${ctx.model.id} has no legal cut ${cutIndex} (0..${ctx.net.cuts.length - 1})`);
  const p = program ?? ctx.net.program(cutIndex, bits);
  const { row, resources } = evaluateHead(ctx.net, cut, bits, p, formulaCycles(p), { timeMs: ctx.gpuOnly.timeMs, energyMJ: ctx.gpuOnly.energyMJ }, pageSweepConfig(bits, clockMHz));
  return { cutIndex, bits, clockMHz, row, resources, programSource: program ? 'calibrated' : 'structural', ms: performance.now() - t0 };
}
