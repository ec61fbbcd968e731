/**
 * Image preprocessing shared by page, workers, CLI and tests, so every platform feeds the models the same pixels.
 * Decoded RGBA → (shorter side resized to 256 with an antialiased triangle filter, PIL-style) → centre crop →
 * the 8-bit RGB camera frame the DHM head consumes (HWC, row-major) → the float tensor the full model wants.
 */
import type { Preprocessing, TensorLayout } from '../models/registry';

/** Decoded pixels: RGBA, 8 bits per channel, row-major, `width·height·4` bytes. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** An 8-bit RGB frame as a camera streams it: HWC, row-major, `size·size·3` bytes, values 0..255. */
export interface RgbFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Error for an image that cannot be used (zero-sized, wrong buffer length). */
export class ImageError extends Error {
  override name = 'ImageError';
}

/** Crop size (square) and the size the shorter side is first resized to, per recipe. */
export function recipeGeometry(p: Preprocessing): { readonly resize: number; readonly crop: number } {
  return p === 'caffe227' ? { resize: 256, crop: 227 } : { resize: 256, crop: 224 };
}

/** Per-channel normalisation in R,G,B order: x_float = (pixel·scale − mean) / std, plus channel order and layout. */
export interface Normalisation {
  readonly scale: number;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
  /** Channel order the model expects. */
  readonly order: 'RGB' | 'BGR';
  readonly layout: TensorLayout;
}

/** The float normalisation of each recipe (SOURCES.md). Means/stds are indexed R,G,B. */
export function recipeNormalisation(p: Preprocessing): Normalisation {
  switch (p) {
    case 'torch224':
      return { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], order: 'RGB', layout: 'NCHW' };
    case 'caffe227':
      // caffe BGR means (104,117,123) written here in R,G,B order.
      return { scale: 1, mean: [123, 117, 104], std: [1, 1, 1], order: 'BGR', layout: 'NCHW' };
    case 'nhwcpm1':
      return { scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1], order: 'RGB', layout: 'NHWC' };
  }
}

/** Separable resampling with a triangle (bilinear) filter widened by the downscale factor (antialiasing, as PIL does). */
function resampleAxis(src: Float32Array, inLen: number, outLen: number, lines: number, channels: number, alongRows: boolean,
  inW: number): Float32Array {
  const scale = inLen / outLen;
  const support = Math.max(1, scale);
  const out = new Float32Array(alongRows ? outLen * lines * channels : lines * outLen * channels);
  const outW = alongRows ? lines : outLen;
  for (let o = 0; o < outLen; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inLen, Math.ceil(center + support));
    const weights: number[] = [];
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const w = Math.max(0, 1 - Math.abs((i + 0.5 - center) / support));
      weights.push(w);
      sum += w;
    }
    for (let l = 0; l < lines; l++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let i = lo; i < hi; i++) {
          const idx = alongRows ? (i * inW + l) * channels + c : (l * inW + i) * channels + c;
          acc += src[idx]! * weights[i - lo]!;
        }
        const oidx = alongRows ? (o * outW + l) * channels + c : (l * outW + o) * channels + c;
        out[oidx] = sum > 0 ? acc / sum : 0;
      }
    }
  }
  return out;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  return v - f === 0.5 ? (f % 2 === 0 ? f : f + 1) : Math.round(v);
}

/** Where `toFrame` resizes and crops an image: resized size rw×rh (pixels), crop size, crop origin (top, left). */
export interface FrameGeometry {
  readonly rw: number;
  readonly rh: number;
  readonly crop: number;
  readonly top: number;
  readonly left: number;
}

/**
 * The geometry of `toFrame` for an image and recipe (shared with the Wasm kernels of src/pipeline/pixels-wasm.ts).
 * Throws an ImageError for an image without pixels, a buffer of the wrong length, or one too small after the resize.
 */
export function frameGeometry(img: RgbaImage, p: Preprocessing): FrameGeometry {
  const { width: w, height: h } = img;
  if (!(w > 0 && h > 0)) throw new ImageError(`image has no pixels (${w}x${h})`);
  if (img.data.length !== w * h * 4) throw new ImageError(`RGBA buffer has ${img.data.length} bytes, expected ${w * h * 4} for ${w}x${h}`);
  const { resize, crop } = recipeGeometry(p);
  // torchvision Resize(256): the long side is truncated, int(256 · long / short).
  const rw = w <= h ? resize : Math.floor((resize * w) / h);
  const rh = w <= h ? Math.floor((resize * h) / w) : resize;
  if (rw < crop || rh < crop) throw new ImageError(`image ${w}x${h} too small after resize (${rw}x${rh} < ${crop})`);
  // torchvision CenterCrop: int(round((size − crop) / 2)) with Python's round (ties to even).
  return { rw, rh, crop, top: roundHalfEven((rh - crop) / 2), left: roundHalfEven((rw - crop) / 2) };
}

/**
 * Resize the shorter side to the recipe's size, centre-crop to a square, round to 8 bits: the RGB frame (HWC).
 * Alpha is ignored (composited on nothing). Deterministic across platforms (plain float64 arithmetic).
 */
export function toFrame(img: RgbaImage, p: Preprocessing): RgbFrame {
  const { width: w, height: h } = img;
  const { rw, rh, crop, top, left } = frameGeometry(img, p);
  const rgb = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    rgb[i * 3] = img.data[i * 4]!;
    rgb[i * 3 + 1] = img.data[i * 4 + 1]!;
    rgb[i * 3 + 2] = img.data[i * 4 + 2]!;
  }
  const horiz = resampleAxis(rgb, w, rw, h, 3, false, w); // h × rw
  const both = resampleAxis(horiz, h, rh, rw, 3, true, rw); // rh × rw
  const data = new Uint8Array(crop * crop * 3);
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      for (let c = 0; c < 3; c++) {
        const v = both[((y + top) * rw + (x + left)) * 3 + c]!;
        data[(y * crop + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v)));
      }
    }
  }
  return { width: crop, height: crop, data };
}

/** The float input tensor of the full model for a frame: NCHW (or NHWC for nhwcpm1), channel order per recipe. */
export function frameToTensor(frame: RgbFrame, p: Preprocessing): { readonly data: Float32Array; readonly dims: readonly number[] } {
  const n = recipeNormalisation(p);
  const { width: w, height: h } = frame;
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let oc = 0; oc < 3; oc++) {
        const c = n.order === 'BGR' ? 2 - oc : oc; // source RGB channel for model channel oc
        const v = (frame.data[(y * w + x) * 3 + c]! * n.scale - n.mean[c]!) / n.std[c]!;
        if (n.layout === 'NCHW') out[oc * h * w + y * w + x] = v;
        else out[(y * w + x) * 3 + oc] = v;
      }
    }
  }
  return { data: out, dims: n.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3] };
}
