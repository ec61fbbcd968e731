/**
 * Inverse analysis — what would it take for the hybrid to reach the paper's figures. Per scenario, network and
 * fitting cut (nominal constants):
 * - head share = (GPU-only − GPU tail) / GPU-only: the GPU time the head removes, the ceiling of any latency gain
 *   (a free FPGA and link);
 * - break-even DHM clock: the clock at which hybrid latency = GPU-only latency (bisection on the timeline); none
 *   when the link and the tail alone already exceed GPU-only;
 * - break-even per-op floor (eager model): the dispatch floor at which both are equal;
 * - the extra GPU-only time needed for the paper's latency reduction L: hybrid / (1 − L) − GPU-only;
 * - the diagnostic energy reduction − latency reduction, ≈ exposed FPGA + link time / GPU-only time when the
 *   FPGA's energy is small, against the value the paper's rows imply (E − L of the abstract's range ends).
 * Then, per abstract row, whether any scenario's band reaches it, and if not why. Pure and deterministic.
 */
import { gpuSegmentNumbers } from './gpu';
import { PAPER_CLAIMS, paperNetworkOf, type PaperClaim } from './paper';
import { constant } from '../provenance/provenance';
import { rowKey, type ScenarioResult } from './scenarios';
import { compiledHead, headFacts, pointNumbers, type HeadCache, type NetworkSweepInput, type SweepConfig, type SweepRow } from './sweep';

/** One inverse-analysis row (modelled; plain numbers in the units of their names). */
export interface InverseRow {
  readonly scenario: string;
  readonly modelId: string;
  readonly network: string;
  readonly cutIndex: number;
  readonly tensor: string;
  readonly bits: number;
  readonly gpuOnlyMs: number;
  readonly tailMs: number;
  readonly exposedMs: number;
  readonly headSharePct: number;
  readonly latencyReductionPct: number;
  readonly energyReductionPct: number;
  /** 'never': no clock up to 100 GHz reaches break-even (link + tail ≥ GPU-only); 'any': even 1 MHz does. */
  readonly breakEvenClockMHz: number | 'any' | 'never';
  /** 'never': no floor up to 20 ms; 'any': the hybrid is faster even with no floor; undefined: not an eager scenario. */
  readonly breakEvenFloorMs?: number | 'any' | 'never';
  /** Extra GPU-only ms needed for the paper's latency reduction range ends [min, max]; null when no paper row. */
  readonly extraGpuOnlyMs: readonly [number, number] | null;
  /** energy reduction − latency reduction (percentage points). */
  readonly diagnosticPp: number;
  /** 100 · exposed FPGA + link time / GPU-only time. */
  readonly exposedSharePct: number;
}

/**
 * Root of a decreasing `f` on [lo, hi] by bisection: `{ x }` at the root; `'any'` when f(lo) ≤ 0 (already
 * break-even at lo); `'never'` when f(hi) > 0.
 */
function bisectDown(f: (x: number) => number, lo: number, hi: number): number | 'any' | 'never' {
  if (f(lo) <= 0) return 'any';
  if (f(hi) > 0) return 'never';
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The paper's claim for a network, if any. */
export function claimOf(network: string): PaperClaim | null {
  const p = paperNetworkOf(network);
  return p ? PAPER_CLAIMS.find((c) => c.network === p) ?? null : null;
}

/** The rows the inverse analysis and the headline use: fitting rows at `bits`, else at the widest width that fits. */
export function analysisRows(rows: readonly SweepRow[], modelId: string, bits: number): SweepRow[] {
  const mine = rows.filter((r) => r.modelId === modelId && r.fits);
  const at = mine.filter((r) => r.bits === bits);
  if (at.length > 0) return at;
  const widest = Math.max(-1, ...mine.map((r) => r.bits));
  return mine.filter((r) => r.bits === widest);
}

/** Inverse analysis of one scenario's fitting rows (at `bits`, else the widest fitting width). */
export function inverseAnalysis(res: ScenarioResult, nets: readonly NetworkSweepInput[], cache: HeadCache, bits: number): InverseRow[] {
  const out: InverseRow[] = [];
  const cfg = res.config;
  for (const net of nets) {
    const [c0, h0, w0] = net.inputShape;
    const frameElems = c0 * h0 * w0;
    const claim = claimOf(net.network);
    for (const r of analysisRows(res.rows, net.modelId, bits)) {
      const cut = net.cuts.find((c) => c.index === r.cutIndex)!;
      const tailElems = cut.shape.slice(1).reduce((a, b) => a * b, 1);
      const h = compiledHead(net, r.cutIndex, r.bits, cfg, cache);
      const at = (c: SweepConfig): ReturnType<typeof pointNumbers> => pointNumbers(
        headFacts(net, r.cutIndex, h.program, h.cycles, h.resources, c.link),
        gpuSegmentNumbers(cut.tail, c.gpu, { role: 'tail', elems: tailElems }),
        gpuSegmentNumbers(net.allLayers, c.gpu, { role: 'gpu-only', elems: frameElems }), c);
      const p = at(cfg);
      const clock = bisectDown((mhz) => {
        const q = at({ ...cfg, fpga: { ...cfg.fpga, clockMHz: constant(mhz, 'MHz', 'assumption', 'inverse analysis') } });
        return q.hybridMs - q.gpuOnlyMs;
      }, 1, 1e5);
      let floor: number | 'any' | 'never' | undefined;
      if (cfg.gpu.model === 'eager-tx2') {
        const g = cfg.gpu;
        floor = bisectDown((ms) => {
          const q = at({ ...cfg, gpu: { ...g, opFloorMs: constant(ms, 'ms', 'assumption', 'inverse analysis') } });
          return q.hybridMs - q.gpuOnlyMs;
        }, 0, 20);
      }
      const extra = (l: number): number => p.hybridMs / (1 - l / 100) - p.gpuOnlyMs;
      out.push({
        scenario: res.scenario.name, modelId: net.modelId, network: net.network, cutIndex: r.cutIndex, tensor: r.tensor, bits: r.bits,
        gpuOnlyMs: p.gpuOnlyMs, tailMs: p.tailMs, exposedMs: p.exposedMs,
        headSharePct: (100 * (p.gpuOnlyMs - p.tailMs)) / p.gpuOnlyMs,
        latencyReductionPct: p.latencyReductionPct, energyReductionPct: p.energyReductionPct,
        breakEvenClockMHz: clock,
        ...(floor !== undefined ? { breakEvenFloorMs: floor } : {}),
        extraGpuOnlyMs: claim ? [extra(claim.latencyReduction.min.value), extra(claim.latencyReduction.max.value)] : null,
        diagnosticPp: p.energyReductionPct - p.latencyReductionPct,
        exposedSharePct: (100 * p.exposedMs) / p.gpuOnlyMs,
      });
    }
  }
  return out;
}

/** The diagnostic the paper's rows imply: energy − latency reduction at the two ends of its ranges, in pp. */
export function paperDiagnostic(c: PaperClaim): readonly [number, number] {
  const a = c.energyReduction.min.value - c.latencyReduction.min.value;
  const b = c.energyReduction.max.value - c.latencyReduction.max.value;
  return [Math.min(a, b), Math.max(a, b)];
}

/** Tolerance of "reaches the paper's range" (the abstract's figures are whole percents). */
export const REACH_TOLERANCE_PP = 1;

/** Whether one abstract figure (network × metric) is reached by some scenario's band, and the best attempt. */
export interface PaperReach {
  readonly network: string;
  readonly metric: 'latency' | 'energy';
  readonly paperText: string;
  readonly reached: boolean;
  /** Scenarios whose band overlaps the paper's range (± tolerance) at some fitting cut. */
  readonly reachedBy: readonly string[];
  /** Highest band end over every scenario and fitting row, with where. */
  readonly bestPct: number | null;
  readonly bestWhere: string;
  readonly why: string;
}

/**
 * Which abstract rows no scenario reaches, and why: over every scenario, every fitting cut at `bits` (the paper's
 * 8-bit DHM; a network with nothing fitting there at its widest fitting width) and both band ends.
 */
export function paperReach(results: readonly ScenarioResult[], inverse: readonly InverseRow[], bits: number): PaperReach[] {
  const out: PaperReach[] = [];
  for (const claim of PAPER_CLAIMS) {
    for (const metric of ['latency', 'energy'] as const) {
      const range = metric === 'latency' ? claim.latencyReduction : claim.energyReduction;
      const lo = range.min.value - REACH_TOLERANCE_PP;
      const hi = range.max.value + REACH_TOLERANCE_PP;
      const reachedBy: string[] = [];
      let best: number | null = null;
      let bestWhere = 'no fitting cut';
      for (const res of results) {
        let hit = false;
        const ids = [...new Set(res.rows.filter((r) => paperNetworkOf(r.network) === claim.network).map((r) => r.modelId))];
        for (const r of ids.flatMap((id) => analysisRows(res.rows, id, bits))) {
          const b = res.bands.get(rowKey(r))!;
          const band = metric === 'latency' ? b.latency : b.energy;
          if (band[1] >= lo && band[0] <= hi) hit = true;
          if (best === null || band[1] > best) {
            best = band[1];
            bestWhere = `${res.scenario.name}, ${r.modelId} cut ${r.cutIndex} (${r.tensor}), ${r.bits}-bit`;
          }
        }
        if (hit) reachedBy.push(res.scenario.name);
      }
      const inv = inverse.filter((x) => paperNetworkOf(x.network) === claim.network);
      const maxShare = inv.length ? Math.max(...inv.map((x) => x.headSharePct)) : null;
      const minExposed = inv.length ? Math.min(...inv.map((x) => x.exposedSharePct)) : null;
      const f1 = (x: number): string => (Math.round(x * 10) / 10).toFixed(1);
      let why = '';
      if (reachedBy.length > 0) why = `reached within the band of ${reachedBy.join(', ')}`;
      else if (best === null) why = 'no head of this network fits the FPGA in any scenario';
      else if (best < lo && metric === 'latency' && maxShare !== null && maxShare < range.min.value) {
        why = `the head's share of GPU-only time — the ceiling of any latency gain, with a free FPGA and link — is at most ${f1(maxShare)} % at a fitting cut, below the paper's ${range.min.value} %`;
      } else if (best < lo && metric === 'latency') {
        why = `the head's GPU time could allow it (share up to ${f1(maxShare ?? 0)} %), but the exposed FPGA + link time (at least ${f1(minExposed ?? 0)} % of GPU-only) eats the gain`;
      } else if (best < lo) {
        why = `the tail's GPU energy plus the FPGA's chip energy stays above ${f1(100 - best)} % of GPU-only's in every scenario: the head removes too small a share of the GPU's work`;
      } else {
        why = `every scenario is above the paper's range (best lower band end over the fitting cuts exceeds ${range.max.value} %)`;
      }
      out.push({
        network: claim.network, metric, paperText: metric === 'latency' ? claim.latencyText : claim.energyText,
        reached: reachedBy.length > 0, reachedBy, bestPct: best, bestWhere, why,
      });
    }
  }
  return out;
}
