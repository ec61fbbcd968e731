/**
 * The design-space sweep: each network × every legal cut × each bit width → resources, fit, FPGA time and energy,
 * link bytes and time, GPU tail time and energy, hybrid vs GPU-only latency and energy, and the best cut within the
 * FPGA budget. Hybrid latency = the exposed FPGA + link time (timeline.ts: camera, host serial or host overlapped)
 * + T_GPU(tail); hybrid energy = E_FPGA (whole frame) + E_link + E_GPU(tail), each device counted only while it works
 * (idle power of the waiting device excluded unless `idlePower: 'included'` — stated in the report). The sweep is pure: programs and cycle counts are supplied by the caller (the DHM compiler and its
 * cycle formula), so it runs anywhere and is deterministic.
 */
import type { DhmProgram, HeadCycles } from '../dhm/program';
import type { FpgaProfile, GpuProfile, InputSource, LinkProfile, TransferMode } from './devices';
import { energyMJ, fpgaLatencyMs, fpgaPowerNumber, fpgaPowerW } from './fpga';
import { estimateGpuSegment, type GpuLayerWork, type GpuSegmentEstimate } from './gpu';
import { linkBytes } from './link';
import { headTimeline } from './timeline';
import { modelled, type Figure } from '../provenance/provenance';
import { estimateResources, type DspPolicy, type HeadResources, type ResourceName } from './resources';

/** One legal cut of a network, as the partitioner lists it. */
export interface CutDescriptor {
  readonly index: number;
  /** Name of the crossing tensor. */
  readonly tensor: string;
  /** Its NCHW shape. */
  readonly shape: readonly number[];
  /** GPU work of the tail's nodes (after the cut), in topological order. */
  readonly tail: readonly GpuLayerWork[];
}

/** Everything the sweep needs about one network. */
export interface NetworkSweepInput {
  readonly modelId: string;
  /** Network name as the paper names it (registry `network`). */
  readonly network: string;
  /** Head input frame: channels, height, width. */
  readonly inputShape: readonly [number, number, number];
  /** GPU work of every node of the whole network (the GPU-only baseline). */
  readonly allLayers: readonly GpuLayerWork[];
  readonly cuts: readonly CutDescriptor[];
  /** The compiled head at a cut and activation/weight bit width. */
  readonly program: (cutIndex: number, bits: number) => DhmProgram;
  /** The exact cycle counts of a head (the compiler's formula). */
  readonly cycles: (program: DhmProgram) => HeadCycles;
  /** How programs were obtained (stated in the report). */
  readonly programSource: string;
}

/** Sweep configuration. */
export interface SweepConfig {
  readonly fpga: FpgaProfile;
  readonly gpu: GpuProfile;
  readonly link: LinkProfile;
  readonly bits: readonly number[];
  readonly dspPolicy: DspPolicy;
  readonly inputSource: InputSource;
  /** How host transfers overlap the streaming (default `serial`; ignored for a camera): see timeline.ts. */
  readonly transfers?: TransferMode;
  /**
   * `excluded` (default): each device's energy counts only while it works (the notes' E = P × t per device).
   * `included`: the hybrid also pays the waiting devices — the GPU at its lowest measured power during the exposed
   * FPGA + link time, the FPGA at its static power during the GPU tail.
   */
  readonly idlePower?: IdlePower;
}

/** Whether idle power of waiting devices is charged to the hybrid (closed union). */
export type IdlePower = 'excluded' | 'included';

/** Keys of the figures of a row, in column order. */
export const ROW_FIGURES = [
  'alms', 'registers', 'dspBlocks', 'm20k', 'mlab', 'maxUse',
  'fpgaCycles', 'fpgaLatencyMs', 'fpgaPowerW', 'fpgaEnergyMJ',
  'linkBytes', 'linkMs', 'exposedMs', 'tailMs', 'tailEnergyMJ',
  'hybridLatencyMs', 'hybridEnergyMJ', 'gpuOnlyLatencyMs', 'gpuOnlyEnergyMJ',
  'latencyReductionPct', 'energyReductionPct',
] as const;
export type RowFigure = (typeof ROW_FIGURES)[number];

/** One (network, cut, bits) point. Identifiers are plain; every number is a Figure. */
export interface SweepRow {
  readonly modelId: string;
  readonly network: string;
  readonly cutIndex: number;
  readonly tensor: string;
  /** `C×H×W` of the crossing tensor. */
  readonly shape: string;
  readonly bits: number;
  /** DHM layers in the head. */
  readonly headLayers: number;
  readonly fits: boolean;
  readonly limiting: ResourceName;
  readonly figures: Readonly<Record<RowFigure, Figure>>;
}

/** The facts of one compiled head the time/energy model needs (plain numbers). */
export interface HeadFacts {
  readonly cycles: HeadCycles;
  /** Input pixels H·W. */
  readonly frameCycles: number;
  /** Frame bytes when the host sends it. */
  readonly hostFrameBytes: number;
  /** Feature bytes on the wire. */
  readonly outBytes: number;
  /** ALM demand (drives the FPGA's dynamic power). */
  readonly alms: number;
}

/** Time and energy of one point, plain numbers (ms, W, mJ, %). */
export interface PointNumbers {
  readonly exposedMs: number;
  readonly fpgaMs: number;
  readonly linkMs: number;
  readonly tailMs: number;
  readonly hybridMs: number;
  readonly gpuOnlyMs: number;
  readonly fpgaPowerW: number;
  readonly fpgaEnergyMJ: number;
  readonly linkEnergyMJ: number;
  readonly tailEnergyMJ: number;
  readonly idleEnergyMJ: number;
  readonly hybridEnergyMJ: number;
  readonly gpuOnlyEnergyMJ: number;
  readonly latencyReductionPct: number;
  readonly energyReductionPct: number;
  readonly timelineHow: string;
}

type Seg = { readonly timeMs: number; readonly energyMJ: number };
const redPct = (base: number, hybrid: number): number => (base > 0 ? (100 * (base - hybrid)) / base : 0);

/** The time/energy model of one point: exposed FPGA + link time (timeline.ts) + the GPU tail, against GPU-only. */
export function pointNumbers(h: HeadFacts, tail: Seg, gpuOnly: Seg, cfg: SweepConfig): PointNumbers {
  const tl = headTimeline({
    cycles: h.cycles, frameCycles: h.frameCycles, clockMHz: cfg.fpga.clockMHz.value,
    inBytes: cfg.inputSource === 'host' ? h.hostFrameBytes : 0, outBytes: h.outBytes, link: cfg.link,
  }, cfg.inputSource, cfg.transfers ?? 'serial');
  const pF = fpgaPowerNumber(h.alms, cfg.fpga);
  const eF = pF * tl.fpgaMs;
  const eL = cfg.link.powerW.value * tl.linkMs;
  const idle = cfg.idlePower === 'included' ? cfg.gpu.powerMinW.value * tl.exposedMs + cfg.fpga.staticPowerW.value * tail.timeMs : 0;
  const hybridMs = tl.exposedMs + tail.timeMs;
  const hybridE = eF + eL + tail.energyMJ + idle;
  return {
    exposedMs: tl.exposedMs, fpgaMs: tl.fpgaMs, linkMs: tl.linkMs, tailMs: tail.timeMs, hybridMs, gpuOnlyMs: gpuOnly.timeMs,
    fpgaPowerW: pF, fpgaEnergyMJ: eF, linkEnergyMJ: eL, tailEnergyMJ: tail.energyMJ, idleEnergyMJ: idle, hybridEnergyMJ: hybridE,
    gpuOnlyEnergyMJ: gpuOnly.energyMJ, latencyReductionPct: redPct(gpuOnly.timeMs, hybridMs), energyReductionPct: redPct(gpuOnly.energyMJ, hybridE),
    timelineHow: tl.how,
  };
}

/** The head facts of a compiled program. */
export function headFacts(net: Pick<NetworkSweepInput, 'modelId' | 'inputShape'>, cutIndex: number, program: DhmProgram, cycles: HeadCycles, res: HeadResources, link: LinkProfile): HeadFacts {
  const outS = program.streams[program.output];
  if (!outS) throw new RangeError(`sweep: ${net.modelId} cut ${cutIndex}: program output stream '${program.output}' is not declared`);
  const [c0, h0, w0] = net.inputShape;
  return {
    cycles, frameCycles: program.input.height * program.input.width, hostFrameBytes: linkBytes(c0 * h0 * w0, 8, link),
    outBytes: linkBytes(outS.channels * outS.height * outS.width, outS.format.bits, link), alms: res.totals.alms.value,
  };
}

/** The GPU-only baseline of a network: every node + the frame's upload and normalisation (eager model). */
export function gpuOnlySegment(net: Pick<NetworkSweepInput, 'network' | 'allLayers' | 'inputShape'>, gpu: GpuProfile): GpuSegmentEstimate {
  const [c, h, w] = net.inputShape;
  return estimateGpuSegment(net.allLayers, gpu, `the whole ${net.network}`, { role: 'gpu-only', elems: c * h * w });
}

/** The GPU tail after a cut + the features' upload and dequantisation (eager model). */
export function tailSegment(cut: CutDescriptor, gpu: GpuProfile): GpuSegmentEstimate {
  return estimateGpuSegment(cut.tail, gpu, `the tail after cut ${cut.index}`, { role: 'tail', elems: cut.shape.slice(1).reduce((a, b) => a * b, 1) });
}

/** Evaluate one head (already compiled) at one cut. */
export function evaluateHead(
  net: Pick<NetworkSweepInput, 'modelId' | 'network' | 'inputShape'>,
  cut: CutDescriptor,
  bits: number,
  program: DhmProgram,
  cycles: HeadCycles,
  gpuOnly: { readonly timeMs: Figure; readonly energyMJ: Figure },
  cfg: SweepConfig,
  resources?: HeadResources,
  tailEstimate?: GpuSegmentEstimate,
): { readonly row: SweepRow; readonly resources: HeadResources } {
  const res = resources ?? estimateResources(program, cfg.fpga, { dspPolicy: cfg.dspPolicy }, cycles);
  const facts = headFacts(net, cut.index, program, cycles, res, cfg.link);
  const tail = tailEstimate ?? tailSegment(cut, cfg.gpu);
  const n = pointNumbers(facts, { timeMs: tail.timeMs.value, energyMJ: tail.energyMJ.value }, { timeMs: gpuOnly.timeMs.value, energyMJ: gpuOnly.energyMJ.value }, cfg);
  const tFpga = fpgaLatencyMs(cycles, cfg.fpga);
  const pFpga = fpgaPowerW(res, cfg.fpga);
  const inBytes = cfg.inputSource === 'host' ? facts.hostFrameBytes : 0;
  const outS = program.streams[program.output]!;
  const mode = cfg.inputSource === 'camera' ? 'camera' : `host, ${cfg.transfers ?? 'serial'} transfers`;
  const figures: Record<RowFigure, Figure> = {
    alms: res.totals.alms,
    registers: res.totals.registers,
    dspBlocks: res.totals.dspBlocks,
    m20k: res.totals.m20k,
    mlab: res.totals.mlab,
    maxUse: modelled(100 * res.utilisation[res.limiting].value, '%', `use of the limiting resource (${res.limiting}) in % of the device`),
    fpgaCycles: modelled(cycles.total, 'cycles', "DHM compiler's exact cycle formula (docs/datapath.md, Timing)"),
    fpgaLatencyMs: tFpga,
    fpgaPowerW: pFpga,
    fpgaEnergyMJ: energyMJ(pFpga, tFpga, 'FPGA head (chip power × whole-frame streaming time)'),
    linkBytes: modelled(inBytes + facts.outBytes, 'bytes', `input ${inBytes} B (${cfg.inputSource}) + features ${outS.channels * outS.height * outS.width} values × ${outS.format.bits} bits packed`),
    linkMs: modelled(n.linkMs, 'ms', `link busy time: frame ${inBytes} B + features ${facts.outBytes} B with the ${cfg.link.name} model`),
    exposedMs: modelled(n.exposedMs, 'ms', `exposed FPGA + link time (${mode}; timeline.ts): ${n.timelineHow}`),
    tailMs: tail.timeMs,
    tailEnergyMJ: tail.energyMJ,
    hybridLatencyMs: modelled(n.hybridMs, 'ms', `exposed FPGA + link time (${mode}) + T_GPU(tail)`),
    hybridEnergyMJ: modelled(n.hybridEnergyMJ, 'mJ', cfg.idlePower === 'included'
      ? `E_FPGA + E_link + E_GPU(tail) + idle ${n.idleEnergyMJ.toPrecision(4)} mJ (GPU min power during the exposed time, FPGA static during the tail)`
      : 'E_FPGA + E_link + E_GPU(tail), idle power excluded'),
    gpuOnlyLatencyMs: gpuOnly.timeMs,
    gpuOnlyEnergyMJ: gpuOnly.energyMJ,
    latencyReductionPct: modelled(n.latencyReductionPct, '%', 'latency reduction: 100·(GPU-only − hybrid) / GPU-only'),
    energyReductionPct: modelled(n.energyReductionPct, '%', 'energy reduction: 100·(GPU-only − hybrid) / GPU-only'),
  };
  const row: SweepRow = {
    modelId: net.modelId, network: net.network, cutIndex: cut.index, tensor: cut.tensor, shape: cut.shape.slice(1).join('×'),
    bits, headLayers: program.layers.length, fits: res.fits, limiting: res.limiting, figures,
  };
  return { row, resources: res };
}

/** Compiled heads, their cycle counts and resources, reusable across sweeps that change only clocks, GPU or link. */
export type HeadCache = Map<string, { readonly program: DhmProgram; readonly cycles: HeadCycles; readonly resources: HeadResources }>;

/**
 * Sweep one network over all its cuts and the configured bit widths (rows ordered by cut, then bits). A `cache`
 * shared between calls reuses programs, cycles and resources (keyed by model, cut, bits, FPGA and DSP policy).
 */
export function sweepNetwork(net: NetworkSweepInput, cfg: SweepConfig, cache?: HeadCache): SweepRow[] {
  const gpuOnly = gpuOnlySegment(net, cfg.gpu);
  const rows: SweepRow[] = [];
  for (const cut of net.cuts) {
    const tail = tailSegment(cut, cfg.gpu);
    for (const bits of cfg.bits) {
      const h = compiledHead(net, cut.index, bits, cfg, cache);
      rows.push(evaluateHead(net, cut, bits, h.program, h.cycles, gpuOnly, cfg, h.resources, tail).row);
    }
  }
  return rows;
}

/** The compiled head at (cut, bits), from the cache when there. */
export function compiledHead(net: NetworkSweepInput, cutIndex: number, bits: number, cfg: Pick<SweepConfig, 'fpga' | 'dspPolicy'>, cache?: HeadCache): { readonly program: DhmProgram; readonly cycles: HeadCycles; readonly resources: HeadResources } {
  const key = `${net.modelId}/${cutIndex}/${bits}/${cfg.fpga.id}/${cfg.dspPolicy}`;
  let h = cache?.get(key);
  if (!h) {
    const program = net.program(cutIndex, bits);
    const cycles = net.cycles(program);
    h = { program, cycles, resources: estimateResources(program, cfg.fpga, { dspPolicy: cfg.dspPolicy }, cycles) };
    cache?.set(key, h);
  }
  return h;
}

/** Best cuts of one (network, bits) among the heads that fit. */
export interface BestCut {
  readonly modelId: string;
  readonly network: string;
  readonly bits: number;
  readonly fittingCuts: number;
  readonly totalCuts: number;
  /** Lowest hybrid latency among fitting heads (null when none fits). */
  readonly byLatency: SweepRow | null;
  /** Lowest hybrid energy among fitting heads. */
  readonly byEnergy: SweepRow | null;
}

/** Best cut per (model, bits), in first-appearance order. Ties keep the earlier cut. */
export function bestCuts(rows: readonly SweepRow[]): BestCut[] {
  const groups = new Map<string, SweepRow[]>();
  for (const r of rows) {
    const k = `${r.modelId}\u0000${r.bits}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const out: BestCut[] = [];
  for (const g of groups.values()) {
    const fit = g.filter((r) => r.fits);
    const pick = (key: RowFigure): SweepRow | null =>
      fit.reduce<SweepRow | null>((b, r) => (b === null || r.figures[key].value < b.figures[key].value ? r : b), null);
    out.push({
      modelId: g[0]!.modelId, network: g[0]!.network, bits: g[0]!.bits, fittingCuts: fit.length, totalCuts: g.length,
      byLatency: pick('hybridLatencyMs'), byEnergy: pick('hybridEnergyMJ'),
    });
  }
  return out;
}
