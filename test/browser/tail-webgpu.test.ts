/**
 * The tail of each paper network at its earliest cut (index 0), split in the browser by src/graph, runs on the
 * `webgpu` EP with every node placed on WebGPU (asserted from ORT's verbose placement log) and matches the same tail
 * on the wasm EP. Tolerance: max|webgpu − wasm| / max|wasm| ≤ 1e-3 (fp32 shaders on SwiftShader sum in another
 * order), plus the same top-1 class. Input: the shared cat image, torch224 preprocessing; the crossing tensor comes
 * from the head run on the wasm EP. SwiftShader WebGPU is ~100x slower than wasm: one WebGPU run per network.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { getModel, PAPER_MODELS } from '../../src/models/registry';
import { loadGraph, splitAt, writeOnnx } from '../../src/graph/index';
import { withPlacementLog } from '../../src/ort/placement';
import { fetchBytes, fetchNpy } from './util/fetch';
import { ok, relMaxDiff } from './util/assert';

ort.env.wasm.wasmPaths = { wasm: '/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.asyncify.wasm' };
ort.env.wasm.numThreads = 1;
// ORT reads the log level when its wasm runtime initialises: keep it verbose so every session logs its placement.
ort.env.logLevel = 'verbose';

const TOLERANCE = 1e-3;

function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

describe('tail at cut 0 on the webgpu EP', () => {
  // ORT's wasm runtime binds console.log when it first initialises: hook the console before any session exists.
  before(async () => { await withPlacementLog(async () => null); });

  for (const id of PAPER_MODELS) {
    it(`${id}: every tail node on WebGPU, output within ${TOLERANCE} relative of the wasm EP`, async () => {
      const m = getModel(id);
      const g = loadGraph(await fetchBytes(`/models/${m.file.path}`), m.file.path);
      const { head, tail, cut } = splitAt(g, 0);
      const x = await fetchNpy('/models/reference_outputs/inputs/cat.bmp.torch224.npy');
      const feeds = { [m.input.name]: new ort.Tensor('float32', x.data as Float32Array, x.shape as number[]) };

      const headSession = await ort.InferenceSession.create(writeOnnx(head), { executionProviders: ['wasm'] });
      const crossing = (await headSession.run(feeds))[cut.tensor]!;
      await headSession.release();
      ok(crossing.dims.join('x') === cut.shape.join('x'), `crossing shape ${crossing.dims.join('x')} vs ${cut.shape.join('x')}`);
      const tailBytes = writeOnnx(tail);
      const tailFeeds = { [cut.tensor]: crossing };

      const wasmTail = await ort.InferenceSession.create(tailBytes, { executionProviders: ['wasm'] });
      const ref = (await wasmTail.run(tailFeeds))[m.output.name]!.data as Float32Array;
      await wasmTail.release();

      const { result: gpuTail, placement } = await withPlacementLog(() =>
        ort.InferenceSession.create(tailBytes, { executionProviders: ['webgpu'], logSeverityLevel: 0 }));
      try {
        ok(placement.allOn === 'WebGpuExecutionProvider', `${id} tail: not all nodes on WebGPU: ${placement.lines.join(' | ') || 'no placement log seen'}`);
        const t0 = performance.now();
        // Run inside the (silent) capture too: the verbose session also dumps every WebGPU shader while running.
        const { result: res } = await withPlacementLog(() => gpuTail.run(tailFeeds));
        const out = res[m.output.name]!.data as Float32Array;
        const ms = performance.now() - t0;
        const rel = relMaxDiff(out, ref);
        console.log(`${id} tail after cut 0 ('${cut.tensor}' ${cut.shape.join('x')}): ${placement.nodeCount} nodes on ${placement.allOn}, ` +
          `rel max diff vs wasm ${rel.toExponential(2)}, first webgpu run ${ms.toFixed(0)} ms (measured, SwiftShader, incl. shader compilation)`);
        ok(rel <= TOLERANCE, `${id}: relative max diff ${rel} > ${TOLERANCE}`);
        ok(argmax(out) === argmax(ref), `${id}: top-1 differs (webgpu ${argmax(out)} vs wasm ${argmax(ref)})`);
      } finally {
        await gpuTail.release();
      }
    });
  }
});
