/**
 * onnxruntime-web on the calling thread, as a plain onnxruntime-web page loads it (the cold-start benchmark's bare page;
 * the demo page runs ORT in its worker: www/ort-worker.ts). The two builds, one per tail EP, are src/ort/builds.ts's
 * ORT_FILES; the page loads one per visit. `loadOrt` uses ORT's own proxy option for wasm (ORT 1.30's proxy does not
 * support the WebGPU EP).
 */
import type { Ort, TailEp } from '../src/pipeline/tail';
import { ORT_FILES, defaultOrtThreads as defaultThreadsFor } from '../src/ort/builds';

export { ORT_FILES };

/** onnxruntime-web's default wasm threads in this page or worker (src/ort/builds.ts's defaultOrtThreads). */
export function defaultOrtThreads(): number {
  return defaultThreadsFor(globalThis.crossOriginIsolated === true, navigator.hardwareConcurrency);
}

/** Options of {@link loadOrt}. */
export interface OrtLoadOptions {
  /** URL of the folder holding the ORT files (default `ort/` relative to the page; tests use node_modules). */
  readonly base?: string;
  /** wasm threads (default {@link defaultOrtThreads}). */
  readonly threads?: number;
  /** Run ORT in its proxy worker (wasm EP only; default true for 'wasm'). */
  readonly proxy?: boolean;
  /** The .wasm's bytes when already fetched (progress shown by the page); otherwise ORT fetches it. */
  readonly wasmBinary?: ArrayBuffer | Uint8Array;
}

/** URL of the .wasm of the build for `ep` under `base`. */
export function ortWasmUrl(ep: TailEp, base = 'ort/'): string {
  return new URL(ORT_FILES[ep].wasm, new URL(base, location.href)).href;
}

/** Import the ORT build for `ep` and configure it (wasm path, threads, proxy, log level). */
export async function loadOrt(ep: TailEp, opts: OrtLoadOptions = {}): Promise<Ort> {
  const base = new URL(opts.base ?? 'ort/', location.href);
  const url = new URL(ORT_FILES[ep].module, base).href;
  let ort: Ort;
  try {
    ort = (await import(/* @vite-ignore */ url)) as Ort;
  } catch (e) {
    throw new Error(`onnxruntime-web (${ep} build) could not be loaded from ${url}: ${(e as Error).message}`);
  }
  ort.env.wasm.wasmPaths = { wasm: new URL(ORT_FILES[ep].wasm, base).href };
  if (opts.wasmBinary) ort.env.wasm.wasmBinary = opts.wasmBinary;
  ort.env.wasm.numThreads = opts.threads ?? defaultOrtThreads();
  ort.env.wasm.proxy = ep === 'wasm' && (opts.proxy ?? true);
  // src/pipeline/tail.ts raises the level to verbose while each session is created, for the placement log.
  ort.env.logLevel = 'warning';
  return ort;
}
