/**
 * The two onnxruntime-web builds, one per tail EP (the page loads one per visit, in its ORT worker: www/ort-worker.ts):
 * - 'webgpu': `ort.webgpu.bundle.min.mjs` (WebGPU EP + wasm; its .wasm is the 27 MB asyncify build);
 * - 'wasm':   `ort.wasm.bundle.min.mjs` (wasm EP only; 14 MB .wasm, faster to start and per run — measured in
 *             shared/notes/browser-recipes.md).
 * `loadOrt` imports a build on the calling thread, as a plain onnxruntime-web page does (the cold-start benchmark's bare
 * page), with ORT's own proxy option for wasm (ORT 1.30's proxy does not support the WebGPU EP).
 */
import type { Ort, TailEp } from '../src/pipeline/tail';

/** File names of the two ORT builds and their .wasm, as build.mjs copies them into dist/ort/. */
export const ORT_FILES: Readonly<Record<TailEp, { readonly module: string; readonly wasm: string }>> = {
  webgpu: { module: 'ort.webgpu.bundle.min.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
  wasm: { module: 'ort.wasm.bundle.min.mjs', wasm: 'ort-wasm-simd-threaded.wasm' },
};

/** Options of {@link loadOrt}. */
export interface OrtLoadOptions {
  /** URL of the folder holding the ORT files (default `ort/` relative to the page; tests use node_modules). */
  readonly base?: string;
  /**
   * wasm threads (default, as onnxruntime-web's own: half the cores, at most 4, when cross-origin isolated, else 1 —
   * the other cores are left to the emulator and compile workers).
   */
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
  ort.env.wasm.numThreads = opts.threads ?? (globalThis.crossOriginIsolated ? Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2)) : 1);
  ort.env.wasm.proxy = ep === 'wasm' && (opts.proxy ?? true);
  // src/pipeline/tail.ts raises the level to verbose while each session is created, for the placement log.
  ort.env.logLevel = 'warning';
  return ort;
}
