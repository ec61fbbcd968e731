/**
 * onnxruntime-web in a module worker (both EPs: WebGPU works in workers), so that no ORT call — session creation
 * included, which ORT's own proxy option cannot move off the main thread for the WebGPU EP — blocks the page.
 * Thin comlink adapter, driven by www/ort-worker.ts (which gives the pipeline an `Ort`-shaped facade):
 * `init` imports the ORT build by URL, configures it and starts its runtime (its .wasm streamed and compiled, the
 * runtime and EP initialised); `create` makes a session and returns ORT's placement log lines (captured here, where ORT
 * writes them) for the page to parse; `run` takes and returns plain {type, data, dims}.
 * Started as `ort.worker.js?ep=wasm|webgpu` (the page's HTML does, when the URL names the tail's EP), the worker starts
 * that build at once with ORT's files beside it (`../ort/`) and the default threads, before any message: a later
 * `init` with the same arguments takes that start.
 */
import { expose, transfer } from 'comlink';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { Ort } from '../src/pipeline/tail';
import { withPlacementLog } from '../src/ort/placement';
import { ORT_FILES, defaultOrtThreads } from '../src/ort/builds';

/** A tensor as it crosses the worker boundary. */
export interface PlainTensor {
  readonly type: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

let ort: Ort | null = null;
const sessions = new Map<number, InferenceSession>();
let nextId = 1;

function need(): Ort {
  if (!ort) throw new Error('onnxruntime-web worker: init was not called');
  return ort;
}

/** Import the ORT module at `moduleUrl`, configure its wasm (path or bytes, threads; no proxy: this is the worker) and start its runtime. */
async function start(moduleUrl: string, wasmUrl: string, threads: number, ep: 'webgpu' | 'wasm', wasmBinary?: Uint8Array): Promise<string> {
  const o = (await import(/* @vite-ignore */ moduleUrl)) as Ort;
  o.env.wasm.wasmPaths = { wasm: wasmUrl };
  if (wasmBinary) o.env.wasm.wasmBinary = wasmBinary;
  o.env.wasm.numThreads = threads;
  o.env.wasm.proxy = false;
  o.env.logLevel = 'warning';
  ort = o;
  // Start ORT's runtime now (stream and compile its .wasm, initialise the runtime and the EP — for WebGPU its device)
  // without a session: ORT initialises its backend before it reads the model, so an empty model starts the runtime and
  // fails at once, and the tail's session, the first real one, can be created as soon as its bytes are there.
  // Inside withPlacementLog: it hooks `console` for good before ORT's runtime binds it (src/ort/placement.ts), so the
  // placement log of every later session can be captured.
  try {
    await withPlacementLog(() => o.InferenceSession.create(new Uint8Array(0), { executionProviders: [ep] }));
  } catch {
    // expected (no model); a runtime that could not start (e.g. no WebGPU adapter) is reported by the tail's session
  }
  return o.env.versions?.web ?? 'unknown';
}

/** The start made from this worker's URL (`?ep=`), before any message; null when the URL names no EP. */
const early = ((): { args: string; started: Promise<string> } | null => {
  const ep = new URL(self.location.href).searchParams.get('ep');
  if (ep !== 'wasm' && ep !== 'webgpu') return null;
  const base = new URL('../ort/', self.location.href);
  const args: Parameters<typeof start> = [new URL(ORT_FILES[ep].module, base).href, new URL(ORT_FILES[ep].wasm, base).href, defaultOrtThreads(self.crossOriginIsolated, navigator.hardwareConcurrency), ep];
  const started = start(...args);
  started.catch(() => undefined);
  return { args: JSON.stringify(args), started };
})();

const api = {
  /**
   * Start ORT's build at `moduleUrl` (see `start`); when this worker already started it from its URL, that start is
   * taken if the arguments are the same, and refused with an error naming both otherwise.
   */
  init(moduleUrl: string, wasmUrl: string, threads: number, ep: 'webgpu' | 'wasm', wasmBinary?: Uint8Array): Promise<string> {
    if (!early) return start(moduleUrl, wasmUrl, threads, ep, wasmBinary);
    const asked = JSON.stringify([moduleUrl, wasmUrl, threads, ep]);
    if (wasmBinary || asked !== early.args) return Promise.reject(new Error(`onnxruntime-web worker: started from its URL as ${early.args}, asked for ${asked}${wasmBinary ? ' with the .wasm bytes' : ''}`));
    return early.started;
  },
  /** Create a session; with `captureLog`, ORT's placement lines logged meanwhile come back with it. */
  async create(bytes: Uint8Array, options: InferenceSession.SessionOptions, logLevel: string, captureLog: boolean): Promise<{ id: number; inputNames: readonly string[]; outputNames: readonly string[]; placementLines: readonly string[] }> {
    const o = need();
    const before = o.env.logLevel;
    o.env.logLevel = logLevel as typeof before;
    try {
      const make = (): Promise<InferenceSession> => o.InferenceSession.create(bytes, options);
      const { result: session, placement } = captureLog ? await withPlacementLog(make) : { result: await make(), placement: { lines: [] as string[] } };
      const id = nextId++;
      sessions.set(id, session);
      return { id, inputNames: [...session.inputNames], outputNames: [...session.outputNames], placementLines: placement.lines };
    } finally {
      o.env.logLevel = before;
    }
  },
  /** Run session `id` on float32 feeds; returns every output as float32 (copied out of ORT, transferred back). */
  async run(id: number, feeds: Record<string, PlainTensor>, options: InferenceSession.RunOptions): Promise<Record<string, PlainTensor>> {
    const o = need();
    const s = sessions.get(id);
    if (!s) throw new Error(`onnxruntime-web worker: no session ${id} (released?)`);
    const input: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) input[k] = new o.Tensor('float32', t.data, t.dims as number[]);
    const out = await s.run(input, options);
    const res: Record<string, PlainTensor> = {};
    const buffers: ArrayBuffer[] = [];
    for (const [k, t] of Object.entries(out)) {
      const data = (t.data as Float32Array).slice();
      t.dispose?.();
      res[k] = { type: t.type, data, dims: [...t.dims] };
      buffers.push(data.buffer as ArrayBuffer);
    }
    return transfer(res, buffers);
  },
  /** Release session `id`. */
  async release(id: number): Promise<void> {
    const s = sessions.get(id);
    sessions.delete(id);
    await s?.release();
  },
};

/** The comlink API of this worker. */
export type OrtWorkerApi = typeof api;

expose(api);
