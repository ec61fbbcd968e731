/**
 * Seeded random DHM programs and frames for tests (shared by the reference, formula and Wasm test suites).
 * Every program is valid by construction (it passes `validateProgram`); the same seed always gives the same
 * program on every platform (integer-only PRNG, mulberry32). Shapes are kept small so tests stay fast.
 *
 * Coverage: random shapes, strides 1–3, pads (asymmetric), groups (incl. depthwise), dilation 1–3, kernel 1–5,
 * stream formats 4–16 bits signed/unsigned, weight bits 4–16, every rounding / overflow / activation, negative
 * (left) shifts, pad values, maxpool with ceil mode, add and wire (concat/split/slice/shuffle) with alignment shifts.
 */
import {
  ACTIVATIONS, OVERFLOWS, ROUNDINGS, convAccumulatorBits, paddingOnlyWindow, convBiasBound, convOutputSize, formatRange, poolOutputSize,
  type ConvLayer, type DhmLayer, type DhmProgram, type FixedFormat, type StreamInfo,
} from './program';

/** A deterministic PRNG (mulberry32) with small helpers. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
}


/** A random integer code of a format, biased towards the extremes (min, max, 0, ±1) a quarter of the time. */
function randomCode(rng: Rng, f: FixedFormat): number {
  const r = formatRange(f);
  if (rng.bool(0.25)) return Math.min(r.max, Math.max(r.min, rng.pick([r.min, r.max, 0, 1, -1])));
  return rng.int(r.min, r.max);
}

/** Random HWC RGB frame (uint8), with saturated pixels (0, 255) mixed in. */
export function randomFrame(seed: number, height: number, width: number): Uint8Array {
  const rng = new Rng(seed ^ 0x9e3779b9);
  const f = new Uint8Array(height * width * 3);
  for (let i = 0; i < f.length; i++) f[i] = rng.bool(0.1) ? rng.pick([0, 255]) : rng.int(0, 255);
  return f;
}

function randomFormat(rng: Rng, minBits = 4, maxBits = 16): FixedFormat {
  const bits = rng.int(minBits, maxBits);
  return { signed: rng.bool(), bits, intBits: rng.int(-2, bits + 2) };
}

/** Incrementally builds a program; tracks streams. */
class Builder {
  readonly streams: Record<string, StreamInfo> = {};
  readonly layers: DhmLayer[] = [];
  private n = 0;
  constructor(readonly rng: Rng, readonly inputId: string, h: number, w: number) {
    this.streams[inputId] = { channels: 3, height: h, width: w, format: { signed: false, bits: 8, intBits: 8 } };
  }
  fresh(prefix: string): string {
    return `${prefix}${this.n++}`;
  }

  /** A random conv on `input`; `fixed` forces output shape parameters (for add partners). */
  conv(input: string, opts: { outChannels?: number; sameShape?: boolean } = {}): string {
    const rng = this.rng;
    const x = this.streams[input]!;
    for (let attempt = 0; ; attempt++) {
      const simple = opts.sameShape || attempt > 20;
      const kH = simple ? rng.pick([1, 3]) : rng.int(1, Math.min(5, x.height + 2));
      const kW = simple ? kH : rng.int(1, Math.min(5, x.width + 2));
      const dH = simple ? 1 : rng.pick([1, 1, 1, 2, 3]);
      const dW = simple ? 1 : rng.pick([1, 1, 1, 2, 3]);
      const sH = simple ? 1 : rng.pick([1, 1, 2, 3]);
      const sW = simple ? 1 : rng.pick([1, 1, 2, 3]);
      const half = (k: number) => (k - 1) >> 1;
      const pT = simple ? half(kH) : rng.int(0, dH * (kH - 1));
      const pB = simple ? half(kH) : rng.int(0, dH * (kH - 1));
      const pL = simple ? half(kW) : rng.int(0, dW * (kW - 1));
      const pR = simple ? half(kW) : rng.int(0, dW * (kW - 1));
      const oh = convOutputSize(x.height, kH, sH, dH, pT, pB);
      const ow = convOutputSize(x.width, kW, sW, dW, pL, pR);
      if (oh < 1 || ow < 1 || paddingOnlyWindow(x.height, oh, kH, sH, dH, pT) >= 0 || paddingOnlyWindow(x.width, ow, kW, sW, dW, pL) >= 0) {
        if (attempt > 40) throw new Error('random conv: no valid geometry found');
        continue;
      }
      const divisors = [1, 2, 3, 4, 6, 8].filter((g) => x.channels % g === 0);
      let groups = rng.pick(divisors);
      if (x.channels > 1 && rng.bool(0.2)) groups = x.channels; // depthwise
      const mult = rng.int(1, 3);
      let outC = opts.outChannels ?? groups * mult * (groups === x.channels ? 1 : rng.int(1, 2));
      if (outC % groups !== 0) groups = 1;
      if (opts.outChannels !== undefined) outC = opts.outChannels;
      if (outC % groups !== 0) groups = 1;
      const weightFormat: FixedFormat = { signed: true, bits: rng.int(4, 16), intBits: rng.int(-2, 4) };
      const cg = x.channels / groups;
      const weights = new Int32Array(outC * cg * kH * kW);
      const zeroP = rng.next() * 0.3;
      for (let i = 0; i < weights.length; i++) weights[i] = rng.bool(zeroP) ? 0 : randomCode(rng, weightFormat);
      const outFormat = randomFormat(rng);
      const layer0 = {
        kind: 'conv' as const, name: this.fresh('conv'), output: '', input, inChannels: x.channels, outChannels: outC,
        kernelH: kH, kernelW: kW, strideH: sH, strideW: sW, dilationH: dH, dilationW: dW,
        padTop: pT, padLeft: pL, padBottom: pB, padRight: pR, groups,
        padValue: new Int32Array(x.channels), weights, weightFormat, bias: new Int32Array(outC), shift: new Int32Array(outC),
        rounding: rng.pick(ROUNDINGS), overflow: rng.pick(OVERFLOWS), activation: rng.pick(ACTIVATIONS), weightQuant: 'pow2' as const,
      };
      const accBits = convAccumulatorBits(layer0 as ConvLayer, x.format);
      const bb = convBiasBound(layer0 as ConvLayer, x.format);
      const xr = formatRange(x.format);
      for (let c = 0; c < x.channels; c++) layer0.padValue[c] = rng.bool(0.5) ? Math.min(xr.max, Math.max(xr.min, 0)) : rng.int(xr.min, xr.max);
      for (let o = 0; o < outC; o++) {
        layer0.bias[o] = rng.bool(0.1) ? rng.pick([bb, -bb, 0]) : Math.round((rng.next() * 2 - 1) * bb * rng.pick([1, 0.1, 0.001]));
        // Shift mostly lands the typical accumulator magnitude near the output width, sometimes overflowing on purpose.
        const typical = Math.max(1, accBits - rng.int(2, 6));
        let s = typical - outFormat.bits + rng.int(-3, 3);
        if (rng.bool(0.1)) s = rng.int(-4, 0);
        s = Math.max(-16, Math.min(48, s));
        if (accBits + Math.max(0, -s) > 62) s = 0;
        layer0.shift[o] = s;
      }
      const id = this.fresh('s');
      const layer: ConvLayer = { ...layer0, output: id };
      this.streams[id] = { channels: outC, height: oh, width: ow, format: outFormat };
      this.layers.push(layer);
      return id;
    }
  }

  maxpool(input: string): string {
    const rng = this.rng;
    const x = this.streams[input]!;
    for (let attempt = 0; attempt < 60; attempt++) {
      const kH = rng.int(1, Math.min(4, x.height + 1));
      const kW = rng.int(1, Math.min(4, x.width + 1));
      const sH = rng.int(1, 3);
      const sW = rng.int(1, 3);
      const pT = rng.int(0, kH - 1), pB = rng.int(0, kH - 1), pL = rng.int(0, kW - 1), pR = rng.int(0, kW - 1);
      const ceilMode = rng.bool();
      const oh = poolOutputSize(x.height, kH, sH, pT, pB, ceilMode);
      const ow = poolOutputSize(x.width, kW, sW, pL, pR, ceilMode);
      if (oh < 1 || ow < 1 || paddingOnlyWindow(x.height, oh, kH, sH, 1, pT) >= 0 || paddingOnlyWindow(x.width, ow, kW, sW, 1, pL) >= 0) continue;
      const id = this.fresh('s');
      this.layers.push({ kind: 'maxpool', name: this.fresh('pool'), output: id, input, kernelH: kH, kernelW: kW, strideH: sH, strideW: sW, padTop: pT, padLeft: pL, padBottom: pB, padRight: pR, ceilMode });
      this.streams[id] = { channels: x.channels, height: oh, width: ow, format: x.format };
      return id;
    }
    return input;
  }

  add(a: string, b: string): string {
    const rng = this.rng;
    const x = this.streams[a]!;
    const out = randomFormat(rng);
    const id = this.fresh('s');
    this.layers.push({
      kind: 'add', name: this.fresh('add'), output: id, inputs: [a, b], shifts: [rng.int(-3, 4), rng.int(-3, 4)],
      rounding: rng.pick(ROUNDINGS), overflow: rng.pick(OVERFLOWS), activation: rng.pick(ACTIVATIONS),
    });
    this.streams[id] = { channels: x.channels, height: x.height, width: x.width, format: out };
    return id;
  }

  wire(inputs: readonly string[], op: 'concat' | 'split' | 'shuffle' | 'slice'): string {
    const rng = this.rng;
    const xs = inputs.map((i) => this.streams[i]!);
    const srcI: number[] = [];
    const srcC: number[] = [];
    if (op === 'concat') {
      xs.forEach((x, k) => { for (let c = 0; c < x.channels; c++) { srcI.push(k); srcC.push(c); } });
    } else if (op === 'shuffle') {
      const C = xs[0]!.channels;
      const G = C % 2 === 0 ? 2 : C % 3 === 0 ? 3 : 1;
      const n = C / G;
      for (let j = 0; j < C; j++) { srcI.push(0); srcC.push((j % G) * n + Math.floor(j / G)); }
    } else {
      const C = xs[0]!.channels;
      const start = rng.int(0, C - 1);
      const len = rng.int(1, C - start);
      for (let c = start; c < start + len; c++) { srcI.push(0); srcC.push(c); }
    }
    const sameFmt = rng.bool(0.4);
    const out = sameFmt ? xs[0]!.format : randomFormat(rng);
    const id = this.fresh('s');
    this.layers.push({
      kind: 'wire', name: this.fresh(op), output: id, op, inputs: [...inputs],
      sourceInput: Int32Array.from(srcI), sourceChannel: Int32Array.from(srcC),
      shifts: inputs.map(() => (sameFmt ? 0 : rng.int(-3, 4))), rounding: rng.pick(ROUNDINGS), overflow: rng.pick(OVERFLOWS),
    });
    this.streams[id] = { channels: srcI.length, height: xs[0]!.height, width: xs[0]!.width, format: out };
    return id;
  }
}

/** Options for {@link randomProgram}. */
export interface RandomProgramOptions {
  /** Number of layer-building steps after the first conv (0 = a single random conv). Default: random 0..4. */
  readonly steps?: number;
  /** Input height/width range in pixels. Default 1..14. */
  readonly maxSize?: number;
  /** Output channels of the first conv (default random, small). */
  readonly firstConvChannels?: number;
}

/**
 * A random valid program from a seed: a first conv on the RGB input, then `steps` random blocks
 * (conv, maxpool, residual add with a same-shape conv partner, concat, split/slice, shuffle).
 */
export function randomProgram(seed: number, opts: RandomProgramOptions = {}): DhmProgram {
  const rng = new Rng(seed);
  const maxSize = opts.maxSize ?? 14;
  const h = rng.int(1, maxSize);
  const w = rng.int(1, maxSize);
  const b = new Builder(rng, 'input', h, w);
  let cur = b.conv('input', opts.firstConvChannels === undefined ? {} : { outChannels: opts.firstConvChannels });
  const steps = opts.steps ?? rng.int(0, 4);
  for (let i = 0; i < steps; i++) {
    const what = rng.pick(['conv', 'conv', 'maxpool', 'add', 'concat', 'split', 'shuffle', 'slice'] as const);
    const c = b.streams[cur]!;
    switch (what) {
      case 'conv': cur = b.conv(cur); break;
      case 'maxpool': cur = b.maxpool(cur); break;
      case 'add': {
        const partner = b.conv(cur, { outChannels: c.channels, sameShape: true });
        cur = rng.bool() ? b.add(cur, partner) : b.add(partner, cur);
        break;
      }
      case 'concat': {
        const same = Object.keys(b.streams).filter((id) => id !== cur && id !== 'input' && b.streams[id]!.height === c.height && b.streams[id]!.width === c.width);
        cur = b.wire(same.length > 0 && rng.bool(0.7) ? [cur, rng.pick(same)] : [cur, cur], 'concat');
        break;
      }
      default: cur = b.wire([cur], what);
    }
  }
  return {
    version: 1,
    meta: { generator: 'random', seed },
    input: { id: 'input', channels: 3, height: h, width: w, format: { signed: false, bits: 8, intBits: 8 } },
    streams: b.streams,
    layers: b.layers,
    output: cur,
  };
}

/** A random program with exactly one conv layer (for per-layer agreement tests). */
export function randomConvProgram(seed: number, maxSize = 14): DhmProgram {
  return randomProgram(seed, { steps: 0, maxSize });
}
