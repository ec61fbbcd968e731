/**
 * One comlink module worker, started on first use and kept, with the failure rules both page workers share (the
 * emulator, www/worker-backend.ts, and the compiler, www/compile-worker.ts): a call raced against the worker crashing
 * and against the caller's AbortSignal; an abort terminates the worker (Wasm and the compiler cannot be interrupted)
 * and rejects with an AbortError; any failure becomes the caller's typed error and the worker is never reused after
 * it; the next call starts a fresh worker.
 */
import { wrap, releaseProxy, type Remote } from 'comlink';
import { abortError } from '../src/backend/abort';

/** A lazily started worker and a guarded way to call it. */
export interface ManagedWorker<Api> {
  /**
   * Call the worker: `setup` runs once per fresh worker (e.g. loading a .wasm), then `fn`. Rejects with an AbortError
   * when `signal` aborts, else with an `errorType` error for any failure (crash, load error, thrown error).
   */
  call<T>(fn: (api: Remote<Api>) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Workers started so far (a failed or aborted call makes the next one start a new worker). */
  readonly started: number;
  /** Terminate the worker now. */
  kill(): void;
}

/** Options: the script URL, a worker name for dev tools, one-time setup, and how failures become typed errors. */
export interface ManagedWorkerOptions<Api> {
  readonly url: URL;
  readonly name: string;
  readonly setup?: (api: Remote<Api>) => Promise<void>;
  /** The typed error for failures (constructed with the worker-side error's name and message). */
  readonly errorType: new (workerErrorName: string, message: string) => Error;
}

/** Create a managed worker (nothing starts until the first call). */
export function managedWorker<Api>(opts: ManagedWorkerOptions<Api>): ManagedWorker<Api> {
  type Live = { worker: Worker; api: Remote<Api>; ready: Promise<void>; crashed: Promise<never> };
  let live: Live | null = null;
  let started = 0;
  const kill = (): void => {
    if (!live) return;
    live.api[releaseProxy]();
    live.worker.terminate();
    live = null;
  };
  const start = (): Live => {
    const worker = new Worker(opts.url, { type: 'module', name: opts.name });
    started++;
    const crashed = new Promise<never>((_, reject) => {
      worker.addEventListener('error', (e) => reject(new opts.errorType('WorkerError', e.message || `worker script ${opts.url.href} failed to load or crashed`)));
    });
    crashed.catch(() => undefined);
    const api = wrap<Api>(worker);
    const ready = opts.setup ? Promise.race([opts.setup(api), crashed]) : Promise.resolve();
    ready.catch(() => undefined);
    return { worker, api, ready, crashed };
  };
  return {
    get started() {
      return started;
    },
    kill,
    async call<T>(fn: (api: Remote<Api>) => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) throw abortError(signal);
      live ??= start();
      const w = live;
      let onAbort: (() => void) | null = null;
      const aborted = new Promise<never>((_, reject) => {
        if (!signal) return;
        onAbort = () => {
          if (live === w) kill();
          reject(abortError(signal));
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      aborted.catch(() => undefined);
      try {
        await Promise.race([w.ready, aborted]);
        return await Promise.race([fn(w.api), w.crashed, aborted]);
      } catch (e) {
        const err = e as Error;
        if (err.name === 'AbortError') throw err;
        if (live === w) kill(); // never reuse a worker that failed
        if ((e as object) instanceof opts.errorType) throw err;
        throw new opts.errorType(err.name || 'Error', err.message);
      } finally {
        if (onAbort && signal) signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
