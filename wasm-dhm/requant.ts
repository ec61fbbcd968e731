// Re-quantisation stage of a block: rounding right shift (or exact left shift) from the accumulator to the
// output format, activation in fixed point, then the overflow stage (saturate or wrap) — docs/datapath.md
// §Re-quantisation. Two implementations of the same arithmetic:
//   - `requantize`: exact scalar i64, any width (the accumulator is at most 53 bits wide, see datapath.md);
//   - `requantX4`: four i32 accumulators at once through f64x2 lanes, used by the SIMD fast paths when the
//     compiler-side bounds (src/dhm/wasm.ts `chooseConvMode`) guarantee |acc| < 2^31 and a result that fits i32.

// The rounding / overflow / activation codes are layer-record field values: defined in abi.ts.
import { ACT_HARDTANH, ACT_NONE, ACT_RELU, ACT_RELU6, OVERFLOW_SATURATE, OVERFLOW_WRAP, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP } from './abi';
export { ACT_HARDTANH, ACT_NONE, ACT_RELU, ACT_RELU6, OVERFLOW_SATURATE, OVERFLOW_WRAP, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP };

/** Largest right shift applied literally; larger shifts give the same result for |acc| < 2^61. */
const MAX_RIGHT_SHIFT: i32 = 62;

/**
 * round(acc · 2^-s) for s > 0 with the given rounding mode:
 * floor = arithmetic shift; half-up = floor(acc/2^s + 1/2); half-even = nearest, ties to the even code.
 */
// @ts-ignore: decorator
@inline export function roundShiftRight(acc: i64, s: i32, rounding: i32): i64 {
  if (s > MAX_RIGHT_SHIFT) s = MAX_RIGHT_SHIFT;
  const q = acc >> s;
  if (rounding == ROUND_FLOOR) return q;
  const r = acc & ((<i64>1 << s) - 1); // non-negative remainder (two's complement)
  const half = <i64>1 << (s - 1);
  if (rounding == ROUND_HALF_UP) return r >= half ? q + 1 : q;
  return r > half || (r == half && (q & 1) != 0) ? q + 1 : q;
}

/** Lower activation bound in output codes (i64.MIN_VALUE = none). */
export function activationLo(act: i32, outFrac: i32): i64 {
  if (act == ACT_RELU || act == ACT_RELU6) return 0;
  if (act == ACT_HARDTANH) return -scaledConst(1, outFrac);
  return i64.MIN_VALUE;
}

/** Upper activation bound in output codes (i64.MAX_VALUE = none). */
export function activationHi(act: i32, outFrac: i32): i64 {
  if (act == ACT_RELU6) return scaledConst(6, outFrac);
  if (act == ACT_HARDTANH) return scaledConst(1, outFrac);
  return i64.MAX_VALUE;
}

/** The code of the real constant `c` (a small positive integer) in a format with `frac` fractional bits: floor(c·2^frac). */
function scaledConst(c: i64, frac: i32): i64 {
  if (frac >= 0) return frac >= 58 ? i64.MAX_VALUE >> 1 : c << frac;
  return -frac >= 63 ? 0 : c >> (-frac);
}

/** Smallest code of a stream format. */
export function formatMin(bits: i32, signed: bool): i64 {
  return signed ? -(<i64>1 << (bits - 1)) : 0;
}

/** Largest code of a stream format. */
export function formatMax(bits: i32, signed: bool): i64 {
  return signed ? (<i64>1 << (bits - 1)) - 1 : (<i64>1 << bits) - 1;
}

/** Two's complement wrap of `v` into `bits` bits (signed) or modulo 2^bits (unsigned). */
// @ts-ignore: decorator
@inline export function wrapTo(v: i64, bits: i32, signed: bool): i64 {
  if (signed) return (v << (64 - bits)) >> (64 - bits);
  return v & ((<i64>1 << bits) - 1);
}

/**
 * Exact re-quantisation of one accumulator: y = overflow(activation(round(acc >> s))) in the output format.
 * s > 0 is a rounding right shift, s <= 0 an exact left shift (values beyond i64 are tracked by sign, and
 * their low bits stay exact for wrap).
 */
export function requantize(
  acc: i64, s: i32, rounding: i32, actLo: i64, actHi: i64, overflow: i32, bits: i32, signed: bool,
): i64 {
  let v: i64;
  let big = false; // |exact value| >= 2^62: v holds its low 64 bits, `neg` its sign
  let neg = false;
  if (s > 0) {
    v = roundShiftRight(acc, s, rounding);
  } else if (s == 0) {
    v = acc;
  } else {
    const n = -s;
    if (acc == 0) {
      v = 0;
    } else if (n >= 62) {
      v = n >= 64 ? 0 : acc << n;
      big = true;
      neg = acc < 0;
    } else {
      v = acc << n;
      if ((v >> n) != acc || v > (i64.MAX_VALUE >> 1) || v < (i64.MIN_VALUE >> 1)) {
        big = true;
        neg = acc < 0;
      }
    }
  }
  // activation (clamps in output codes)
  if (big) {
    if (neg && actLo != i64.MIN_VALUE) { v = actLo; big = false; }
    else if (!neg && actHi != i64.MAX_VALUE) { v = actHi; big = false; }
  } else {
    if (v < actLo) v = actLo;
    if (v > actHi) v = actHi;
  }
  // overflow stage
  if (overflow == OVERFLOW_WRAP) return wrapTo(v, bits, signed);
  const lo = formatMin(bits, signed), hi = formatMax(bits, signed);
  if (big) return neg ? lo : hi;
  return v < lo ? lo : v > hi ? hi : v;
}

/** Overflow mode 'wrap' on four lanes: keep the low `wrapBits` bits (sign-extended when `signed`); 0 or 32 = no wrap. */
// @ts-ignore: decorator
@inline function wrapX4(v: v128, wrapBits: i32, signed: bool): v128 {
  if (wrapBits <= 0 || wrapBits >= 32) return v;
  if (signed) {
    const k = 32 - wrapBits;
    return i32x4.shr_s(i32x4.shl(v, k), k);
  }
  return v128.and(v, i32x4.splat((1 << wrapBits) - 1));
}

/**
 * SIMD re-quantisation of four i32 accumulators (lanes = four output channels) in f64 lanes: `scale01`/`scale23`
 * hold 2^-s per lane (exact powers of two), so acc·2^-s is exact; floor / floor(x + 1/2) / nearest (ties to even)
 * implement the three rounding modes exactly. `lo`/`hi` are the clamps (activation, and the format range when
 * saturating); `wrapBits` > 0 requests a two's complement wrap (signed) or a mask (unsigned) to that width.
 * Preconditions (checked by the caller's mode selection): |acc| < 2^31, 0 <= s <= 40 or the left-shifted
 * value fits in i32.
 */
// @ts-ignore: decorator
@inline export function requantX4(
  acc: v128, scale01: v128, scale23: v128, rounding: i32, lo: v128, hi: v128, wrapBits: i32, signed: bool,
): v128 {
  let a = f64x2.mul(f64x2.convert_low_i32x4_s(acc), scale01);
  let b = f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(acc, acc, 2, 3, 0, 1)), scale23);
  if (rounding == ROUND_FLOOR) {
    a = f64x2.floor(a);
    b = f64x2.floor(b);
  } else if (rounding == ROUND_HALF_UP) {
    const h = f64x2.splat(0.5);
    a = f64x2.floor(f64x2.add(a, h));
    b = f64x2.floor(f64x2.add(b, h));
  } else {
    a = f64x2.nearest(a);
    b = f64x2.nearest(b);
  }
  a = f64x2.min(f64x2.max(a, lo), hi);
  b = f64x2.min(f64x2.max(b, lo), hi);
  const r = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(a), i32x4.trunc_sat_f64x2_s_zero(b), 0, 1, 4, 5);
  return wrapX4(r, wrapBits, signed);
}

/** "No lower clamp" / "no upper clamp" activation bounds for `requantize`. */
export const i64MinNone: i64 = i64.MIN_VALUE;
export const i64MaxNone: i64 = i64.MAX_VALUE;

/**
 * Integer SIMD re-quantisation of four i32 accumulators sharing one shift `s` (per-layer pow2 scale):
 * s > 0 rounding arithmetic right shift, s <= 0 left shift; then clamp to [lo, hi] (activation, and the format
 * range when saturating) and the optional wrap. Preconditions (mode selection in src/dhm/wasm.ts): -16 <= s <= 30,
 * for half-up |acc| + 2^(s-1) < 2^31, for s < 0 |acc|·2^-s < 2^31. `half` = 2^(s-1), `mask` = 2^s - 1 per lane.
 */
// @ts-ignore: decorator
@inline export function requantIntX4(
  acc: v128, s: i32, rounding: i32, half: v128, mask: v128, lo: v128, hi: v128, wrapBits: i32, signed: bool,
): v128 {
  let q: v128;
  if (s > 0) {
    if (rounding == ROUND_HALF_UP) {
      q = i32x4.shr_s(i32x4.add(acc, half), s);
    } else {
      q = i32x4.shr_s(acc, s);
      if (rounding == ROUND_HALF_EVEN) {
        const r = v128.and(acc, mask);
        const odd = i32x4.ne(v128.and(q, i32x4.splat(1)), i32x4.splat(0));
        const up = v128.or(i32x4.gt_s(r, half), v128.and(i32x4.eq(r, half), odd));
        q = i32x4.sub(q, up); // up lanes are -1
      }
    }
  } else if (s < 0) {
    q = i32x4.shl(acc, -s);
  } else {
    q = acc;
  }
  q = i32x4.min_s(i32x4.max_s(q, lo), hi);
  return wrapX4(q, wrapBits, signed);
}
