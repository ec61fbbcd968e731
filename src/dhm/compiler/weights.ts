/**
 * Pass `weights`: the integer weights, bias and re-quantisation shifts of every conv layer (docs/datapath.md §10):
 * - pow2 (default): a power-of-two scale per layer (or per output channel), the most fractional bits whose largest
 *   code fits the weight bits, capped where a large bias would not fit one adder-tree leaf (§3.2); codes round half
 *   away from zero and saturate;
 * - haddoc2: `clip(round(w·(2^(N−1)−1)), ±(2^(N−1)−1))`, read as FIXED<N,1>;
 * - bias in accumulator units, saturated to one leaf; shift = fracBits(in) + fracBits(weights[o]) − fracBits(out);
 * - the first conv's pad values (the folded mean/scale) rounded half up into the input format (§8).
 */
import type { FloatConv } from '../float';
import { convBiasBound, formatName, formatRange, fracBits, type ConvLayer, type FixedFormat } from '../program';
import { checkBits, QuantizeError, type QuantOptions } from './options';
import { MAX_FRAC_OVER_BITS } from './formats';
import { need, overrideOf, type CompilerContext, type CompilerState, type QuantizedConv } from './state';

/** Round half away from zero. */
const roundAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The integer form of one float conv layer for input format `inF` and output format `outF` (rules above). */
export function quantizeConv(l: FloatConv, inF: FixedFormat, outF: FixedFormat, opts: Pick<QuantOptions, 'weightBits' | 'weightQuant' | 'perChannel'>): QuantizedConv {
  const bw = opts.weightBits;
  checkBits(l.name, 'weightBits', bw);
  const per = l.weights.length / l.outChannels;
  const maxW = 2 ** (bw - 1) - 1;
  const fw = new Int32Array(l.outChannels);
  const weights = new Int32Array(l.weights.length);
  let weightFormat: FixedFormat;
  const fin = fracBits(inF);
  if (opts.weightQuant === 'haddoc2') {
    // Haddoc2: clip(round(w·(2^(N−1)−1)), ±(2^(N−1)−1)), read as FIXED<N,1> codes.
    for (let i = 0; i < weights.length; i++) weights[i] = clamp(roundAway(l.weights[i]! * maxW), -maxW, maxW);
    fw.fill(bw - 1);
    weightFormat = { signed: true, bits: bw, intBits: 1 };
  } else {
    const fracFor = (m: number): number => {
      if (!(m > 0)) return bw + MAX_FRAC_OVER_BITS;
      let f = Math.floor(Math.log2(maxW / m));
      while (m * 2 ** f > maxW) f--;
      while (m * 2 ** (f + 1) <= maxW) f++;
      return Math.min(f, bw + 24);
    };
    // The bias is one adder-tree leaf (§3.2): |round(b·2^(fin+fw))| ≤ 2^(b_x'+b_w−2) caps fw where a bias is large.
    const bxp = inF.bits + (inF.signed ? 0 : 1);
    const biasCap = (b: number): number => (b === 0 ? Infinity : Math.floor(Math.log2((2 ** (bxp + bw - 2) - 0.5) / Math.abs(b))) - fin);
    const lw = l.weights;
    let layerMax = 0;
    let layerCap = Infinity;
    for (let i = 0; i < lw.length; i++) layerMax = Math.max(layerMax, Math.abs(lw[i]!));
    for (let o = 0; o < l.outChannels; o++) layerCap = Math.min(layerCap, biasCap(l.bias[o]!));
    const layerFrac = Math.min(fracFor(layerMax), layerCap);
    for (let o = 0; o < l.outChannels; o++) {
      if (opts.perChannel) {
        let m = 0;
        for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(lw[o * per + i]!));
        fw[o] = Math.max(layerFrac, Math.min(fracFor(m), biasCap(l.bias[o]!)));
      } else fw[o] = layerFrac;
    }
    quantizeCodes(lw, weights, fw, per, maxW);
    weightFormat = { signed: true, bits: bw, intBits: bw - layerFrac };
  }
  const proto = { inChannels: l.inChannels, outChannels: l.outChannels, groups: l.groups, kernelH: l.kernelH, kernelW: l.kernelW, weightFormat } as ConvLayer;
  const bb = convBiasBound(proto, inF);
  const bias = new Int32Array(l.outChannels);
  const shift = new Int32Array(l.outChannels);
  for (let o = 0; o < l.outChannels; o++) {
    const b = opts.weightQuant === 'haddoc2' ? roundAway(l.bias[o]! * maxW) * 2 ** fin : roundAway(l.bias[o]! * 2 ** (fin + fw[o]!));
    bias[o] = clamp(Math.round(b), -bb, bb);
    shift[o] = fin + fw[o]! - fracBits(outF);
    if (shift[o]! < -16 || shift[o]! > 48) throw new QuantizeError(l.name, `re-quantisation shift ${shift[o]} for output channel ${o} is outside −16..48 (input ${formatName(inF)}, weight frac ${fw[o]}, output ${formatName(outF)})`);
  }
  const ir = formatRange(inF);
  const padValue = Int32Array.from(l.padValue, (v) => clamp(Math.floor(v + 0.5), ir.min, ir.max)); // round half up (§8)
  return {
    weights, weightFormat, bias, shift, padValue, weightQuant: opts.weightQuant,
    ...(opts.perChannel && opts.weightQuant === 'pow2' ? { weightFracBits: fw } : {}),
  };
}

/**
 * codes[k] = round half away from zero (w[k]·2^fw[o]), saturated to [−maxW − 1, maxW], for o = ⌊k / per⌋ (roundAway
 * and clamp inlined: this loop runs over every weight of every head the sweep compiles).
 */
function quantizeCodes(w: Float64Array, codes: Int32Array, fw: Int32Array, per: number, maxW: number): void {
  const lo = -maxW - 1;
  for (let o = 0, k = 0; o < fw.length; o++) {
    const scale = 2 ** fw[o]!;
    for (const end = k + per; k < end; k++) {
      const v = w[k]! * scale;
      // sign(v)·round(|v|), round = ⌊a⌋ + (a − ⌊a⌋ ≥ ½) (a − ⌊a⌋ is exact for a ≥ 0: equals Math.round(a)); written
      // without branches because weight signs are random (mispredicted branches doubled the time of this loop)
      const a = Math.abs(v);
      const f = Math.floor(a);
      codes[k] = Math.max(lo, Math.min(maxW, Math.sign(v) * (f + +(a - f >= 0.5))));
    }
  }
}

const formatKey = (f: FixedFormat): string => `${f.signed ? 's' : 'u'}${f.bits}.${f.intBits}`;

export function weights(s: CompilerState, ctx: CompilerContext): CompilerState {
  const fh = need(s, 'floatHead', 'weights', 'lower');
  const fmts = need(s, 'formats', 'weights', 'formats');
  const convs = new Map<string, QuantizedConv>();
  for (const l of fh.layers) {
    if (l.kind !== 'conv') continue;
    const opts = { ...ctx.quant, weightBits: overrideOf(ctx, l).weightBits ?? ctx.quant.weightBits };
    const inF = fmts.get(l.input)!, outF = fmts.get(l.output)!;
    const key = `${l.name}|${formatKey(inF)}|${formatKey(outF)}|${opts.weightBits}|${opts.weightQuant}|${opts.perChannel}`;
    let q = ctx.memo?.convs.get(key);
    if (!q) {
      q = quantizeConv(l, inF, outF, opts);
      ctx.memo?.convs.set(key, q);
    }
    convs.set(l.name, q);
  }
  return { ...s, convs };
}
