/**
 * Canonical signed digit (CSD, non-adjacent form) recoding of integer constants and the adder cost of a
 * constant multiplier built from it. A product `x·w` with CSD digits d_i ∈ {−1, 0, +1} is Σ d_i·(x << i):
 * shifts are wiring, so the cost is (non-zero digits − 1) adders/subtractors. Zero and ±powers of two cost no
 * adder (a negation is absorbed by the consuming adder tree, which subtracts instead of adding).
 */

/** CSD digits of `n`, least significant first, each −1, 0 or +1; no two adjacent digits are non-zero. */
export function csdDigits(n: number): Int8Array {
  if (!Number.isSafeInteger(n)) throw new RangeError(`CSD recoding needs a safe integer, got ${n}`);
  const digits: number[] = [];
  // Work on a BigInt so |n| up to 2^53 never loses bits.
  let v = BigInt(n);
  while (v !== 0n) {
    if ((v & 1n) === 0n) {
      digits.push(0);
    } else {
      // v mod 4 == 1 → digit +1; v mod 4 == 3 → digit −1 (two's-complement-safe on BigInt).
      const m4 = ((v % 4n) + 4n) % 4n;
      const d = m4 === 1n ? 1 : -1;
      digits.push(d);
      v -= BigInt(d);
    }
    v >>= 1n;
  }
  return Int8Array.from(digits);
}

/** Number of non-zero CSD digits of `n` (0 for 0); equals that of −n. Fast path without allocation. */
export function csdNonZero(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`CSD recoding needs a safe integer, got ${n}`);
  let a = Math.abs(n);
  let c = 0;
  while (a > 0) {
    if (a % 2 === 1) {
      c++;
      a = a % 4 === 3 ? a + 1 : a - 1; // digit −1 or +1
    }
    a /= 2;
  }
  return c;
}

/** How a constant multiplier is built in logic (closed union). */
export type ConstMultKind = 'zero' | 'shift' | 'adders';

/** Classify a constant weight: `zero` (free, no product), `shift` (±2^k: wiring), `adders` (CSD adder network). */
export function constMultKind(w: number): ConstMultKind {
  const nz = csdNonZero(w);
  return nz === 0 ? 'zero' : nz === 1 ? 'shift' : 'adders';
}

/** Adders (or subtractors) of a constant multiplier by `w`: max(0, nonZeroCsdDigits − 1). */
export function csdAdders(w: number): number {
  const nz = csdNonZero(w);
  return nz <= 1 ? 0 : nz - 1;
}

/** Value of CSD digits (inverse of {@link csdDigits}), for checks. */
export function csdValue(digits: ArrayLike<number>): number {
  let v = 0;
  for (let i = digits.length - 1; i >= 0; i--) v = v * 2 + digits[i]!;
  return v;
}

/** Bit length of |n| (0 for 0): the left-shift span a product by n adds to its input width. */
export function bitLength(n: number): number {
  let a = Math.abs(n);
  let b = 0;
  while (a >= 1) {
    a = Math.floor(a / 2);
    b++;
  }
  return b;
}
