/**
 * SHA-256 (FIPS 180-4) in plain TypeScript: synchronous and environment-neutral (no `crypto.subtle`), so the
 * same code hashes programs and feature maps in the page, in workers, in Node and in the board simulator.
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Incremental SHA-256: `update()` any number of times, then `digest()` once. */
export class Sha256 {
  private readonly h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  private readonly block = new Uint8Array(64);
  private readonly w = new Uint32Array(64);
  private blockLen = 0;
  private totalBytes = 0;
  private done = false;

  /** Feed bytes. */
  update(bytes: Uint8Array): this {
    if (this.done) throw new Error('Sha256: update() after digest()');
    let i = 0;
    this.totalBytes += bytes.length;
    while (i < bytes.length) {
      const n = Math.min(64 - this.blockLen, bytes.length - i);
      this.block.set(bytes.subarray(i, i + n), this.blockLen);
      this.blockLen += n;
      i += n;
      if (this.blockLen === 64) {
        this.compress();
        this.blockLen = 0;
      }
    }
    return this;
  }

  /** Finish and return the 32-byte digest. */
  digest(): Uint8Array {
    if (this.done) throw new Error('Sha256: digest() called twice');
    const bitLen = this.totalBytes * 8;
    this.block[this.blockLen++] = 0x80;
    if (this.blockLen > 56) {
      this.block.fill(0, this.blockLen);
      this.compress();
      this.blockLen = 0;
    }
    this.block.fill(0, this.blockLen, 56);
    const hi = Math.floor(bitLen / 2 ** 32);
    const dv = new DataView(this.block.buffer);
    dv.setUint32(56, hi >>> 0, false);
    dv.setUint32(60, bitLen >>> 0, false);
    this.compress();
    this.done = true;
    const out = new Uint8Array(32);
    const odv = new DataView(out.buffer);
    for (let k = 0; k < 8; k++) odv.setUint32(k * 4, this.h[k]!, false);
    return out;
  }

  private compress(): void {
    const w = this.w;
    const b = this.block;
    for (let t = 0; t < 16; t++) w[t] = (b[t * 4]! << 24) | (b[t * 4 + 1]! << 16) | (b[t * 4 + 2]! << 8) | b[t * 4 + 3]!;
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15]!;
      const y = w[t - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
    }
    let a = this.h[0]!, bb = this.h[1]!, c = this.h[2]!, d = this.h[3]!, e = this.h[4]!, f = this.h[5]!, g = this.h[6]!, h = this.h[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t]! + w[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
    }
    this.h[0] = (this.h[0]! + a) | 0; this.h[1] = (this.h[1]! + bb) | 0; this.h[2] = (this.h[2]! + c) | 0; this.h[3] = (this.h[3]! + d) | 0;
    this.h[4] = (this.h[4]! + e) | 0; this.h[5] = (this.h[5]! + f) | 0; this.h[6] = (this.h[6]! + g) | 0; this.h[7] = (this.h[7]! + h) | 0;
  }
}

/** SHA-256 digest (32 bytes) of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Sha256().update(bytes).digest();
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * SHA-256 (hex) of an Int32Array as little-endian int32 values — the project's feature-map checksum
 * (`hybrid-dhm emulate --json`'s `sha256`, golden vectors' `expected.sha256`). Layout is whatever the caller's is (NCHW).
 */
export function sha256Int32LE(values: Int32Array): string {
  return toHex(sha256(int32LEBytes(values)));
}

/** The bytes of `values` as little-endian int32, in array order (the `.i32` files and the checksum above hash these). */
export function int32LEBytes(values: Int32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) dv.setInt32(i * 4, values[i]!, true);
  return bytes;
}
