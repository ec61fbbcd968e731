// Convolution block: constant multipliers (one per weight), the adder tree with the bias as one more leaf, and
// the re-quantisation stage (requant.ts) — docs/datapath.md §3. Four datapaths compute the same integers:
//   mode 0 (exact):  i64 multiply-accumulate, any bit width (the reference semantics);
//   mode 1 (dot16):  window gathered per output pixel as i16 pairs x i16 weights with i32x4.dot_i16x8_s,
//                    i32 accumulation, 4 output channels per lane group; chosen by src/dhm/wasm.ts when every code
//                    fits i16 and the worst-case |acc| < 2^31;
//   mode 2 (dw32):   depthwise (one input channel per output channel), i32x4 lanes = 4 channels, i32x4.mul;
//                    chosen when the worst-case |acc| < 2^31;
//   mode 3 (rows16): as dot16 for groups = 1, dilationW = 1, windows read in place from a padded i16 image.
// Adder-tree arithmetic is exact integer addition, so accumulation order cannot change a result in any mode.

import {
  L_BIAS, L_DH, L_DW, L_GROUPS, L_IN0, L_KH, L_KW, L_MODE, L_OUT, L_OVERFLOW, L_PACKED, L_PAD_L, L_PAD_T,
  L_PAD_VALUE, L_PAD_B, L_PAD_R, L_PACKED_BYTES, L_ROUNDING, L_RQ, L_RQ_SHIFT, L_OUT_NCHW, H_OUT_NCHW, L_SH, L_SHIFT, L_SW, L_WEIGHTS, L_ACTIVATION, H_SCRATCH,
  S_BITS, S_CHANNELS, S_DATA, S_HEIGHT, S_SIGNED, S_WIDTH,
  STATUS_OK, STATUS_BAD_PARAM, streamRec, word, clog2, outFracBits,
} from './stream';
import {
  OVERFLOW_SATURATE, ROUND_FLOOR, ROUND_HALF_UP, activationHi, activationLo, formatMax, formatMin, requantIntX4, requantX4, requantize,
} from './requant';
import { rowAddress } from './line_buffer';
import { windowExact, windowI16 } from './window';

export const MODE_EXACT: i32 = 0;
export const MODE_DOT16: i32 = 1;
export const MODE_DW32: i32 = 2;
export const MODE_ROWS16: i32 = 3;

/** Register stages of a conv block: multipliers (1) + adder tree over fanIn products and the bias (ceil(log2(fanIn+1))) + re-quantisation (1). */
export function convLatency(layer: usize, inC: i32): i32 {
  const fanIn = (inC / word(layer, L_GROUPS)) * word(layer, L_KH) * word(layer, L_KW);
  return 1 + clog2(fanIn + 1) + 1;
}

/** Bytes of packed constants the fast path of `mode` needs (must match `packConv`). */
export function packedBytes(mode: i32, inC: i32, outC: i32, groups: i32, kh: i32, kw: i32): i32 {
  if (mode == MODE_DOT16) {
    const cinG = inC / groups, coutG = outC / groups;
    const T = (cinG * kh * kw + 1) >> 1, B = (coutG + 3) >> 2;
    return groups * B * (T + 3) * 16 + ((inC * 2 + 15) & ~15) + 32;
  }
  if (mode == MODE_DW32) {
    const Cp = (outC + 3) & ~3;
    return (kh * kw * Cp + Cp) * 4 + Cp * 8 + Cp * 4;
  }
  if (mode == MODE_ROWS16) {
    const T = kh * ((kw * inC + 1) >> 1), B = (outC + 3) >> 2;
    return B * (T + 3) * 16;
  }
  return 0;
}

/** Bytes of the zero-padded i16 copy of the input image the rows16 path reads its windows from (+ slack). */
export function paddedImageBytes(inH: i32, inW: i32, inC: i32, padT: i32, padL: i32, padB: i32, padR: i32): i32 {
  return (((inH + padT + padB) * (inW + padL + padR) * inC * 2) + 64 + 15) & ~15;
}

/** 2^-s as f64 (exact for the shift range the fast paths accept). */
function scaleOf(s: i32): f64 {
  return Math.pow(2.0, <f64>(-s));
}

/** Packs the constant weights, biases, scales and pad codes of a fast-path conv layer into its packed region. */
export function packConv(prog: usize, layer: usize): i32 {
  const mode = word(layer, L_MODE);
  assert(mode >= MODE_EXACT && mode <= MODE_ROWS16, 'unknown conv datapath');
  assert(word(layer, L_PACKED_BYTES) >= packedBytes(mode, word(streamRec(prog, word(layer, L_IN0)), S_CHANNELS),
    word(streamRec(prog, word(layer, L_OUT)), S_CHANNELS), word(layer, L_GROUPS), word(layer, L_KH), word(layer, L_KW)),
    'packed region too small');
  if (mode == MODE_EXACT) return STATUS_OK;
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const inC = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const groups = word(layer, L_GROUPS), kh = word(layer, L_KH), kw = word(layer, L_KW);
  const cinG = inC / groups, coutG = outC / groups;
  const w = <usize>word(layer, L_WEIGHTS), bias = <usize>word(layer, L_BIAS), shift = <usize>word(layer, L_SHIFT);
  const padV = <usize>word(layer, L_PAD_VALUE);
  const p = <usize>word(layer, L_PACKED);
  if (mode == MODE_DOT16) {
    const fanIn = cinG * kh * kw;
    const T = (fanIn + 1) >> 1, B = (coutG + 3) >> 2;
    const wBase = p;
    const bBase = wBase + <usize>(groups * B * T * 16);
    const sBase = bBase + <usize>(groups * B * 16);
    const padBase = sBase + <usize>(groups * B * 32);
    for (let g = 0; g < groups; g++) {
      for (let b = 0; b < B; b++) {
        const blk = g * B + b;
        for (let l = 0; l < 4; l++) {
          const oc = 4 * b + l;
          const valid = oc < coutG;
          const o = g * coutG + oc;
          store<i32>(bBase + <usize>(blk * 16 + l * 4), valid ? load<i32>(bias + (<usize>o << 2)) : 0);
          store<f64>(sBase + <usize>(blk * 32 + l * 8), valid ? scaleOf(load<i32>(shift + (<usize>o << 2))) : 1.0);
          for (let t = 0; t < T; t++) {
            for (let h = 0; h < 2; h++) {
              const j = 2 * t + h; // tap index in (ky, kx, ci) order
              let wv: i32 = 0;
              if (valid && j < fanIn) {
                const ci = j % cinG, kk = j / cinG;
                const ky = kk / kw, kx = kk % kw;
                wv = load<i32>(w + (<usize>(((o * cinG + ci) * kh + ky) * kw + kx) << 2));
              }
              store<i16>(wBase + <usize>((blk * T + t) * 16 + l * 4 + h * 2), <i16>wv);
            }
          }
        }
      }
    }
    for (let c = 0; c < inC; c++) store<i16>(padBase + (<usize>c << 1), <i16>load<i32>(padV + (<usize>c << 2)));
    return STATUS_OK;
  }
  if (mode == MODE_ROWS16) {
    if (groups != 1 || word(layer, L_DW) != 1) return STATUS_BAD_PARAM;
    const R = kw * inC, Rp = (R + 1) >> 1, T = kh * Rp, B = (outC + 3) >> 2;
    const wBase = p;
    const bBase = wBase + <usize>(B * T * 16);
    const sBase = bBase + <usize>(B * 16);
    for (let b = 0; b < B; b++) {
      for (let l = 0; l < 4; l++) {
        const o = 4 * b + l;
        const valid = o < outC;
        store<i32>(bBase + <usize>(b * 16 + l * 4), valid ? load<i32>(bias + (<usize>o << 2)) : 0);
        store<f64>(sBase + <usize>(b * 32 + l * 8), valid ? scaleOf(load<i32>(shift + (<usize>o << 2))) : 1.0);
        for (let ky = 0; ky < kh; ky++) {
          for (let tt = 0; tt < Rp; tt++) {
            for (let h = 0; h < 2; h++) {
              const r = 2 * tt + h; // tap within the window row, (kx, ci) order = HWC order of the row
              let wv: i32 = 0;
              if (valid && r < R) {
                const kx = r / inC, ci = r % inC;
                wv = load<i32>(w + (<usize>(((o * inC + ci) * kh + ky) * kw + kx) << 2));
              }
              store<i16>(wBase + <usize>((b * T + ky * Rp + tt) * 16 + l * 4 + h * 2), <i16>wv);
            }
          }
        }
      }
    }
    return STATUS_OK;
  }
  if (mode == MODE_DW32) {
    if (cinG != 1 || coutG != 1) return STATUS_BAD_PARAM;
    const Cp = (outC + 3) & ~3;
    const taps = kh * kw;
    const wBase = p;
    const bBase = wBase + <usize>(taps * Cp * 4);
    const sBase = bBase + <usize>(Cp * 4);
    const padBase = sBase + <usize>(Cp * 8);
    for (let c = 0; c < Cp; c++) {
      const valid = c < outC;
      for (let t = 0; t < taps; t++) {
        store<i32>(wBase + <usize>((t * Cp + c) * 4), valid ? load<i32>(w + (<usize>(c * taps + t) << 2)) : 0);
      }
      store<i32>(bBase + <usize>(c * 4), valid ? load<i32>(bias + (<usize>c << 2)) : 0);
      store<f64>(sBase + <usize>(c * 8), valid ? scaleOf(load<i32>(shift + (<usize>c << 2))) : 1.0);
      store<i32>(padBase + <usize>(c * 4), valid ? load<i32>(padV + (<usize>c << 2)) : 0);
    }
    return STATUS_OK;
  }
  return STATUS_BAD_PARAM;
}

/** Computes the values of a conv layer's output stream (HWC). Timing is done by the caller (stream.ts). */
export function convValues(prog: usize, layer: usize): i32 {
  const mode = word(layer, L_MODE);
  if (mode == MODE_DOT16) return convDot16(prog, layer);
  if (mode == MODE_DW32) return convDw32(prog, layer);
  if (mode == MODE_ROWS16) return convRows16(prog, layer);
  return convExact(prog, layer);
}

function convExact(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const inC = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const groups = word(layer, L_GROUPS), kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH), dw = word(layer, L_DW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const cinG = inC / groups, coutG = outC / groups, fanIn = cinG * kh * kw;
  const w = <usize>word(layer, L_WEIGHTS), bias = <usize>word(layer, L_BIAS), shift = <usize>word(layer, L_SHIFT);
  const padV = <usize>word(layer, L_PAD_VALUE);
  const rounding = word(layer, L_ROUNDING), overflow = word(layer, L_OVERFLOW);
  const bits = word(outS, S_BITS), signed = word(outS, S_SIGNED) != 0;
  const act = word(layer, L_ACTIVATION);
  const frac = outFracBits(outS);
  const lo = activationLo(act, frac), hi = activationHi(act, frac);
  const patch = <usize>word(prog, H_SCRATCH);
  const out = <usize>word(outS, S_DATA);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const px = out + (<usize>((oy * outW + ox) * outC) << 2);
      for (let g = 0; g < groups; g++) {
        windowExact(inS, g, cinG, oy, ox, kh, kw, sh, sw, dh, dw, padT, padL, padV, patch);
        for (let oc = 0; oc < coutG; oc++) {
          const o = g * coutG + oc;
          let acc = <i64>load<i32>(bias + (<usize>o << 2));
          const wr = w + (<usize>(o * fanIn) << 2);
          for (let j = 0; j < fanIn; j++) {
            acc += load<i64>(patch + (<usize>j << 3)) * <i64>load<i32>(wr + (<usize>j << 2));
          }
          const y = requantize(acc, load<i32>(shift + (<usize>o << 2)), rounding, lo, hi, overflow, bits, signed);
          store<i32>(px + (<usize>o << 2), <i32>y);
        }
      }
    }
  }
  return STATUS_OK;
}

/** Clamp bounds of the SIMD re-quantisation as f64 (activation, and the format range when saturating). */
function clampLo(layer: usize, outS: usize): f64 {
  const act = word(layer, L_ACTIVATION);
  const a = activationLo(act, outFracBits(outS));
  let lo: f64 = a == i64.MIN_VALUE ? -Infinity : <f64>a;
  if (word(layer, L_OVERFLOW) == OVERFLOW_SATURATE) {
    const f = <f64>formatMin(word(outS, S_BITS), word(outS, S_SIGNED) != 0);
    if (f > lo) lo = f;
  }
  return lo;
}

function clampHi(layer: usize, outS: usize): f64 {
  const act = word(layer, L_ACTIVATION);
  const a = activationHi(act, outFracBits(outS));
  let hi: f64 = a == i64.MAX_VALUE ? Infinity : <f64>a;
  if (word(layer, L_OVERFLOW) == OVERFLOW_SATURATE) {
    const f = <f64>formatMax(word(outS, S_BITS), word(outS, S_SIGNED) != 0);
    if (f < hi) hi = f;
  }
  return hi;
}

// Loop-invariant parameters of the SIMD re-quantisation of the current layer (see requant.ts), as globals:
// the module allocates nothing.
let rqInt: bool = false;
let rqS: i32 = 0;
let rqRounding: i32 = 0;
let rqHalf: v128 = i32x4.splat(0);
let rqMask: v128 = i32x4.splat(0);
let rqLoI: v128 = i32x4.splat(0);
let rqHiI: v128 = i32x4.splat(0);
let rqLoF: v128 = f64x2.splat(0);
let rqHiF: v128 = f64x2.splat(0);
let rqWrapBits: i32 = 0;
let rqSigned: bool = false;
/** Common case: integer path, floor or half-up, s >= 0, saturate: q = clamp((acc + half) >> s). */
let rqFast: bool = false;

function clampI32(v: f64): i32 {
  if (v <= <f64>i32.MIN_VALUE) return i32.MIN_VALUE;
  if (v >= <f64>i32.MAX_VALUE) return i32.MAX_VALUE;
  return <i32>v;
}

function setupRq(layer: usize, outS: usize): void {
  rqInt = word(layer, L_RQ) == 1;
  rqS = word(layer, L_RQ_SHIFT);
  rqRounding = word(layer, L_ROUNDING);
  const s = rqS;
  rqHalf = i32x4.splat(s > 0 ? 1 << (s - 1) : 0);
  rqMask = i32x4.splat(s > 0 ? (1 << s) - 1 : 0);
  const lo = clampLo(layer, outS), hi = clampHi(layer, outS);
  rqLoF = f64x2.splat(lo);
  rqHiF = f64x2.splat(hi);
  rqLoI = i32x4.splat(clampI32(lo));
  rqHiI = i32x4.splat(clampI32(hi));
  rqWrapBits = word(layer, L_OVERFLOW) == OVERFLOW_SATURATE ? 0 : word(outS, S_BITS);
  rqSigned = word(outS, S_SIGNED) != 0;
  rqFast = rqInt && s >= 0 && rqWrapBits == 0 && (rqRounding == ROUND_FLOOR || rqRounding == ROUND_HALF_UP);
  if (rqFast && rqRounding == ROUND_FLOOR) rqHalf = i32x4.splat(0); // floor(acc / 2^s) = (acc + 0) >> s
}

/** Re-quantises four accumulators; `sp` points at their two f64x2 scales (used by the per-channel path only). */
// @ts-ignore: decorator
@inline function rq4(acc: v128, sp: usize): v128 {
  if (rqFast) return i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(acc, rqHalf), rqS), rqLoI), rqHiI);
  if (rqInt) {
    return requantIntX4(acc, rqS, rqRounding, rqHalf, rqMask, rqLoI, rqHiI, rqWrapBits, rqSigned);
  }
  return requantX4(acc, v128.load(sp), v128.load(sp, 16), rqRounding, rqLoF, rqHiF, rqWrapBits, rqSigned);
}

/** Stores the first `n` (1..4) lanes of `v` at `d`: a partial last block must not spill into neighbours already written. */
// @ts-ignore: decorator
@inline function storeLanes(d: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(d, v);
    return;
  }
  store<i32>(d, i32x4.extract_lane(v, 0));
  if (n > 1) store<i32>(d, i32x4.extract_lane(v, 1), 4);
  if (n > 2) store<i32>(d, i32x4.extract_lane(v, 2), 8);
}

/**
 * Stores the re-quantised results of one 4-channel block for two horizontally adjacent output pixels.
 * HWC (`nchw` false): `d` = pixel A's address of the block's first channel; pixel B follows `pixStride` later.
 * NCHW (`nchw` true, the program's output written in its final layout): `d` = plane of the block's first
 * channel at pixel A; channel planes are `plane` bytes apart; (A, B) of one channel are adjacent words.
 */
// @ts-ignore: decorator
@inline function storePair(nchw: bool, d: usize, pixStride: usize, plane: usize, va: v128, vb: v128, n: i32): void {
  if (!nchw) {
    storeLanes(d, va, n);
    storeLanes(d + pixStride, vb, n);
    return;
  }
  const lo = i32x4.shuffle(va, vb, 0, 4, 1, 5);
  v128.store64_lane(d, lo, 0);
  if (n > 1) v128.store64_lane(d + plane, lo, 1);
  if (n > 2) {
    const hi = i32x4.shuffle(va, vb, 2, 6, 3, 7);
    v128.store64_lane(d + 2 * plane, hi, 0);
    if (n > 3) v128.store64_lane(d + 3 * plane, hi, 1);
  }
}

/** Single-pixel variant of storePair (odd last pixel of a row). */
// @ts-ignore: decorator
@inline function storeOne(nchw: bool, d: usize, plane: usize, v: v128, n: i32): void {
  if (!nchw) {
    storeLanes(d, v, n);
    return;
  }
  store<i32>(d, i32x4.extract_lane(v, 0));
  if (n > 1) store<i32>(d + plane, i32x4.extract_lane(v, 1));
  if (n > 2) store<i32>(d + 2 * plane, i32x4.extract_lane(v, 2));
  if (n > 3) store<i32>(d + 3 * plane, i32x4.extract_lane(v, 3));
}

function convDot16(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const inC = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const groups = word(layer, L_GROUPS), kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH), dw = word(layer, L_DW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const cinG = inC / groups, coutG = outC / groups, fanIn = cinG * kh * kw;
  const T = (fanIn + 1) >> 1, B = (coutG + 3) >> 2;
  setupRq(layer, outS);
  const p = <usize>word(layer, L_PACKED);
  const wBase = p;
  const bBase = wBase + <usize>(groups * B * T * 16);
  const sBase = bBase + <usize>(groups * B * 16);
  const pad16 = sBase + <usize>(groups * B * 32);
  const patchA = <usize>word(prog, H_SCRATCH);
  const patchB = patchA + <usize>((T * 4 + 32 + 15) & ~15);
  // Output: HWC stream, or (final layer, nobody reads it) straight into the NCHW output buffer.
  const nchw = word(layer, L_OUT_NCHW) != 0;
  const N = outH * outW;
  const out = nchw ? <usize>word(prog, H_OUT_NCHW) : <usize>word(outS, S_DATA);
  const plane = <usize>N << 2;
  const chStride: usize = nchw ? plane : 4; // bytes between consecutive channels of one pixel
  const pixBytes: usize = nchw ? 4 : <usize>(outC << 2); // bytes between consecutive pixels of one channel
  const ts = <usize>(T * 16); // bytes between consecutive blocks' weights
  for (let oy = 0; oy < outH; oy++) {
    let ox = 0;
    // Two output pixels at a time: every weight vector loaded feeds two windows.
    for (; ox + 2 <= outW; ox += 2) {
      const pxA = out + <usize>(oy * outW + ox) * pixBytes;
      for (let g = 0; g < groups; g++) {
        windowI16(inS, g, cinG, oy, ox, kh, kw, sh, sw, dh, dw, padT, padL, pad16, patchA);
        windowI16(inS, g, cinG, oy, ox + 1, kh, kw, sh, sw, dh, dw, padT, padL, pad16, patchB);
        const dA = pxA + <usize>(g * coutG) * chStride;
        let b = 0;
        for (; b + 4 <= B; b += 4) {
          const blk = g * B + b;
          const bp = bBase + <usize>(blk * 16);
          let a0 = v128.load(bp), a1 = v128.load(bp, 16), a2 = v128.load(bp, 32), a3 = v128.load(bp, 48);
          let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            const o = <usize>(t << 2);
            const xa = v128.load32_splat(patchA + o);
            const xb = v128.load32_splat(patchB + o);
            const w0 = v128.load(wp), w1 = v128.load(wp + ts), w2 = v128.load(wp + 2 * ts), w3 = v128.load(wp + 3 * ts);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xa, w2));
            c2 = i32x4.add(c2, i32x4.dot_i16x8_s(xb, w2));
            a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xa, w3));
            c3 = i32x4.add(c3, i32x4.dot_i16x8_s(xb, w3));
            wp += 16;
          }
          const sp = sBase + <usize>(blk * 32);
          const d = dA + <usize>(b * 4) * chStride;
          const n = coutG - 4 * b;
          storePair(nchw, d, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), n);
          storePair(nchw, d + 4 * chStride, pixBytes, plane, rq4(a1, sp + 32), rq4(c1, sp + 32), n - 4);
          storePair(nchw, d + 8 * chStride, pixBytes, plane, rq4(a2, sp + 64), rq4(c2, sp + 64), n - 8);
          storePair(nchw, d + 12 * chStride, pixBytes, plane, rq4(a3, sp + 96), rq4(c3, sp + 96), n - 12);
        }
        for (; b + 2 <= B; b += 2) {
          const blk = g * B + b;
          const bp = bBase + <usize>(blk * 16);
          let a0 = v128.load(bp), a1 = v128.load(bp, 16);
          let c0 = a0, c1 = a1;
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            const o = <usize>(t << 2);
            const xa = v128.load32_splat(patchA + o);
            const xb = v128.load32_splat(patchB + o);
            const w0 = v128.load(wp), w1 = v128.load(wp + ts);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            wp += 16;
          }
          const sp = sBase + <usize>(blk * 32);
          const d = dA + <usize>(b * 4) * chStride;
          const n = coutG - 4 * b;
          storePair(nchw, d, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), n);
          storePair(nchw, d + 4 * chStride, pixBytes, plane, rq4(a1, sp + 32), rq4(c1, sp + 32), n - 4);
        }
        for (; b < B; b++) {
          const blk = g * B + b;
          let a0 = v128.load(bBase + <usize>(blk * 16));
          let c0 = a0;
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            const o = <usize>(t << 2);
            const w0 = v128.load(wp);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(patchA + o), w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load32_splat(patchB + o), w0));
            wp += 16;
          }
          const sp = sBase + <usize>(blk * 32);
          storePair(nchw, dA + <usize>(b * 4) * chStride, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), coutG - 4 * b);
        }
      }
    }
    // Odd last pixel of the row.
    for (; ox < outW; ox++) {
      const px = out + <usize>(oy * outW + ox) * pixBytes;
      for (let g = 0; g < groups; g++) {
        windowI16(inS, g, cinG, oy, ox, kh, kw, sh, sw, dh, dw, padT, padL, pad16, patchA);
        const dst = px + <usize>(g * coutG) * chStride;
        for (let b = 0; b < B; b++) {
          const blk = g * B + b;
          let a0 = v128.load(bBase + <usize>(blk * 16));
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(patchA + <usize>(t << 2)), v128.load(wp)));
            wp += 16;
          }
          storeOne(nchw, dst + <usize>(b * 4) * chStride, plane, rq4(a0, sBase + <usize>(blk * 32)), coutG - 4 * b);
        }
      }
    }
  }
  return STATUS_OK;
}

function convDw32(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const C = word(outS, S_CHANNELS);
  const inW = word(inS, S_WIDTH);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH), dw = word(layer, L_DW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const Cp = (C + 3) & ~3, taps = kh * kw;
  setupRq(layer, outS);
  const p = <usize>word(layer, L_PACKED);
  const wBase = p;
  const bBase = wBase + <usize>(taps * Cp * 4);
  const sBase = bBase + <usize>(Cp * 4);
  const padBase = sBase + <usize>(Cp * 8);
  const out = <usize>word(outS, S_DATA);
  const inH = word(inS, S_HEIGHT);
  let padZero = true;
  for (let c = 0; c < C; c++) if (load<i32>(padBase + (<usize>c << 2)) != 0) padZero = false;
  if (padZero) {
    // Padded taps contribute 0·w: visit the in-image taps only, no per-tap bounds test.
    const src = <usize>word(inS, S_DATA);
    const pix = <usize>(C << 2);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - padT;
      let ky0 = 0, ky1 = kh;
      while (ky0 < kh && y0 + ky0 * dh < 0) ky0++;
      while (ky1 > ky0 && y0 + (ky1 - 1) * dh >= inH) ky1--;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sw - padL;
        let kx0 = 0, kx1 = kw;
        while (kx0 < kw && x0 + kx0 * dw < 0) kx0++;
        while (kx1 > kx0 && x0 + (kx1 - 1) * dw >= inW) kx1--;
        const px = out + <usize>(oy * outW + ox) * pix;
        for (let c = 0; c < Cp; c += 4) {
          let acc = v128.load(bBase + (<usize>c << 2));
          for (let ky = ky0; ky < ky1; ky++) {
            let q = src + <usize>((y0 + ky * dh) * inW + x0 + kx0 * dw) * pix + (<usize>c << 2);
            let wq = wBase + (<usize>((ky * kw + kx0) * Cp + c) << 2);
            for (let kx = kx0; kx < kx1; kx++) {
              acc = i32x4.add(acc, i32x4.mul(v128.load(q), v128.load(wq)));
              q += <usize>dw * pix;
              wq += <usize>(Cp << 2);
            }
          }
          v128.store(px + (<usize>c << 2), rq4(acc, sBase + (<usize>c << 3)));
        }
      }
    }
    return STATUS_OK;
  }
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const px = out + (<usize>((oy * outW + ox) * C) << 2);
      for (let c = 0; c < Cp; c += 4) {
        let acc = v128.load(bBase + (<usize>c << 2));
        for (let ky = 0; ky < kh; ky++) {
          const row = rowAddress(inS, oy * sh - padT + ky * dh);
          for (let kx = 0; kx < kw; kx++) {
            const x = ox * sw - padL + kx * dw;
            const xv = row != 0 && x >= 0 && x < inW
              ? v128.load(row + (<usize>(x * C + c) << 2))
              : v128.load(padBase + (<usize>c << 2));
            acc = i32x4.add(acc, i32x4.mul(xv, v128.load(wBase + (<usize>((ky * kw + kx) * Cp + c) << 2))));
          }
        }
        const sp = sBase + (<usize>c << 3);
        v128.store(px + (<usize>c << 2), rq4(acc, sp));
      }
    }
  }
  return STATUS_OK;
}

/**
 * Writes the zero-padded i16 copy of stream `inS` (HWC, padded rows/columns hold the per-channel pad codes) at `img`:
 * (inH + padT + padB) rows of (inW + padL + padR)·C i16. This is the line-buffer + window content of the rows16 path.
 */
function padImage(inS: usize, padV: usize, padT: i32, padL: i32, padB: i32, padR: i32, img: usize): void {
  const inH = word(inS, S_HEIGHT), inW = word(inS, S_WIDTH), C = word(inS, S_CHANNELS);
  const Wp = inW + padL + padR, Hp = inH + padT + padB;
  const rowBytes = <usize>(Wp * C) << 1;
  const src0 = <usize>word(inS, S_DATA);
  for (let yp = 0; yp < Hp; yp++) {
    const d = img + <usize>yp * rowBytes;
    const y = yp - padT;
    if (y >= 0 && y < inH) {
      for (let xp = 0; xp < padL; xp++) {
        for (let c = 0; c < C; c++) store<i16>(d + (<usize>(xp * C + c) << 1), <i16>load<i32>(padV + (<usize>c << 2)));
      }
      // interior: narrow 8 at a time (a store may run past the row: the right padding written next covers it)
      let src = src0 + (<usize>(y * inW * C) << 2);
      const e0 = d + (<usize>(padL * C) << 1);
      const end = e0 + (<usize>(inW * C) << 1);
      for (let e = e0; e < end; e += 16) {
        v128.store(e, i16x8.narrow_i32x4_s(v128.load(src), v128.load(src, 16)));
        src += 32;
      }
      for (let xp = padL + inW; xp < Wp; xp++) {
        for (let c = 0; c < C; c++) store<i16>(d + (<usize>(xp * C + c) << 1), <i16>load<i32>(padV + (<usize>c << 2)));
      }
    } else {
      for (let xp = 0; xp < Wp; xp++) {
        for (let c = 0; c < C; c++) store<i16>(d + (<usize>(xp * C + c) << 1), <i16>load<i32>(padV + (<usize>c << 2)));
      }
    }
  }
}

/**
 * rows16 datapath (groups = 1, dilationW = 1, codes fit i16, |acc| < 2^31): the window of an output pixel is read
 * straight from the padded i16 image — each window row is kernelW·C consecutive i16 (HWC), taken as i16 pairs
 * (an odd row gets one pair whose second tap has weight 0) — so no per-pixel gather is needed. Otherwise as dot16:
 * 2 output pixels x 16 channels per inner loop, i32 accumulators, SIMD re-quantisation.
 */
function convRows16(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const C = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const inW = word(inS, S_WIDTH);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L), padB = word(layer, L_PAD_B), padR = word(layer, L_PAD_R);
  const R = kw * C, Rp = (R + 1) >> 1, T = kh * Rp, B = (outC + 3) >> 2;
  setupRq(layer, outS);
  const p = <usize>word(layer, L_PACKED);
  const wBase = p;
  const bBase = wBase + <usize>(B * T * 16);
  const sBase = bBase + <usize>(B * 16);
  const img = <usize>word(prog, H_SCRATCH);
  padImage(inS, <usize>word(layer, L_PAD_VALUE), padT, padL, padB, padR, img);
  const Wp = inW + padL + padR;
  const imgRow = <usize>(Wp * C) << 1; // bytes per padded row
  const pixStep = <usize>(sw * C) << 1; // bytes between the windows of horizontally adjacent output pixels
  const kyStep = <usize>dh * imgRow;
  const nchw = word(layer, L_OUT_NCHW) != 0;
  const N = outH * outW;
  const out = nchw ? <usize>word(prog, H_OUT_NCHW) : <usize>word(outS, S_DATA);
  const plane = <usize>N << 2;
  const chStride: usize = nchw ? plane : 4;
  const pixBytes: usize = nchw ? 4 : <usize>(outC << 2);
  const ts = <usize>(T * 16);
  const rpBytes = <usize>(Rp << 2);
  for (let oy = 0; oy < outH; oy++) {
    const rowA0 = img + <usize>(oy * sh) * imgRow;
    let ox = 0;
    for (; ox + 2 <= outW; ox += 2) {
      const winA = rowA0 + <usize>ox * pixStep;
      const dA = out + <usize>(oy * outW + ox) * pixBytes;
      let b = 0;
      for (; b + 4 <= B; b += 4) {
        const bp = bBase + <usize>(b * 16);
        let a0 = v128.load(bp), a1 = v128.load(bp, 16), a2 = v128.load(bp, 32), a3 = v128.load(bp, 48);
        let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            const xa = v128.load32_splat(x);
            const xb = v128.load32_splat(x + pixStep);
            const w0 = v128.load(wp), w1 = v128.load(wp + ts), w2 = v128.load(wp + 2 * ts), w3 = v128.load(wp + 3 * ts);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xa, w2));
            c2 = i32x4.add(c2, i32x4.dot_i16x8_s(xb, w2));
            a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xa, w3));
            c3 = i32x4.add(c3, i32x4.dot_i16x8_s(xb, w3));
            wp += 16;
          }
          xr += kyStep;
        }
        const sp = sBase + <usize>(b * 32);
        const d = dA + <usize>(b * 4) * chStride;
        const n = outC - 4 * b;
        storePair(nchw, d, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), n);
        storePair(nchw, d + 4 * chStride, pixBytes, plane, rq4(a1, sp + 32), rq4(c1, sp + 32), n - 4);
        storePair(nchw, d + 8 * chStride, pixBytes, plane, rq4(a2, sp + 64), rq4(c2, sp + 64), n - 8);
        storePair(nchw, d + 12 * chStride, pixBytes, plane, rq4(a3, sp + 96), rq4(c3, sp + 96), n - 12);
      }
      for (; b + 2 <= B; b += 2) {
        const bp = bBase + <usize>(b * 16);
        let a0 = v128.load(bp), a1 = v128.load(bp, 16);
        let c0 = a0, c1 = a1;
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            const xa = v128.load32_splat(x);
            const xb = v128.load32_splat(x + pixStep);
            const w0 = v128.load(wp), w1 = v128.load(wp + ts);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            wp += 16;
          }
          xr += kyStep;
        }
        const sp = sBase + <usize>(b * 32);
        const d = dA + <usize>(b * 4) * chStride;
        const n = outC - 4 * b;
        storePair(nchw, d, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), n);
        storePair(nchw, d + 4 * chStride, pixBytes, plane, rq4(a1, sp + 32), rq4(c1, sp + 32), n - 4);
      }
      for (; b < B; b++) {
        let a0 = v128.load(bBase + <usize>(b * 16));
        let c0 = a0;
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            const w0 = v128.load(wp);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(x), w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load32_splat(x + pixStep), w0));
            wp += 16;
          }
          xr += kyStep;
        }
        const sp = sBase + <usize>(b * 32);
        storePair(nchw, dA + <usize>(b * 4) * chStride, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), outC - 4 * b);
      }
    }
    for (; ox < outW; ox++) {
      const winA = rowA0 + <usize>ox * pixStep;
      const dst = out + <usize>(oy * outW + ox) * pixBytes;
      for (let b = 0; b < B; b++) {
        let a0 = v128.load(bBase + <usize>(b * 16));
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(x), v128.load(wp)));
            wp += 16;
          }
          xr += kyStep;
        }
        storeOne(nchw, dst + <usize>(b * 4) * chStride, plane, rq4(a0, sBase + <usize>(b * 32)), outC - 4 * b);
      }
    }
  }
  return STATUS_OK;
}
