/** Small helpers for writing Verilog-2005 text: sized literals, widths, identifiers. */

/** ceil(log2(n)) for n ≥ 1 (0 for n ≤ 1). */
export function clog2(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

/** Bits of an unsigned index that counts 0..n−1 (at least 1). */
export function indexBits(n: number): number {
  return Math.max(1, clog2(n));
}

/**
 * A sized signed literal of `width` bits holding `value` (two's complement), written in hex so that a negative value
 * never goes through unary minus (`-8'sd128` is +128 in an 8-bit context: rtl-recipes.md pitfall).
 */
export function signedLiteral(value: number | bigint, width: number): string {
  const v = BigInt(value);
  const m = 1n << BigInt(width);
  const u = ((v % m) + m) % m;
  return `${width}'sh${u.toString(16)}`;
}

/** A Verilog identifier made from free text (layer names): letters, digits and underscores only. */
export function identifier(text: string): string {
  const s = text.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(s) ? s : `_${s}`;
}

/** A Verilog comment line that cannot close or break out of the comment. */
export function comment(text: string): string {
  return `// ${text.replace(/[\r\n]+/g, ' ').replace(/\*\//g, '* /')}`;
}

/** Canonical signed digits (non-adjacent form) of an integer: the list of (power, ±1) pairs, lowest power first. */
export function csdDigits(value: number): { readonly shift: number; readonly sign: 1 | -1 }[] {
  const out: { shift: number; sign: 1 | -1 }[] = [];
  let v = BigInt(value);
  let k = 0;
  while (v !== 0n) {
    if (v & 1n) {
      const d = 2n - (((v % 4n) + 4n) % 4n); // +1 or −1
      out.push({ shift: k, sign: d === 1n ? 1 : -1 });
      v -= d;
    }
    v >>= 1n;
    k++;
  }
  return out;
}
