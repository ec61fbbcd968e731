/**
 * The page's per-image pixel work in a module worker (dist/workers/transfer.worker.js): the transfer stage
 * (`PipelineEnv.transferFeatureMap`: `linkTransfer` of src/pipeline/transfer.ts, pack, unpack, dequantise a feature
 * map of up to ~0.8 M values) and the run's image preprocessing (`PipelineEnv.preprocess`), so the main thread only
 * copies arrays (the caller keeps its own) and receives the results. Failure rules of
 * www/managed-worker.ts: an abort terminates the worker; a failure is a TransferWorkerError with the worker-side
 * error's name and message (e.g. the RangeError naming a value outside the format); the next call starts a new worker.
 */
import { transfer } from 'comlink';
import type { TransferWorkerApi } from '../workers/transfer.worker';
import type { FixedFormat } from '../src/dhm/program';
import type { TailInput } from '../src/pipeline/transfer';
import type { RgbaImage, RgbFrame } from '../src/image/preprocess';
import type { Preprocessing } from '../src/models/registry';
import { managedWorker } from './managed-worker';

/** A failure inside the transfer worker: `workerErrorName` is the error's name there. */
export class TransferWorkerError extends Error {
  override name = 'TransferWorkerError';
  constructor(readonly workerErrorName: string, message: string) {
    super(`transfer worker: ${workerErrorName}: ${message}`);
  }
}

/** The worker-backed transfer stage, and `warm()` to start its worker ahead of the first run. */
export interface WorkerTransfer {
  transfer(output: Int32Array, shape: readonly [number, number, number], format: FixedFormat, signal?: AbortSignal): Promise<TailInput>;
  /** `toFrame` (resize, crop, 8-bit RGB) of `image` in the worker (`PipelineEnv.preprocess`). */
  frame(image: RgbaImage, preprocessing: Preprocessing, signal?: AbortSignal): Promise<RgbFrame>;
  warm(): Promise<void>;
  dispose(): void;
}

/** Create it; `workerUrl` defaults to dist/workers/transfer.worker.js relative to the page. */
export function workerTransfer(workerUrl: string | URL = 'workers/transfer.worker.js'): WorkerTransfer {
  const w = managedWorker<TransferWorkerApi>({ url: new URL(workerUrl, location.href), name: 'dhm-transfer', errorType: TransferWorkerError });
  return {
    transfer(output, shape, format, signal) {
      return w.call(async (api) => {
        const codes = output.slice(); // the caller keeps `output` (drawn, cross-checked, recycled)
        return api.transfer(transfer(codes, [codes.buffer]), [...shape] as [number, number, number], format);
      }, signal);
    },
    frame(image, preprocessing, signal) {
      return w.call((api) => api.frame({ width: image.width, height: image.height, data: image.data }, preprocessing), signal); // the pixels are copied (the page keeps its image)
    },
    warm: () => w.call(async () => undefined),
    dispose: () => w.kill(),
  };
}
