/**
 * Which execution provider the CNN tail (and the GPU-only baseline, always on the same EP) runs on, and why:
 * - automatic: WebGPU on a hardware adapter; wasm (CPU) on a software fallback adapter (SwiftShader: correct but
 *   ~100x slower than the wasm EP, measured in shared/notes/browser-recipes.md) or without an adapter;
 * - `?tail=webgpu|wasm` in the page URL overrides it (the page's control sets that parameter and reloads).
 * Pure: the page states the reason next to the control.
 */
import type { TailEp } from '../src/pipeline/tail';
import type { Capabilities } from './capabilities';

/** The chosen EP, how it was chosen, and the reason in words. */
export interface TailChoice {
  readonly ep: TailEp;
  readonly source: 'auto' | 'url';
  readonly reason: string;
  /** A message when the URL parameter was invalid (ignored) or asks for WebGPU without an adapter. */
  readonly warning?: string;
}

/** The URL parameter naming the tail's EP. */
export const TAIL_PARAM = 'tail';

/** The automatic choice for this browser's WebGPU adapter. */
export function autoTailEp(webgpu: Capabilities['webgpu']): { ep: TailEp; reason: string } {
  if (!webgpu.available) return { ep: 'wasm', reason: `no WebGPU adapter (${webgpu.error ?? 'unavailable'}): the tail runs on the wasm (CPU) EP` };
  const name = `${webgpu.vendor || '?'} / ${webgpu.architecture || '?'}`;
  if (webgpu.isFallbackAdapter) return { ep: 'wasm', reason: `the WebGPU adapter (${name}) is a software fallback: on it WebGPU is about 100x slower than the wasm (CPU) EP, so the tail runs on wasm` };
  return { ep: 'webgpu', reason: `hardware WebGPU adapter (${name}): the tail runs on WebGPU` };
}

/** Choose the tail's EP from the adapter and the `?tail=` parameter (null when absent). */
export function chooseTailEp(webgpu: Capabilities['webgpu'], param: string | null): TailChoice {
  const auto = autoTailEp(webgpu);
  if (param === null || param === '' || param === 'auto') return { ...auto, source: 'auto' };
  if (param !== 'webgpu' && param !== 'wasm') {
    return { ...auto, source: 'auto', warning: `URL parameter ${TAIL_PARAM}=${param} ignored: expected webgpu, wasm or auto.` };
  }
  const reason = `set in the page URL (${TAIL_PARAM}=${param}); the automatic choice would be ${auto.ep}: ${auto.reason}`;
  if (param === 'webgpu' && !webgpu.available) {
    return { ep: 'webgpu', source: 'url', reason, warning: 'WebGPU was asked for but no adapter is available: onnxruntime-web will fall back to its wasm EP, and the result will say so.' };
  }
  return { ep: param, source: 'url', reason };
}
