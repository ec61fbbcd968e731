/**
 * onnxruntime-web in a module worker (both EPs: WebGPU works in workers), so that no ORT call — session creation
 * included, which ORT's own proxy option cannot move off the main thread for the WebGPU EP — blocks the page.
 * Thin comlink adapter, driven by www/ort-worker.ts (which gives the pipeline an `Ort`-shaped facade):
 * `init` imports the ORT build by URL, configures it and starts its runtime (a one-node warm-up session); `create` makes a session and returns ORT's placement log lines
 * (captured here, where ORT writes them) for the page to parse; `run` takes and returns plain {type, data, dims}.
 */
import { expose, transfer } from 'comlink';
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import type { Ort } from '../src/pipeline/tail';
import { withPlacementLog } from '../src/ort/placement';
import { identityModel } from './onnx-identity';

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

const api = {
  /** Import the ORT module at `moduleUrl` and configure its wasm (path or bytes, threads; no proxy: this is the worker). */
  async init(moduleUrl: string, wasmUrl: string, threads: number, ep: 'webgpu' | 'wasm', wasmBinary?: Uint8Array): Promise<string> {
    const o = (await import(/* @vite-ignore */ moduleUrl)) as Ort;
    o.env.wasm.wasmPaths = { wasm: wasmUrl };
    if (wasmBinary) o.env.wasm.wasmBinary = wasmBinary;
    o.env.wasm.numThreads = threads;
    o.env.wasm.proxy = false;
    o.env.logLevel = 'warning';
    ort = o;
    // Start ORT's runtime now (compile and instantiate its .wasm; the WebGPU device for that EP) with a one-node model,
    // so the first real session does not pay for it. A failure here is left to that session to report.
    try {
      // inside withPlacementLog: it hooks `console` for good before ORT's runtime binds it (src/ort/placement.ts), so the
      // placement log of every later session can be captured
      const { result: warm } = await withPlacementLog(() => o.InferenceSession.create(identityModel(), { executionProviders: [ep] }));
      await warm.release();
    } catch {
      // e.g. no WebGPU adapter: the tail's session creation falls back to wasm and says so
    }
    return o.env.versions?.web ?? 'unknown';
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
