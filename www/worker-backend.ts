/**
 * The 'wasm' head backend of the page: the Wasm emulator in a module worker (dist/workers/dhm.worker.js), driven
 * through comlink. Frames are transferred, not copied. An abort terminates the worker (the Wasm run cannot be
 * interrupted) and rejects with an AbortError; any worker failure surfaces as a WorkerBackendError carrying the
 * worker's error name and message; after either, the next run starts a fresh worker. Outputs handed back with
 * `recycle` (at most 2 kept) travel back to the worker with a later frame, which writes its output into them instead of
 * allocating a fresh array (src/pipeline/output-pool.ts).
 */
import { wrap, transfer, releaseProxy, type Remote } from 'comlink';
import type { DhmWorkerApi } from '../workers/dhm.worker';
import type { DhmProgram } from '../src/dhm/program';
import { abortError, type FrameInput, type HeadBackend, type HeadResult } from '../src/pipeline/backend';
import { OutputPool } from '../src/pipeline/output-pool';

/** A failure inside the emulator worker: `workerErrorName` is the error's name there (e.g. DhmEmulatorError). */
export class WorkerBackendError extends Error {
  override name = 'WorkerBackendError';
  constructor(readonly workerErrorName: string, message: string) {
    super(`emulator worker: ${workerErrorName}: ${message}`);
  }
}

interface Live {
  readonly worker: Worker;
  readonly api: Remote<DhmWorkerApi>;
  readonly ready: Promise<void>;
  /** Rejects when the worker crashes (uncaught error, failed module load). */
  readonly crashed: Promise<never>;
}

/** Options: where the worker script and the emulator's .wasm are (defaults: as build.mjs lays out dist/). */
export interface WorkerBackendOptions {
  readonly workerUrl?: string | URL;
  readonly wasmUrl?: string | URL;
}

/** Create the worker-backed emulator backend. Workers are started lazily on the first run. */
export function workerBackend(opts: WorkerBackendOptions = {}): HeadBackend & { readonly workersStarted: number } {
  const workerUrl = new URL(opts.workerUrl ?? 'workers/dhm.worker.js', location.href);
  const wasmUrl = new URL(opts.wasmUrl ?? 'dhm.wasm', location.href).href;
  let live: Live | null = null;
  let started = 0;
  const pool = new OutputPool();

  const start = (): Live => {
    const worker = new Worker(workerUrl, { type: 'module', name: 'dhm-emulator' });
    started++;
    const crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => reject(new WorkerBackendError('WorkerError', e.message || `worker script ${workerUrl} failed to load or crashed`)));
    });
    crashed.catch(() => undefined);
    const api = wrap<DhmWorkerApi>(worker);
    const ready = Promise.race([api.init(wasmUrl), crashed]);
    return { worker, api, ready, crashed };
  };

  const kill = (): void => {
    if (!live) return;
    live.api[releaseProxy]();
    live.worker.terminate();
    live = null;
  };

  return {
    kind: 'wasm',
    description: 'Wasm emulator (Web Worker)',
    get workersStarted() {
      return started;
    },
    async run(program: DhmProgram, frame: FrameInput, signal?: AbortSignal): Promise<HeadResult> {
      if (signal?.aborted) throw abortError(signal);
      const t0 = performance.now();
      live ??= start();
      const w = live;
      const data = frame.data.slice(); // our own copy, transferred to the worker
      let onAbort: (() => void) | null = null;
      const aborted = new Promise<never>((_, reject) => {
        if (!signal) return;
        onAbort = () => {
          if (live === w) kill();
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        await Promise.race([w.ready, aborted]);
        const out = program.streams[program.output]!;
        const spare = pool.take(out.channels * out.height * out.width);
        const r = await Promise.race([w.api.run(program, transfer(data, spare ? [data.buffer, spare.buffer] : [data.buffer]), spare), w.crashed, aborted]);
        return { output: r.output, shape: [out.channels, out.height, out.width], format: out.format, cycles: r.cycles, backend: 'wasm', wallMs: performance.now() - t0 };
      } catch (e) {
        const err = e as Error;
        if (err.name === 'AbortError') throw err;
        if (live === w) kill(); // never reuse a worker that failed
        if (err instanceof WorkerBackendError) throw err;
        throw new WorkerBackendError(err.name || 'Error', err.message);
      } finally {
        if (onAbort && signal) signal.removeEventListener('abort', onAbort);
      }
    },
    recycle(output: Int32Array): void {
      pool.put(output);
    },
    async dispose() {
      kill();
    },
  };
}
