/**
 * The per-image pixel work of a run — `toFrame` (src/image/preprocess.ts: resize, crop, 8-bit RGB HWC) and the transfer
 * stage's `linkTransfer` (./transfer.ts: pack to the link's wire format, unpack, dequantise to float32 NCHW) — on the
 * Wasm kernels of wasm-pixels/ (dist/pixels.wasm, built by build.mjs). Same results as the TypeScript functions, byte
 * for byte and float for float, and the same errors (test/node/pixels-wasm.test.ts checks both on the sample images,
 * random images and random feature maps of every packing). Why: in a fresh worker the TypeScript loops run interpreted
 * until V8 tiers them up, ≈5x the CPU of compiled code, and at a cold start on a 2-core machine that CPU is taken from
 * onnxruntime-web's start (bench/coldstart.mjs). The page's transfer worker uses these; Node and tests use either.
 */
import { frameGeometry, type RgbaImage, type RgbFrame } from '../image/preprocess';
import type { Preprocessing } from '../models/registry';
import { bytesPerValue, packFeatureMap, packedBytes, packingFor } from '../backend/featuremap';
import { formatRange, fracBits, type FixedFormat } from '../dhm/program';
import type { TailInput } from './transfer';

/** The Wasm module's exports (wasm-pixels/index.ts); every pointer is a byte offset into `memory`. */
interface PixelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  rgbaToRgb(src: number, dst: number, pixels: number): void;
  resampleAxis(src: number, inLen: number, outLen: number, lines: number, channels: number, alongRows: number, inW: number, out: number, weights: number): void;
  cropRound(src: number, width: number, top: number, left: number, crop: number, dst: number): void;
  pack(nchw: number, channels: number, hw: number, bytesPerValue: number, min: number, max: number, out: number): number;
  unpack(packed: number, channels: number, hw: number, bytesPerValue: number, bits: number, signed: number, out: number): void;
  dequantize(codes: number, n: number, scale: number, out: number): void;
}

/** `toFrame` and `linkTransfer` on the Wasm kernels: same signatures, same results, same errors. */
export interface PixelKernels {
  /** `toFrame` of src/image/preprocess.ts: RGBA image → the recipe's 8-bit RGB frame (HWC, crop×crop×3 bytes). */
  toFrame(img: RgbaImage, p: Preprocessing): RgbFrame;
  /** `linkTransfer` of ./transfer.ts: NCHW codes in `format`, shape [C, H, W] → float32 NCHW tail input (a fresh array). */
  linkTransfer(output: Int32Array, shape: readonly [number, number, number], format: FixedFormat): TailInput;
}

/** Error for a module that is not wasm-pixels' (missing exports). */
export class PixelWasmError extends Error {
  override name = 'PixelWasmError';
}

const EXPORTS = ['memory', 'heapBase', 'rgbaToRgb', 'resampleAxis', 'cropRound', 'pack', 'unpack', 'dequantize'] as const;

/** Instantiate dist/pixels.wasm (its bytes or a compiled module); throws a PixelWasmError naming a missing export. */
export async function createPixelKernels(source: ArrayBuffer | Uint8Array | WebAssembly.Module): Promise<PixelKernels> {
  const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source as Uint8Array<ArrayBuffer>);
  const instance = await WebAssembly.instantiate(module, {});
  const x = instance.exports as unknown as PixelExports;
  const missing = EXPORTS.filter((k) => !(k in x));
  if (missing.length) throw new PixelWasmError(`pixels.wasm lacks ${missing.join(', ')}: not a build of wasm-pixels/ (run \`npm run build\`)`);
  const base = (x.heapBase() + 15) & ~15;
  /** Lay out buffers of the given byte sizes above the heap base (16-byte aligned), growing memory; their offsets. */
  const layout = (...sizes: number[]): number[] => {
    const at: number[] = [];
    let p = base;
    for (const s of sizes) {
      at.push(p);
      p = (p + s + 15) & ~15;
    }
    const have = x.memory.buffer.byteLength;
    if (p > have) x.memory.grow(Math.ceil((p - have) / 65536));
    return at;
  };
  return {
    toFrame(img, p) {
      const { width: w, height: h } = img;
      const { rw, rh, crop, top, left } = frameGeometry(img, p);
      // taps of one output: 2·ceil(support) + 1 at most, support = max(1, inLen / outLen) of either pass
      const taps = 2 * Math.ceil(Math.max(1, w / rw, h / rh)) + 3;
      const [rgba, rgb, horiz, both, out, weights] = layout(w * h * 4, w * h * 12, h * rw * 12, rh * rw * 12, crop * crop * 3, taps * 8);
      new Uint8Array(x.memory.buffer, rgba, w * h * 4).set(img.data);
      x.rgbaToRgb(rgba!, rgb!, w * h);
      x.resampleAxis(rgb!, w, rw, h, 3, 0, w, horiz!, weights!); // h × rw
      x.resampleAxis(horiz!, h, rh, rw, 3, 1, rw, both!, weights!); // rh × rw
      x.cropRound(both!, rw, top, left, crop, out!);
      return { width: crop, height: crop, data: new Uint8Array(x.memory.buffer, out, crop * crop * 3).slice() };
    },
    linkTransfer(output, shape, format) {
      const [c, h, w] = shape;
      const n = c * h * w;
      const bpv = bytesPerValue(packingFor(format)); // throws the RangeError of a format outside 1..32 bits
      if (output.length !== n) {
        packFeatureMap(output, c, h, w, format); // throws the length error, as linkTransfer does
        throw new PixelWasmError(`feature map has ${output.length} values, expected ${n}`);
      }
      const wireBytes = packedBytes(c, h, w, format);
      const [codes, wire, received, floats] = layout(n * 4, wireBytes, n * 4, n * 4);
      new Int32Array(x.memory.buffer, codes, n).set(output);
      new Uint8Array(x.memory.buffer, wire, wireBytes).fill(0); // the zero padding to a whole word
      const { min, max } = formatRange(format);
      const bad = x.pack(codes!, c, h * w, bpv, min, max, wire!);
      if (bad >= 0) {
        packFeatureMap(output, c, h, w, format); // throws the RangeError naming the value (c, y, x), as linkTransfer does
        throw new PixelWasmError(`pixels.wasm found value ${output[bad]} at NCHW index ${bad} outside [${min}, ${max}], which the TypeScript packer accepts`);
      }
      x.unpack(wire!, c, h * w, bpv, format.bits, format.signed ? 1 : 0, received!);
      x.dequantize(received!, n, 2 ** -fracBits(format), floats!);
      return { data: new Float32Array(x.memory.buffer, floats, n).slice(), dims: [1, c, h, w], wireBytes };
    },
  };
}
