/**
 * The two onnxruntime-web builds the page uses, one per tail EP, as build.mjs copies them into dist/ort/, and ORT's own
 * default wasm thread count. Shared by the page (www/ort-loader.ts, www/ort-worker.ts) and its ORT worker
 * (workers/ort.worker.ts).
 * - 'webgpu': `ort.webgpu.bundle.min.mjs` (WebGPU EP + wasm; its .wasm is the 27 MB asyncify build);
 * - 'wasm':   `ort.wasm.bundle.min.mjs` (wasm EP only; 14 MB .wasm, faster to start and per run — measured in
 *             shared/notes/browser-recipes.md).
 */

/** File names of the two ORT builds and their .wasm (in dist/ort/). */
export const ORT_FILES: Readonly<Record<'webgpu' | 'wasm', { readonly module: string; readonly wasm: string }>> = {
  webgpu: { module: 'ort.webgpu.bundle.min.mjs', wasm: 'ort-wasm-simd-threaded.asyncify.wasm' },
  wasm: { module: 'ort.wasm.bundle.min.mjs', wasm: 'ort-wasm-simd-threaded.wasm' },
};

/**
 * onnxruntime-web's own default wasm thread count (its `initializeFlags`): half the logical cores, at most 4, when the
 * context is cross-origin isolated (SharedArrayBuffer), else 1. Inputs: `crossOriginIsolated` and
 * `navigator.hardwareConcurrency` of the page or worker.
 */
export function defaultOrtThreads(crossOriginIsolated: boolean, logicalCores: number): number {
  return crossOriginIsolated ? Math.min(4, Math.ceil((logicalCores || 1) / 2)) : 1;
}
