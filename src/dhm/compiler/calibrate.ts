/**
 * Pass `calibrate`: the float statistics of every stream. Calibrated mode: the float evaluation of the head over the
 * calibration frames (range rule max-abs or percentile, docs/datapath.md §10), or the statistics given in the options.
 * Estimate mode: every stream assumed to span ±{@link estimateAssumedRange} (no frames, no float evaluation).
 */
import { evalFloatHead, type FloatHead } from '../float';
import { DEFAULT_QUANT_OPTIONS, QuantizeError, estimateAssumedRange, type CalibrationStats, type QuantOptions } from './options';
import { need, type CompilerContext, type CompilerState } from './state';

function percentileAbs(a: Float64Array, p: number): number {
  const abs = Float64Array.from(a, Math.abs).sort();
  if (abs.length === 0) return 0;
  const idx = Math.min(abs.length - 1, Math.max(0, Math.ceil((p / 100) * abs.length) - 1));
  return abs[idx]!;
}

/** Float evaluation of the head on every frame → per-stream min, max and range value of the rule. */
export function calibrate(head: FloatHead, frames: readonly Uint8Array[], opts: Pick<QuantOptions, 'range' | 'percentile'> = DEFAULT_QUANT_OPTIONS): Map<string, CalibrationStats> {
  const stats = new Map<string, CalibrationStats>();
  for (const f of frames) {
    const vals = evalFloatHead(head, f);
    for (const [id, v] of vals) {
      let mn = Infinity, mx = -Infinity;
      for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x < mn) mn = x; if (x > mx) mx = x; }
      const r = opts.range === 'percentile' ? percentileAbs(v, opts.percentile) : Math.max(Math.abs(mn), Math.abs(mx));
      const s = stats.get(id);
      if (!s) stats.set(id, { min: mn, max: mx, range: r });
      else { s.min = Math.min(s.min, mn); s.max = Math.max(s.max, mx); s.range = Math.max(s.range, r); }
    }
  }
  return stats;
}

export function calibratePass(s: CompilerState, ctx: CompilerContext): CompilerState {
  const fh = need(s, 'floatHead', 'calibrate', 'lower');
  if (ctx.mode === 'estimate') {
    const r = estimateAssumedRange(ctx.quant.bits);
    return { ...s, stats: new Map(Object.keys(fh.streams).map((id) => [id, { min: -r, max: r, range: r }])) };
  }
  if (ctx.calibration) {
    for (const id of Object.keys(fh.streams)) if (!ctx.calibration.has(id)) throw new QuantizeError('*', `the given calibration has no statistics for stream '${id}'`);
    return { ...s, stats: ctx.calibration };
  }
  return { ...s, stats: calibrate(fh, need(s, 'frames', 'calibrate', 'lower'), ctx.quant) };
}
