/**
 * Module worker running the pipeline's per-image pixel work off the page's main thread, exposed with comlink: the run's
 * image preprocessing (`toFrame`) and the transfer stage (`linkTransfer` of src/pipeline/transfer.ts: pack the head's
 * feature map into the link's wire format, unpack it, dequantise to float32). Inputs arrive as copies (transferred
 * where the page made the copy); results go back transferred.
 */
import { expose, transfer } from 'comlink';
import { linkTransfer, type TailInput } from '../src/pipeline/transfer';
import type { FixedFormat } from '../src/dhm/program';
import { toFrame, type RgbaImage, type RgbFrame } from '../src/image/preprocess';
import type { Preprocessing } from '../src/models/registry';

const api = {
  /** The transfer stage for `output` (NCHW codes in `format`, shape [C, H, W]). */
  transfer(output: Int32Array, shape: [number, number, number], format: FixedFormat): TailInput {
    const r = linkTransfer(output, shape, format);
    return transfer(r, [r.data.buffer as ArrayBuffer]);
  },
  /** The run's image preprocessing (`toFrame` of src/image/preprocess.ts: resize, crop, 8-bit RGB HWC). */
  frame(image: RgbaImage, preprocessing: Preprocessing): RgbFrame {
    const f = toFrame(image, preprocessing);
    return transfer(f, [f.data.buffer as ArrayBuffer]);
  },
};

/** The comlink API of this worker (for `wrap<TransferWorkerApi>(worker)`). */
export type TransferWorkerApi = typeof api;

expose(api);
