/**
 * The 'wasm' head backend of the page: the Wasm emulator in a module worker (dist/workers/dhm.worker.js), driven
 * through comlink. Frames are transferred, not copied. Failure rules of www/managed-worker.ts: an abort terminates the
 * worker (the Wasm run cannot be interrupted) and rejects with an AbortError; any worker failure surfaces as a
 * WorkerBackendError carrying the worker's error name and message; after either, the next run starts a fresh worker. Outputs handed back with
 * `recycle` (at most 2 kept) travel back to the worker with a later frame, which writes its output into them instead of
 * allocating a fresh array (src/pipeline/output-pool.ts).
 */
import { transfer } from 'comlink';
import type { DhmWorkerApi } from '../workers/dhm.worker';
import type { DhmProgram } from '../src/dhm/program';
import type { FrameInput, HeadBackend, HeadResult } from '../src/backend/head-backend';
import { managedWorker } from './managed-worker';
import { OutputPool } from '../src/pipeline/output-pool';

/** A failure inside the emulator worker: `workerErrorName` is the error's name there (e.g. DhmEmulatorError). */
export class WorkerBackendError extends Error {
  override name = 'WorkerBackendError';
  constructor(readonly workerErrorName: string, message: string) {
    super(`emulator worker: ${workerErrorName}: ${message}`);
  }
}

/** Options: where the worker script and the emulator's .wasm are (defaults: as build.mjs lays out dist/). */
export interface WorkerBackendOptions {
  readonly workerUrl?: string | URL;
  readonly wasmUrl?: string | URL;
}

/** Create the worker-backed emulator backend. Workers are started lazily on the first run. */
export function workerBackend(opts: WorkerBackendOptions = {}): HeadBackend & { readonly workersStarted: number; warm(): Promise<void> } {
  const workerUrl = new URL(opts.workerUrl ?? 'workers/dhm.worker.js', location.href);
  const wasmUrl = new URL(opts.wasmUrl ?? 'dhm.wasm', location.href).href;
  const pool = new OutputPool();
  const w = managedWorker<DhmWorkerApi>({ url: workerUrl, name: 'dhm-emulator', setup: (api) => api.init(wasmUrl), errorType: WorkerBackendError });

  return {
    kind: 'wasm',
    description: 'Wasm emulator (Web Worker)',
    get workersStarted() {
      return w.started;
    },
    async run(program: DhmProgram, frame: FrameInput, signal?: AbortSignal): Promise<HeadResult> {
      const t0 = performance.now();
      return w.call(async (api) => {
        const out = program.streams[program.output]!;
        const data = frame.data.slice(); // our own copy, transferred to the worker
        const spare = pool.take(out.channels * out.height * out.width);
        const r = await api.run(program, transfer(data, spare ? [data.buffer, spare.buffer] : [data.buffer]), spare);
        return { output: r.output, shape: [out.channels, out.height, out.width], format: out.format, cycles: r.cycles, backend: 'wasm', wallMs: performance.now() - t0 };
      }, signal);
    },
    recycle(output: Int32Array): void {
      pool.put(output);
    },
    /** Start the worker and load the emulator's .wasm now (off the first run's critical path). */
    warm: () => w.call(async () => undefined),
    async dispose() {
      w.kill();
    },
  };
}
