/**
 * Pass `concat-ranges`: the range each stream's format must cover — its calibrated range, except that a conv or add
 * read only by a Concat (with the Concat's signedness) adopts the Concat's joint range, so the Concat needs no
 * alignment shift (docs/datapath.md §10).
 */
import type { FloatLayer } from '../float';
import { inputsOf, need, type CompilerContext, type CompilerState } from './state';

export function concatRanges(s: CompilerState, _ctx: CompilerContext): CompilerState {
  const fh = need(s, 'floatHead', 'concat-ranges', 'lower');
  const stats = need(s, 'stats', 'concat-ranges', 'calibrate');
  const signed = need(s, 'signed', 'concat-ranges', 'signedness');
  const producer = new Map<string, FloatLayer>(fh.layers.map((l) => [l.output, l]));
  const readers = new Map<string, number>();
  for (const l of fh.layers) for (const i of inputsOf(l)) readers.set(i, (readers.get(i) ?? 0) + 1);
  const ranges = new Map<string, number>([...stats].filter(([k]) => k in fh.streams).map(([k, v]) => [k, v.range]));
  for (const l of fh.layers) {
    if (l.kind !== 'wire' || l.op !== 'concat') continue;
    const joint = Math.max(...l.inputs.map((i) => ranges.get(i)!));
    for (const i of l.inputs) {
      const p = producer.get(i);
      if (p && (p.kind === 'conv' || p.kind === 'add') && readers.get(i) === 1 && signed.get(i) === signed.get(l.output)) ranges.set(i, joint);
    }
  }
  return { ...s, ranges };
}
