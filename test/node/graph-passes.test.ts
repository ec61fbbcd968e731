/**
 * Each pass of PASSES leaves a model onnxruntime-web (wasm EP, Node) runs with the same outputs:
 * on a hand-made model that exercises every pass (Constant, Shape→Reshape, Identity, Dropout, Conv+BatchNormalization),
 * and on every provisioned fp32 model. Identity-like passes must give bit-identical outputs; foldBatchNorm changes
 * float rounding, so it is held to 1e-5 relative (max|diff| / max|ref|).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { MODELS } from '../../src/models/registry';
import {
  PASSES, prepareGraph, readOnnx, writeOnnx, inferShapes, makeGraph, makeNode, makeValueInfo, floatTensor,
  seededRandom, type Graph,
} from '../../src/graph/index';
import { skipUnlessProvisioned } from './helpers/paths';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
const MODELS_ROOT = join(import.meta.dirname, '..', '..', 'models');

async function run(g: Graph | Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const s = await ort.InferenceSession.create(g instanceof Uint8Array ? g : writeOnnx(g), { executionProviders: ['wasm'] });
  const out = await s.run(feeds);
  await s.release();
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, r = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); r = Math.max(r, Math.abs(b[i]!)); }
  return d / r;
}

/** x[1,3,8,8] → Identity → Conv 3→4 3x3 p1 → BatchNormalization → Relu → Dropout → Reshape(·, Shape(·)) → Add(Constant) → MaxPool 2 → y */
export function passFixture(): Graph {
  const rnd = seededRandom(7);
  const r = (): number => rnd() * 2 - 1;
  return makeGraph({
    name: 'pass_fixture',
    inputs: [makeValueInfo('x', [1, 3, 8, 8])],
    outputs: [makeValueInfo('y', [1, 4, 4, 4])],
    initializers: [
      floatTensor('W', [4, 3, 3, 3], r), floatTensor('B', [4], r),
      floatTensor('gamma', [4], () => 0.5 + rnd()), floatTensor('beta', [4], r), floatTensor('mean', [4], r),
      floatTensor('var', [4], () => 0.1 + rnd()),
    ],
    nodes: [
      makeNode('Identity', ['x'], ['x_id']),
      makeNode('Conv', ['x_id', 'W', 'B'], ['c'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }),
      makeNode('BatchNormalization', ['c', 'gamma', 'beta', 'mean', 'var'], ['bn'], { epsilon: 1e-3 }),
      makeNode('Relu', ['bn'], ['r']),
      makeNode('Dropout', ['r'], ['d']),
      makeNode('Shape', ['d'], ['d_shape']),
      makeNode('Reshape', ['d', 'd_shape'], ['d2']),
      makeNode('Constant', [], ['k'], { value: floatTensor('k', [], () => 0.25) }),
      makeNode('Add', ['d2', 'k'], ['a']),
      makeNode('MaxPool', ['a'], ['y'], { kernel_shape: [2, 2], strides: [2, 2] }),
    ],
  });
}

describe('graph passes', () => {
  const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i)), [1, 3, 8, 8]);

  it('the pass list is ordered and named', () => {
    assert.deepEqual(PASSES.map((p) => p.name), ['foldConstants', 'dropIdentity', 'foldBatchNorm', 'removeUnused']);
  });

  it('each pass on the fixture removes what it should and keeps the outputs', async () => {
    let g = passFixture();
    const original = (await run(g, { x })).y!;
    let ref = original;
    const ops = (q: Graph): string[] => q.nodes.map((n) => n.opType);
    for (const p of PASSES) {
      g = p.run(g);
      const y = (await run(g, { x })).y!;
      const e = relErr(y, ref);
      if (p.name === 'foldBatchNorm') assert.ok(e <= 1e-5, `${p.name}: rel err ${e}`);
      else assert.equal(e, 0, `${p.name}: outputs changed (rel err ${e})`);
      if (p.name === 'foldConstants') { assert.ok(!ops(g).includes('Constant') && !ops(g).includes('Shape')); assert.ok(g.initializers.has('k') && g.initializers.has('d_shape')); }
      if (p.name === 'dropIdentity') assert.ok(!ops(g).includes('Identity') && !ops(g).includes('Dropout'));
      if (p.name === 'foldBatchNorm') assert.ok(!ops(g).includes('BatchNormalization'));
      ref = y;
    }
    assert.ok(relErr(ref, original) <= 1e-5);
    assert.deepEqual(ops(g), ['Conv', 'Relu', 'Reshape', 'Add', 'MaxPool']);
    assert.ok(!g.initializers.has('gamma') && !g.initializers.has('W'), 'BN parameters and the old weights are gone');
    const prepared = prepareGraph(passFixture());
    assert.deepEqual(prepared.valueInfo.get('r')?.shape, [1, 4, 8, 8]);
    assert.deepEqual(prepared.outputs[0]!.shape, [1, 4, 4, 4]);
  });

  it('passes are pure: the input graph is left untouched', () => {
    const g = passFixture();
    const nodes = g.nodes.length;
    const inits = g.initializers.size;
    prepareGraph(g);
    assert.equal(g.nodes.length, nodes);
    assert.equal(g.initializers.size, inits);
  });

  it('an Identity whose output is a graph output is removed by renaming its producer', async () => {
    const g = makeGraph({
      inputs: [makeValueInfo('x', [1, 2])], outputs: [makeValueInfo('y', [1, 2])],
      nodes: [makeNode('Relu', ['x'], ['r']), makeNode('Identity', ['r'], ['y'])],
    });
    const out = PASSES[1]!.run(g);
    assert.deepEqual(out.nodes.map((n) => [n.opType, n.outputs[0]]), [['Relu', 'y']]);
    const xr = new ort.Tensor('float32', Float32Array.of(-1, 2), [1, 2]);
    assert.deepEqual([...(await run(out, { x: xr })).y!], [0, 2]);
  });

  for (const m of MODELS.filter((q) => q.float)) {
    const file = join(MODELS_ROOT, m.file.path);
    it(`every pass keeps ${m.id}'s outputs bit-identical`, { skip: skipUnlessProvisioned(file) }, async () => {
      const bytes = new Uint8Array(readFileSync(file));
      const input = new ort.Tensor('float32', Float32Array.from({ length: m.input.shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.37)), [...m.input.shape]);
      const ref = await run(bytes, { [m.input.name]: input });
      let g = readOnnx(bytes, m.file.path);
      for (const p of PASSES) {
        g = p.run(g);
        const out = await run(g, { [m.input.name]: input });
        for (const k of Object.keys(ref)) assert.equal(relErr(out[k]!, ref[k]!), 0, `${m.id} after ${p.name}: output ${k} changed`);
      }
      const out = await run(inferShapes(g), { [m.input.name]: input });
      for (const k of Object.keys(ref)) assert.equal(relErr(out[k]!, ref[k]!), 0, `${m.id} with inferred value_info: output ${k} changed`);
    });
  }
});
