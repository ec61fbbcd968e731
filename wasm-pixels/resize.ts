// Image preprocessing kernels (src/image/preprocess.ts `toFrame`, the same arithmetic in the same order, so the
// frames are bit-identical): RGBA bytes → float32 RGB, separable triangle-filter resampling along one axis
// (antialiased, PIL-style), centre crop rounded to 8 bits. Buffers are placed by the wrapper (src/pipeline/pixels-wasm.ts).

/** RGBA bytes (`pixels`·4) → float32 RGB (`pixels`·3), alpha dropped. */
export function rgbaToRgb(src: usize, dst: usize, pixels: i32): void {
  for (let i = 0; i < pixels; i++) {
    const s = src + (<usize>i << 2);
    const d = dst + <usize>i * 12;
    store<f32>(d, <f32>load<u8>(s));
    store<f32>(d + 4, <f32>load<u8>(s + 1));
    store<f32>(d + 8, <f32>load<u8>(s + 2));
  }
}

/**
 * One resampling pass (preprocess.ts `resampleAxis`): `inLen` → `outLen` samples along columns (alongRows = 0) or rows
 * (alongRows = 1) of a float32 HWC image `inW` wide with `lines` lines across the axis and `channels` channels.
 * `weights` is scratch for one output's taps (f64, at most `2·ceil(max(1, inLen/outLen)) + 2` of them).
 */
export function resampleAxis(src: usize, inLen: i32, outLen: i32, lines: i32, channels: i32, alongRows: i32, inW: i32, out: usize, weights: usize): void {
  const scale: f64 = <f64>inLen / <f64>outLen;
  const support: f64 = Math.max(1, scale);
  const outW = alongRows ? lines : outLen;
  for (let o = 0; o < outLen; o++) {
    const center: f64 = (<f64>o + 0.5) * scale;
    const lo = <i32>Math.max(0, Math.floor(center - support));
    const hi = <i32>Math.min(<f64>inLen, Math.ceil(center + support));
    let sum: f64 = 0;
    for (let i = lo; i < hi; i++) {
      const w: f64 = Math.max(0, 1 - Math.abs((<f64>i + 0.5 - center) / support));
      store<f64>(weights + (<usize>(i - lo) << 3), w);
      sum += w;
    }
    for (let l = 0; l < lines; l++) {
      for (let c = 0; c < channels; c++) {
        let acc: f64 = 0;
        for (let i = lo; i < hi; i++) {
          const idx = alongRows ? (i * inW + l) * channels + c : (l * inW + i) * channels + c;
          acc += <f64>load<f32>(src + (<usize>idx << 2)) * load<f64>(weights + (<usize>(i - lo) << 3));
        }
        const oidx = alongRows ? (o * outW + l) * channels + c : (l * outW + o) * channels + c;
        store<f32>(out + (<usize>oidx << 2), <f32>(sum > 0 ? acc / sum : 0));
      }
    }
  }
}

/**
 * Centre crop `crop`×`crop` at (top, left) of a float32 RGB image `width` wide, each value rounded as JavaScript's
 * Math.round (halves up; the values are ≥ 0 and below 2^24, so floor(v + 0.5) is exact) and clamped to 0..255.
 */
export function cropRound(src: usize, width: i32, top: i32, left: i32, crop: i32, dst: usize): void {
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      for (let c = 0; c < 3; c++) {
        const v: f64 = <f64>load<f32>(src + (<usize>(((y + top) * width + (x + left)) * 3 + c) << 2));
        const r: f64 = Math.min(255, Math.max(0, Math.floor(v + 0.5)));
        store<u8>(dst + <usize>((y * crop + x) * 3 + c), <u8><i32>r);
      }
    }
  }
}
