/**
 * onnxruntime-web's worker started by its URL (workers/ort.worker.ts with `?ep=`, as the page's HTML starts it before
 * any module loads): it starts that build at once, an `init` with the same arguments takes that start, and an `init`
 * with other arguments is refused with an error naming both (never a second, differently configured runtime).
 * Needs `npm run build` (dist/workers/ort.worker.js, dist/ort/).
 */
import { wrap, type Remote } from 'comlink';
import type { OrtWorkerApi } from '../../workers/ort.worker';
import { ORT_FILES } from '../../src/ort/builds';
import { defaultOrtThreads } from '../../www/ort-loader';
import { identityModel } from '../../workers/onnx-identity';
import { ok, equal, rejects } from './util/assert';

const abs = (p: string): string => new URL(p, location.href).href;

describe('ORT worker started from its URL (?ep=wasm)', () => {
  it('init with the URL start\'s arguments takes it (a session runs); other threads or another build are refused, naming both', async () => {
    const worker = new Worker('/dist/workers/ort.worker.js?ep=wasm', { type: 'module', name: 'ort-early-test' });
    const api: Remote<OrtWorkerApi> = wrap<OrtWorkerApi>(worker);
    try {
      const moduleUrl = abs(`/dist/ort/${ORT_FILES.wasm.module}`);
      const wasmUrl = abs(`/dist/ort/${ORT_FILES.wasm.wasm}`);
      const threads = defaultOrtThreads();
      await rejects(api.init(moduleUrl, wasmUrl, threads + 1, 'wasm'), (e) => /started from its URL as .*asked for/.test(e.message), 'other threads');
      await rejects(api.init(abs(`/dist/ort/${ORT_FILES.webgpu.module}`), abs(`/dist/ort/${ORT_FILES.webgpu.wasm}`), threads, 'webgpu'), (e) => /started from its URL as .*ort\.wasm\.bundle.*asked for .*ort\.webgpu\.bundle/.test(e.message), 'another build');
      const version = await api.init(moduleUrl, wasmUrl, threads, 'wasm');
      ok(/^\d+\.\d+/.test(version), `ORT version from the URL start: ${version}`);
      const s = await api.create(identityModel(), { executionProviders: ['wasm'] }, 'warning', false);
      const out = await api.run(s.id, { [s.inputNames[0]!]: { type: 'float32', data: new Float32Array([3.5]), dims: [1] } }, {});
      equal(out[s.outputNames[0]!]!.data[0], 3.5, 'identity session on the URL-started runtime: y = x');
      await api.release(s.id);
    } finally {
      worker.terminate();
    }
  });
});
