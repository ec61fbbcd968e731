/**
 * Module worker running the pipeline's per-image pixel work off the page's main thread, exposed with comlink: the run's
 * image preprocessing (`toFrame`) and the transfer stage (`linkTransfer` of src/pipeline/transfer.ts: pack the head's
 * feature map into the link's wire format, unpack it, dequantise to float32). Both run on the Wasm kernels of
 * dist/pixels.wasm (src/pipeline/pixels-wasm.ts: the same bytes and floats as the TypeScript functions, compiled from
 * the first call on); the module is fetched and compiled as the worker starts. A missing or broken module fails the
 * call with an error naming the file (no silent fallback). Inputs arrive as copies (transferred where the page made the
 * copy); results go back transferred.
 */
import { expose, transfer } from 'comlink';
import { createPixelKernels, type PixelKernels } from '../src/pipeline/pixels-wasm';
import { distWasmUrl, fetchDistWasm } from './dist-wasm';
import type { TailInput } from '../src/pipeline/transfer';
import type { FixedFormat } from '../src/dhm/program';
import type { RgbaImage, RgbFrame } from '../src/image/preprocess';
import type { Preprocessing } from '../src/models/registry';

const kernels: Promise<PixelKernels> = (async () => {
  const bytes = await fetchDistWasm('transfer worker', 'pixels.wasm');
  try {
    return await createPixelKernels(bytes);
  } catch (e) {
    throw new Error(`transfer worker: ${distWasmUrl('pixels.wasm').href}: ${(e as Error).message}`);
  }
})();
kernels.catch(() => undefined); // reported by the first call

const api = {
  /** The transfer stage for `output` (NCHW codes in `format`, shape [C, H, W]). */
  async transfer(output: Int32Array, shape: [number, number, number], format: FixedFormat): Promise<TailInput> {
    const r = (await kernels).linkTransfer(output, shape, format);
    return transfer(r, [r.data.buffer as ArrayBuffer]);
  },
  /** The run's image preprocessing (`toFrame` of src/image/preprocess.ts: resize, crop, 8-bit RGB HWC). */
  async frame(image: RgbaImage, preprocessing: Preprocessing): Promise<RgbFrame> {
    const f = (await kernels).toFrame(image, preprocessing);
    return transfer(f, [f.data.buffer as ArrayBuffer]);
  },
};

/** The comlink API of this worker (for `wrap<TransferWorkerApi>(worker)`). */
export type TransferWorkerApi = typeof api;

expose(api);
