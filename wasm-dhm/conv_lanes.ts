// Shared by the SIMD conv datapaths (conv_dot16.ts, conv_dw32.ts, conv_rows16.ts): the loop-invariant parameters of
// the current layer's SIMD re-quantisation (requant.ts) and the lane stores of 4-channel result blocks (HWC or NCHW).

import { L_OVERFLOW, L_ROUNDING, L_RQ, L_RQ_SHIFT, L_ACTIVATION, S_BITS, S_SIGNED, word, outFracBits } from './stream';
import { OVERFLOW_SATURATE, ROUND_FLOOR, ROUND_HALF_UP, activationHi, activationLo, formatMax, formatMin, requantIntX4, requantX4 } from './requant';

/** 2^-s as f64 (exact for the shift range the fast paths accept). */
export function scaleOf(s: i32): f64 {
  return Math.pow(2.0, <f64>(-s));
}

/** Clamp bounds of the SIMD re-quantisation as f64 (activation, and the format range when saturating). */
export function clampLo(layer: usize, outS: usize): f64 {
  const act = word(layer, L_ACTIVATION);
  const a = activationLo(act, outFracBits(outS));
  let lo: f64 = a == i64.MIN_VALUE ? -Infinity : <f64>a;
  if (word(layer, L_OVERFLOW) == OVERFLOW_SATURATE) {
    const f = <f64>formatMin(word(outS, S_BITS), word(outS, S_SIGNED) != 0);
    if (f > lo) lo = f;
  }
  return lo;
}

export function clampHi(layer: usize, outS: usize): f64 {
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

export function clampI32(v: f64): i32 {
  if (v <= <f64>i32.MIN_VALUE) return i32.MIN_VALUE;
  if (v >= <f64>i32.MAX_VALUE) return i32.MAX_VALUE;
  return <i32>v;
}

export function setupRq(layer: usize, outS: usize): void {
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
@inline export function rq4(acc: v128, sp: usize): v128 {
  if (rqFast) return i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(acc, rqHalf), rqS), rqLoI), rqHiI);
  if (rqInt) {
    return requantIntX4(acc, rqS, rqRounding, rqHalf, rqMask, rqLoI, rqHiI, rqWrapBits, rqSigned);
  }
  return requantX4(acc, v128.load(sp), v128.load(sp, 16), rqRounding, rqLoF, rqHiF, rqWrapBits, rqSigned);
}

/** Whether the current layer's re-quantisation takes the common integer path (see rqFast). */
// @ts-ignore: decorator
@inline export function rqFastOn(): bool { return rqFast; }
/** The fast path's rounding offset, shift and clamp bounds (loop-invariant: a caller's loop keeps them in locals). */
// @ts-ignore: decorator
@inline export function rqHalfV(): v128 { return rqHalf; }
// @ts-ignore: decorator
@inline export function rqShift(): i32 { return rqS; }
// @ts-ignore: decorator
@inline export function rqLoV(): v128 { return rqLoI; }
// @ts-ignore: decorator
@inline export function rqHiV(): v128 { return rqHiI; }

/** rq4 with the fast path's parameters passed in from the caller's locals (no global reads per call); same results. */
// @ts-ignore: decorator
@inline export function rq4l(acc: v128, sp: usize, fast: bool, half: v128, s: i32, lo: v128, hi: v128): v128 {
  if (fast) return i32x4.min_s(i32x4.max_s(i32x4.shr_s(i32x4.add(acc, half), s), lo), hi);
  return rq4(acc, sp);
}

/** Stores the first `n` (1..4) lanes of `v` at `d`: a partial last block must not spill into neighbours already written. */
// @ts-ignore: decorator
@inline export function storeLanes(d: usize, v: v128, n: i32): void {
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
@inline export function storePair(nchw: bool, d: usize, pixStride: usize, plane: usize, va: v128, vb: v128, n: i32): void {
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
@inline export function storeOne(nchw: bool, d: usize, plane: usize, v: v128, n: i32): void {
  if (!nchw) {
    storeLanes(d, v, n);
    return;
  }
  store<i32>(d, i32x4.extract_lane(v, 0));
  if (n > 1) store<i32>(d + plane, i32x4.extract_lane(v, 1));
  if (n > 2) store<i32>(d + 2 * plane, i32x4.extract_lane(v, 2));
  if (n > 3) store<i32>(d + 3 * plane, i32x4.extract_lane(v, 3));
}
