/**
 * onnxruntime-web runs SqueezeNet 1.1 (provisioned model) on the webgpu EP with every node on WebGPU (asserted from ORT's
 * verbose placement log) and on the wasm EP, each matching the official test_data_set_0 output.
 * Tolerance: max|diff| / max|ref| ≤ 1e-3 on WebGPU (fp32 shaders, different summation order on SwiftShader) and ≤ 1e-4 on wasm.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { getModel } from '../../src/models/registry';
import { withPlacementLog } from '../../src/ort/placement';
import { fetchBytes, fetchNpy } from './util/fetch';
import { ok, relMaxDiff } from './util/assert';
import { topK } from '../../src/models/labels';

ort.env.wasm.wasmPaths = { wasm: '/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm' };
ort.env.wasm.numThreads = 1;
// ORT reads the log level when its wasm runtime initialises: keep it verbose so every session logs its placement.
ort.env.logLevel = 'verbose';

const model = getModel('squeezenet1.1');

async function runOn(ep: 'webgpu' | 'wasm'): Promise<{ out: Float32Array; ref: Float32Array; allOn: string | null; lines: readonly string[] }> {
  const bytes = await fetchBytes(`/models/${model.file.path}`);
  const input = await fetchNpy(`/models/${model.testData[0]}/input_0.npy`);
  const ref = await fetchNpy(`/models/${model.testData[0]}/output_0.npy`);
  const { result: session, placement } = await withPlacementLog(() =>
    ort.InferenceSession.create(bytes, { executionProviders: [ep], logSeverityLevel: 0 }));
  try {
    const feeds = { [model.input.name]: new ort.Tensor('float32', input.data as Float32Array, input.shape as number[]) };
    const res = await session.run(feeds);
    return { out: res[model.output.name]!.data as Float32Array, ref: ref.data as Float32Array, allOn: placement.allOn, lines: placement.lines };
  } finally {
    await session.release();
  }
}

describe('onnxruntime-web runs SqueezeNet 1.1', () => {
  it('on the wasm EP, every node on the CPU EP, matching test_data_set_0 within 1e-4 relative', async () => {
    const r = await runOn('wasm');
    ok(r.allOn === 'CPUExecutionProvider', `placement: ${r.lines.join(' | ') || 'no placement log seen'}`);
    const rel = relMaxDiff(r.out, r.ref);
    console.log(`wasm: rel max diff ${rel.toExponential(2)}`);
    ok(rel <= 1e-4, `relative max diff ${rel} > 1e-4`);
  });

  it('on the webgpu EP, every node on WebGPU, matching test_data_set_0 within 1e-3 relative', async () => {
    const r = await runOn('webgpu');
    ok(r.allOn === 'WebGpuExecutionProvider', `not all nodes on WebGPU: ${r.lines.join(' | ') || 'no placement log seen'}`);
    const rel = relMaxDiff(r.out, r.ref);
    console.log(`webgpu: rel max diff ${rel.toExponential(2)}`);
    ok(rel <= 1e-3, `relative max diff ${rel} > 1e-3`);
    ok(topK(r.out, 1)[0]!.index === topK(r.ref, 1)[0]!.index, 'top-1 differs from the reference');
  });
});
