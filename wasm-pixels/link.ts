// The link's feature-map wire format (src/backend/featuremap.ts, docs/protocol.md §Feature-map payload) and the
// dequantisation after it (src/dhm/dequantize.ts): NCHW int32 codes → HWC stream of 1/2/4 little-endian bytes per
// value → NCHW int32 (sign-extended or masked) → float32 code·scale. Same values as the TypeScript functions.

/**
 * Pack `channels`·`hw` NCHW codes into the HWC byte stream (`bytesPerValue` 1, 2 or 4). Returns -1, or the NCHW index
 * of the first value (in stream order) outside [min, max] (nothing after it is written).
 */
export function pack(nchw: usize, channels: i32, hw: i32, bytesPerValue: i32, min: f64, max: f64, out: usize): i32 {
  let o = out;
  for (let pix = 0; pix < hw; pix++) {
    for (let c = 0; c < channels; c++) {
      const i = c * hw + pix;
      const v = load<i32>(nchw + (<usize>i << 2));
      if (<f64>v < min || <f64>v > max) return i;
      if (bytesPerValue == 1) store<u8>(o, <u8>v);
      else if (bytesPerValue == 2) store<u16>(o, <u16>v);
      else store<i32>(o, v);
      o += <usize>bytesPerValue;
    }
  }
  return -1;
}

/** Inverse of `pack`: the HWC stream → NCHW codes of a `bits`-wide format, sign-extended when `signed`. */
export function unpack(packed: usize, channels: i32, hw: i32, bytesPerValue: i32, bits: i32, signed: i32, out: usize): void {
  const shift = 32 - bits;
  const mask: i32 = bits >= 32 ? -1 : (1 << bits) - 1;
  let p = packed;
  for (let pix = 0; pix < hw; pix++) {
    for (let c = 0; c < channels; c++) {
      let raw: i32 = bytesPerValue == 1 ? <i32>load<u8>(p) : bytesPerValue == 2 ? <i32>load<u16>(p) : load<i32>(p);
      p += <usize>bytesPerValue;
      raw = signed ? (raw << shift) >> shift : raw & mask;
      store<i32>(out + (<usize>(c * hw + pix) << 2), raw);
    }
  }
}

/** `n` codes → float32 code·`scale` (scale = 2^−fractional bits, exact in float64). */
export function dequantize(codes: usize, n: i32, scale: f64, out: usize): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>(<f64>load<i32>(codes + (<usize>i << 2)) * scale));
}
