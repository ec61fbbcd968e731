/**
 * onnxruntime-web in a worker (workers/ort.worker.ts) behind an `Ort`-shaped facade, so src/pipeline/tail.ts drives it
 * unchanged: `InferenceSession.create` / `run` / `release`, `Tensor`, `env.logLevel`. Every ORT call — session creation
 * included — runs in the worker, for both EPs; the page's main thread only posts messages. ORT's placement log is
 * captured in the worker and written to this thread's `console` during `create`, where tail.ts reads it as usual.
 * A crashed worker fails every pending and later call with an OrtWorkerError naming the cause.
 */
import { transfer, wrap, type Remote } from 'comlink';
import type { InferenceSession } from 'onnxruntime-web';
import type { OrtWorkerApi, PlainTensor } from '../workers/ort.worker';
import type { Ort, TailEp } from '../src/pipeline/tail';
import { ORT_FILES, defaultOrtThreads } from './ort-loader';

/** A failure of the ORT worker itself (it could not start or crashed). */
export class OrtWorkerError extends Error {
  override name = 'OrtWorkerError';
}

/**
 * The worker the page's HTML (www/index.html) started before any module loaded: `ep` when it was started with
 * `?ep=` (its ORT build then starting at once with the default threads; workers/ort.worker.ts), null when it only
 * loaded; `error` set if it failed before anyone listened.
 */
export interface EarlyOrtWorker {
  readonly worker: Worker;
  readonly ep: TailEp | null;
  error?: string;
}

declare global {
  // eslint-disable-next-line no-var
  var __hybridDhmOrtWorker: EarlyOrtWorker | undefined;
}

/** The HTML's early worker if it fits `ep` and `threads` with the default URLs (taken once), else null (a misfit is ended). */
function takeEarlyWorker(ep: TailEp, threads: number, opts: OrtWorkerOptions): EarlyOrtWorker | null {
  const early = globalThis.__hybridDhmOrtWorker;
  if (!early) return null;
  globalThis.__hybridDhmOrtWorker = undefined;
  const fits = opts.workerUrl === undefined && opts.base === undefined && opts.wasmBinary === undefined
    && (early.ep === null || (early.ep === ep && threads === defaultOrtThreads()));
  if (!fits) early.worker.terminate();
  return fits ? early : null;
}

/** Options of {@link ortInWorker}. */
export interface OrtWorkerOptions {
  /** URL of dist/workers/ort.worker.js (default `workers/ort.worker.js` relative to the page). */
  readonly workerUrl?: string;
  /** URL of the folder holding the ORT files (default `ort/` relative to the page). */
  readonly base?: string;
  /** wasm threads (default {@link defaultOrtThreads}). */
  readonly threads?: number;
  /** The .wasm's bytes (the page prefetches them with progress); the worker starts ORT once they are there. Absent: ORT fetches it. */
  readonly wasmBinary?: Promise<Uint8Array | null>;
}

class PlainTensorFacade {
  constructor(readonly type: string, readonly data: Float32Array, readonly dims: readonly number[]) {}
  dispose(): void {}
}

/**
 * Start the worker — or take the one the page's HTML started (`__hybridDhmOrtWorker`) when it fits — (ORT is
 * initialised in it once `wasmBinary` resolves, at once when absent) and return the facade; `ready` resolves when ORT's
 * runtime is started in the worker (rejects if it could not be).
 */
export function ortInWorker(ep: TailEp, opts: OrtWorkerOptions = {}): Ort & { readonly ready: Promise<unknown> } {
  const threads = opts.threads ?? defaultOrtThreads();
  const early = takeEarlyWorker(ep, threads, opts);
  const worker = early?.worker ?? new Worker(new URL(opts.workerUrl ?? 'workers/ort.worker.js', location.href), { type: 'module', name: `onnxruntime-web (${ep})` });
  const api: Remote<OrtWorkerApi> = wrap<OrtWorkerApi>(worker);
  const failed = (message: string): OrtWorkerError => new OrtWorkerError(`the onnxruntime-web worker failed: ${message || 'it could not be loaded'}`);
  const crashed = new Promise<never>((_, reject) => {
    if (early?.error !== undefined) reject(failed(early.error));
    worker.addEventListener('error', (e) => reject(failed(e.message)));
  });
  crashed.catch(() => undefined);
  const guard = <T>(p: Promise<T>): Promise<T> => Promise.race([p, crashed]);
  const base = new URL(opts.base ?? 'ort/', location.href);
  const ready = Promise.resolve(opts.wasmBinary).then((bytes) => guard(api.init(
    new URL(ORT_FILES[ep].module, base).href, new URL(ORT_FILES[ep].wasm, base).href, threads, ep, bytes ? transfer(bytes, [bytes.buffer as ArrayBuffer]) : undefined)));
  ready.catch(() => undefined);
  const env = { logLevel: 'warning' as string, wasm: { numThreads: threads }, versions: {} };

  const InferenceSessionFacade = {
    async create(bytes: Uint8Array, options: InferenceSession.SessionOptions = {}) {
      await ready;
      const captureLog = env.logLevel === 'verbose';
      const s = await guard(api.create(bytes, options, env.logLevel, captureLog));
      for (const line of s.placementLines) console.log(line); // for withPlacementLog on this thread (src/ort/placement.ts)
      const runPlain = async (feeds: Record<string, PlainTensor>, runOptions: InferenceSession.RunOptions, transferInputs: boolean) => {
        const plain: Record<string, PlainTensor> = {};
        for (const [k, t] of Object.entries(feeds)) plain[k] = { type: t.type, data: t.data, dims: [...t.dims] };
        // a buffer is transferred only when the input views all of it (else the copy is what the caller expects)
        const buffers = transferInputs ? Object.values(plain).map((t) => t.data).filter((d) => d.byteOffset === 0 && d.byteLength === d.buffer.byteLength).map((d) => d.buffer as ArrayBuffer) : [];
        const out = await guard(api.run(s.id, buffers.length ? transfer(plain, buffers) : plain, runOptions));
        return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, new PlainTensorFacade(t.type, t.data, t.dims)]));
      };
      return {
        inputNames: s.inputNames,
        outputNames: s.outputNames,
        run(feeds: Record<string, PlainTensor>, runOptions: InferenceSession.RunOptions = {}) {
          return runPlain(feeds, runOptions, false);
        },
        /** `run`, with the inputs' buffers transferred to the worker (detached here) instead of copied: TransferringSession. */
        runTransferringInputs(feeds: Record<string, PlainTensor>, runOptions: InferenceSession.RunOptions = {}) {
          return runPlain(feeds, runOptions, true);
        },
        release: () => guard(api.release(s.id)),
      };
    },
  };
  return { InferenceSession: InferenceSessionFacade, Tensor: PlainTensorFacade, env, ready } as unknown as Ort & { readonly ready: Promise<unknown> };
}
