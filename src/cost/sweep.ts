/**
 * The design-space sweep: each network × every legal cut × each bit width → resources, fit, FPGA time and energy,
 * link bytes and time, GPU tail time and energy, hybrid vs GPU-only latency and energy, and the best cut within the
 * FPGA budget. Hybrid latency = T_FPGA + T_link + T_GPU(tail) (sequential); hybrid energy = E_FPGA + E_link +
 * E_GPU(tail), each device counted only while it works (idle power of the waiting device excluded — stated in the
 * report). The sweep is pure: programs and cycle counts are supplied by the caller (the DHM compiler and its
 * cycle formula), so it runs anywhere and is deterministic.
 */
import type { DhmProgram, HeadCycles } from '../dhm/program';
import type { FpgaProfile, GpuProfile, InputSource, LinkProfile } from './devices';
import { energyMJ, fpgaLatencyMs, fpgaPowerW } from './fpga';
import { estimateGpuSegment, type GpuLayerWork, type GpuSegmentEstimate } from './gpu';
import { linkBytes, linkTimeMs } from './link';
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
  /**
   * `excluded` (default): each device's energy counts only while it works (the notes' E = P × t per device).
   * `included`: the hybrid also pays the waiting devices — the GPU at its lowest measured power while the FPGA and
   * the link work, the FPGA at its static power while the link and the GPU tail work.
   */
  readonly idlePower?: IdlePower;
}

/** Whether idle power of waiting devices is charged to the hybrid (closed union). */
export type IdlePower = 'excluded' | 'included';

/** Keys of the figures of a row, in column order. */
export const ROW_FIGURES = [
  'alms', 'registers', 'dspBlocks', 'm20k', 'mlab', 'maxUse',
  'fpgaCycles', 'fpgaLatencyMs', 'fpgaPowerW', 'fpgaEnergyMJ',
  'linkBytes', 'linkMs', 'tailMs', 'tailEnergyMJ',
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

const pct = (gpuOnly: number, hybrid: number, what: string): Figure =>
  modelled(gpuOnly > 0 ? (100 * (gpuOnly - hybrid)) / gpuOnly : 0, '%', `${what} reduction: 100·(GPU-only − hybrid) / GPU-only`);

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
  const tFpga = fpgaLatencyMs(cycles, cfg.fpga);
  const pFpga = fpgaPowerW(res, cfg.fpga);
  const eFpga = energyMJ(pFpga, tFpga, 'FPGA head');
  const outS = program.streams[program.output];
  if (!outS) throw new RangeError(`sweep: ${net.modelId} cut ${cut.index}: program output stream '${program.output}' is not declared`);
  const outValues = outS.channels * outS.height * outS.width;
  const outBytes = linkBytes(outValues, outS.format.bits, cfg.link);
  const [c0, h0, w0] = net.inputShape;
  const inBytes = cfg.inputSource === 'host' ? linkBytes(c0 * h0 * w0, 8, cfg.link) : 0;
  const tOut = linkTimeMs(outBytes, cfg.link);
  const tIn = linkTimeMs(inBytes, cfg.link);
  const tLink = modelled(tIn.value + tOut.value, 'ms', `input frame ${inBytes} B (${cfg.inputSource}): ${tIn.source}; features ${outBytes} B: ${tOut.source}`);
  const eLink = energyMJ(modelled(cfg.link.powerW.value, 'W', cfg.link.powerW.source), tLink, 'link');
  const tail = tailEstimate ?? estimateGpuSegment(cut.tail, cfg.gpu, `the tail after cut ${cut.index}`);
  const hybridT = tFpga.value + tLink.value + tail.timeMs.value;
  const idle = cfg.idlePower === 'included'
    ? cfg.gpu.powerMinW.value * (tFpga.value + tLink.value) + cfg.fpga.staticPowerW.value * (tLink.value + tail.timeMs.value)
    : 0;
  const hybridE = eFpga.value + eLink.value + tail.energyMJ.value + idle;
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
    fpgaEnergyMJ: eFpga,
    linkBytes: modelled(inBytes + outBytes, 'bytes', `input ${inBytes} B + features ${outValues} values × ${outS.format.bits} bits packed`),
    linkMs: tLink,
    tailMs: tail.timeMs,
    tailEnergyMJ: tail.energyMJ,
    hybridLatencyMs: modelled(hybridT, 'ms', 'T_FPGA + T_link + T_GPU(tail), sequential'),
    hybridEnergyMJ: modelled(hybridE, 'mJ', cfg.idlePower === 'included'
      ? `E_FPGA + E_link + E_GPU(tail) + idle ${idle.toPrecision(4)} mJ (GPU min power during FPGA and link, FPGA static during link and tail)`
      : 'E_FPGA + E_link + E_GPU(tail), idle power excluded'),
    gpuOnlyLatencyMs: gpuOnly.timeMs,
    gpuOnlyEnergyMJ: gpuOnly.energyMJ,
    latencyReductionPct: pct(gpuOnly.timeMs.value, hybridT, 'latency'),
    energyReductionPct: pct(gpuOnly.energyMJ.value, hybridE, 'energy'),
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
  const gpuOnly = estimateGpuSegment(net.allLayers, cfg.gpu, `the whole ${net.network}`);
  const rows: SweepRow[] = [];
  for (const cut of net.cuts) {
    const tail = estimateGpuSegment(cut.tail, cfg.gpu, `the tail after cut ${cut.index}`);
    for (const bits of cfg.bits) {
      const key = `${net.modelId}/${cut.index}/${bits}/${cfg.fpga.id}/${cfg.dspPolicy}`;
      let h = cache?.get(key);
      if (!h) {
        const program = net.program(cut.index, bits);
        const cycles = net.cycles(program);
        h = { program, cycles, resources: estimateResources(program, cfg.fpga, { dspPolicy: cfg.dspPolicy }, cycles) };
        cache?.set(key, h);
      }
      rows.push(evaluateHead(net, cut, bits, h.program, h.cycles, gpuOnly, cfg, h.resources, tail).row);
    }
  }
  return rows;
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
