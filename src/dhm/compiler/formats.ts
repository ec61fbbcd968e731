/**
 * Pass `formats`: the fixed-point format of every stream (docs/datapath.md §10). The input is UFIXED<8,8>; a conv,
 * add or concat gets the format of its bits with the most fractional bits whose largest code covers its range
 * ({@link chooseFormat}); max-pool, split, slice and shuffle keep their input's; a concat whose inputs share one
 * format (and has no bits override) keeps it.
 */
import { sameFormat, type FixedFormat } from '../program';
import { checkBits } from './options';
import { need, overrideOf, type CompilerContext, type CompilerState } from './state';

/** Most fractional bits of a stream format beyond its width (keeps shifts inside the version-1 limits for near-zero tensors). */
export const MAX_FRAC_OVER_BITS = 8;

/** The format of `bits` bits with the most fractional bits whose largest code covers `m` (docs/datapath.md §10). */
export function chooseFormat(m: number, bits: number, signed: boolean): FixedFormat {
  const maxCode = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const cap = bits + MAX_FRAC_OVER_BITS;
  let frac: number;
  if (!(m > 0)) frac = cap;
  else {
    frac = Math.floor(Math.log2(maxCode / m));
    while (m * 2 ** frac > maxCode) frac--;
    while (m * 2 ** (frac + 1) <= maxCode) frac++;
    frac = Math.min(frac, cap);
  }
  return { signed, bits, intBits: bits - frac };
}

export function formats(s: CompilerState, ctx: CompilerContext): CompilerState {
  const fh = need(s, 'floatHead', 'formats', 'lower');
  const signed = need(s, 'signed', 'formats', 'signedness');
  const ranges = need(s, 'ranges', 'formats', 'concat-ranges');
  const out = new Map<string, FixedFormat>([[fh.inputId, { signed: false, bits: 8, intBits: 8 }]]);
  for (const l of fh.layers) {
    const o = overrideOf(ctx, l);
    const bits = o.bits ?? ctx.quant.bits;
    checkBits(l.name, 'bits', bits);
    let f: FixedFormat;
    if (l.kind === 'maxpool') f = out.get(l.input)!;
    else if (l.kind === 'wire' && l.op !== 'concat') f = out.get(l.inputs[0]!)!;
    else if (l.kind === 'wire') {
      const fs = l.inputs.map((i) => out.get(i)!);
      f = fs.every((x) => sameFormat(x, fs[0]!)) && o.bits === undefined ? fs[0]! : chooseFormat(ranges.get(l.output)!, bits, signed.get(l.output)!);
    } else f = chooseFormat(ranges.get(l.output)!, bits, signed.get(l.output)!);
    out.set(l.output, f);
  }
  return { ...s, formats: out };
}
