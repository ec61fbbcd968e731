/** What this browser can do: WebGPU adapter, Wasm SIMD, wasm threads (cross-origin isolation), Web Serial. */

export interface Capabilities {
  readonly webgpu: { readonly available: boolean; readonly vendor?: string; readonly architecture?: string; readonly description?: string; readonly isFallbackAdapter?: boolean; readonly error?: string };
  readonly wasmSimd: boolean;
  /** Cross-origin isolated: SharedArrayBuffer and so onnxruntime-web wasm threads are available. */
  readonly crossOriginIsolated: boolean;
  readonly hardwareConcurrency: number;
  readonly webSerial: boolean;
}

// (module (func (result v128) (v128.const i32x4 0 0 0 0)))
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11]);

/**
 * How long the page waits for `navigator.gpu.requestAdapter()`, ms. Chromium answers it from its GPU process, which can
 * be busy for tens of seconds with a software adapter (SwiftShader compiling a previous page's shaders after a reload);
 * past this the adapter is reported as not answering and the page goes on without WebGPU, instead of waiting.
 */
export const ADAPTER_TIMEOUT_MS = 10_000;

/** Probe the platform (never throws; a missing feature is reported, not fatal). */
export async function detectCapabilities(): Promise<Capabilities> {
  let webgpu: Capabilities['webgpu'] = { available: false, error: 'navigator.gpu is missing (WebGPU not supported or disabled)' };
  if ('gpu' in navigator && navigator.gpu) {
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ADAPTER_TIMEOUT_MS / 1000} s (the browser's GPU process is busy or stuck); reload to try again`)), ADAPTER_TIMEOUT_MS);
      });
      const adapter = await Promise.race([navigator.gpu.requestAdapter(), late]).finally(() => clearTimeout(timer));
      if (!adapter) webgpu = { available: false, error: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)' };
      else {
        const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
        webgpu = {
          available: true, vendor: info.vendor, architecture: info.architecture, description: info.description,
          isFallbackAdapter: info.isFallbackAdapter ?? (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? info.architecture === 'swiftshader',
        };
      }
    } catch (e) {
      webgpu = { available: false, error: `requestAdapter failed: ${(e as Error).message}` };
    }
  }
  let wasmSimd = false;
  try {
    wasmSimd = WebAssembly.validate(SIMD_PROBE);
  } catch {
    wasmSimd = false;
  }
  return {
    webgpu, wasmSimd, crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency ?? 1, webSerial: 'serial' in navigator,
  };
}
