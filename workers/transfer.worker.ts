/**
 * Module worker running the pipeline's transfer stage (`linkTransfer` of src/pipeline/transfer.ts: pack the head's
 * feature map into the link's wire format, unpack it, dequantise to float32) off the page's main thread, exposed with
 * comlink. The codes arrive transferred (the page sends a copy); the floats go back transferred.
 */
import { expose, transfer } from 'comlink';
import { linkTransfer, type TailInput } from '../src/pipeline/transfer';
import type { FixedFormat } from '../src/dhm/program';

const api = {
  /** The transfer stage for `output` (NCHW codes in `format`, shape [C, H, W]). */
  transfer(output: Int32Array, shape: [number, number, number], format: FixedFormat): TailInput {
    const r = linkTransfer(output, shape, format);
    return transfer(r, [r.data.buffer as ArrayBuffer]);
  },
};

/** The comlink API of this worker (for `wrap<TransferWorkerApi>(worker)`). */
export type TransferWorkerApi = typeof api;

expose(api);
