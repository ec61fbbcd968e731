// Pixel kernels of the page's per-image host work, in Wasm so that a fresh worker runs them at compiled speed from the
// first frame (the TypeScript originals run interpreted until V8 tiers them up: ≈5x the CPU on a cold start).
// The wrapper src/pipeline/pixels-wasm.ts places every buffer above `heapBase()`; nothing is allocated here.
export { rgbaToRgb, resampleAxis, cropRound } from './resize';
export { pack, unpack, dequantize } from './link';

/** First free byte of linear memory after static data, 16-byte aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}
