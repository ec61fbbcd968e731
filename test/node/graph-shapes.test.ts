/**
 * Shape inference and the per-layer report. Inferred shapes are checked against what onnxruntime-web (wasm EP)
 * actually produces: for every provisioned fp32 model and for a hand-made model covering the other supported ops,
 * every intermediate tensor is made a graph output and its runtime dims compared with valueInfo.
 * MACs of the first conv are checked against the multiplier counts (N·C·K²) of /work/shared/notes/paper.md × output pixels.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { MODELS, getModel } from '../../src/models/registry';
import {
  loadGraph, prepareGraph, writeOnnx, layerReport, windowOf, makeGraph, makeNode, makeValueInfo, floatTensor, int64Tensor,
  type Graph, type ValueInfo,
} from '../../src/graph/index';
import { skipUnlessProvisioned } from './helpers/paths';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const MODELS_ROOT = join(import.meta.dirname, '..', '..', 'models');

/** Run g with every non-input tensor as an output; compare each runtime shape with valueInfo. Returns the count checked. */
async function checkAllShapes(g: Graph, feed: Record<string, ort.Tensor>): Promise<number> {
  const inputNames = new Set(g.inputs.map((v) => v.name));
  const all: ValueInfo[] = [...g.valueInfo.values()].filter((v) => !inputNames.has(v.name) && !g.initializers.has(v.name));
  const s = await ort.InferenceSession.create(writeOnnx({ ...g, outputs: all }), { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' });
  const out = await s.run(feed);
  for (const v of all) assert.deepEqual([...out[v.name]!.dims], [...v.shape], `tensor '${v.name}'`);
  await s.release();
  return all.length;
}

describe('shape inference vs onnxruntime', () => {
  for (const m of MODELS.filter((q) => q.float)) {
    const file = join(MODELS_ROOT, m.file.path);
    it(`every tensor of ${m.id}`, { skip: skipUnlessProvisioned(file) }, async () => {
      const g = loadGraph(new Uint8Array(readFileSync(file)), m.file.path);
      const n = m.input.shape.reduce((a, b) => a * b, 1);
      const checked = await checkAllShapes(g, { [m.input.name]: new ort.Tensor('float32', new Float32Array(n).fill(0.1), [...m.input.shape]) });
      assert.ok(checked >= g.nodes.length);
    });
  }

  it('a hand-made model covering the other supported ops', async () => {
    const r = (i: number): number => Math.cos(i);
    const g = prepareGraph(makeGraph({
      inputs: [makeValueInfo('x', [1, 4, 9, 9])],
      outputs: [makeValueInfo('y', [1, 5]), makeValueInfo('trf', [3, 6])],
      initializers: [
        floatTensor('Wg', [4, 1, 3, 3], r), floatTensor('Wd', [6, 4, 3, 3], r), floatTensor('G', [5, 22], r), floatTensor('Gb', [5], r),
        int64Tensor('starts', [1]), int64Tensor('ends', [-1]), int64Tensor('axes', [2]), int64Tensor('shp', [1, 0, -1]),
        int64Tensor('sq', [0]), int64Tensor('split', [2, 4]), floatTensor('M', [6, 3], r),
      ],
      nodes: [
        makeNode('Conv', ['x', 'Wg'], ['g'], { group: 4, auto_pad: 'SAME_UPPER', strides: [2, 2] }),
        makeNode('Conv', ['g', 'Wd'], ['d'], { dilations: [2, 2], pads: [2, 2, 2, 2] }),
        makeNode('MaxPool', ['d'], ['mp'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }),
        makeNode('AveragePool', ['d'], ['ap'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }),
        makeNode('Slice', ['ap', 'starts', 'ends', 'axes'], ['sl']),
        makeNode('Split', ['d', 'split'], ['s1', 's2'], { axis: 1 }),
        makeNode('GlobalAveragePool', ['s2'], ['gap']),
        makeNode('Reshape', ['mp', 'shp'], ['rs']),
        makeNode('ReduceMean', ['rs'], ['rm'], { axes: [2], keepdims: 0 }),
        makeNode('Transpose', ['sl'], ['tr'], { perm: [0, 2, 3, 1] }),
        makeNode('Flatten', ['gap'], ['fl']),
        makeNode('Unsqueeze', ['fl', 'sq'], ['us']),
        makeNode('Squeeze', ['us', 'sq'], ['sqz']),
        makeNode('MatMul', ['rm', 'M'], ['mm']),
        makeNode('Concat', ['sqz', 'mm', 'mm', 'mm', 'mm', 'mm', 'mm'], ['cat'], { axis: 1 }),
        makeNode('Flatten', ['tr'], ['trf'], { axis: 3 }),
        makeNode('Gemm', ['cat', 'G', 'Gb'], ['gm'], { transB: 1 }),
        makeNode('Softmax', ['gm'], ['y'], { axis: -1 }),
      ],
    }));
    assert.deepEqual(g.valueInfo.get('g')?.shape, [1, 4, 5, 5]);
    assert.deepEqual(g.valueInfo.get('mp')?.shape, [1, 6, 3, 3]);
    const checked = await checkAllShapes(g, { x: new ort.Tensor('float32', new Float32Array(324).fill(1), [1, 4, 9, 9]) });
    assert.equal(checked, 19);
  });

  it('ceil-mode windows follow the ONNX rule (last window starts inside input or begin padding)', () => {
    const n = makeNode('MaxPool', ['a'], ['b'], { kernel_shape: [1], strides: [2], pads: [0, 1], ceil_mode: 1 });
    assert.deepEqual(windowOf(n, [4], [1], true).outSpatial, [2]);
    assert.deepEqual(windowOf({ ...n, attrs: { strides: [2] } }, [112], [3], true).outSpatial, [56]);
    assert.deepEqual(windowOf({ ...n, attrs: { strides: [2] } }, [112], [3], false).outSpatial, [55]);
  });
});

describe('layer report', () => {
  // Multipliers of the first conv (N·C·K², /work/shared/notes/paper.md) × output pixels of that conv.
  const firstConv: [string, number, number][] = [['squeezenet1.1', 1728, 111 * 111], ['squeezenet1.0', 14112, 111 * 111], ['mobilenetv2', 864, 112 * 112], ['shufflenetv2', 648, 112 * 112]];
  for (const [id, mult, pixels] of firstConv) {
    const file = join(MODELS_ROOT, getModel(id).file.path);
    it(`${id}: first conv MACs = ${mult} multipliers × ${pixels} pixels; rows cover every node`, { skip: skipUnlessProvisioned(file) }, () => {
      const g = loadGraph(new Uint8Array(readFileSync(file)));
      const rep = layerReport(g);
      assert.equal(rep.length, g.nodes.length);
      const conv = rep.find((r) => r.opType === 'Conv')!;
      assert.equal(conv.macs, mult * pixels);
      assert.equal(conv.params, mult + conv.outputShapes[0]![1]!, 'weights + one bias per output channel');
      assert.ok(rep.filter((r) => r.opType !== 'Conv' && r.opType !== 'Gemm' && r.opType !== 'MatMul').every((r) => r.macs === 0));
    });
  }
});
