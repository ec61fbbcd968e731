/**
 * Bad input gets typed errors naming the cause: not ONNX, truncated bytes, unsupported ops, dynamic input dims,
 * cut index out of range, several graph inputs, inconsistent shapes. A seeded fuzz test feeds random and mutated
 * bytes to the reader (and, when they decode, to prepareGraph/listCuts): each case throws a GraphError or succeeds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../../src/models/registry';
import {
  readOnnx, writeOnnx, prepareGraph, listCuts, splitAt, makeGraph, makeNode, makeValueInfo, floatTensor, seededRandom,
  GraphError, OnnxParseError, UnsupportedOpError, DynamicShapeError, CutRangeError, MultipleInputsError, ShapeInferenceError,
  type Graph,
} from '../../src/graph/index';
import { skipUnlessProvisioned } from './helpers/paths';

const MODELS_ROOT = join(import.meta.dirname, '..', '..', 'models');
const SQ11 = join(MODELS_ROOT, 'squeezenet1.1', 'squeezenet1.1_fp32.onnx');

/** x[1,3,8,8] → Conv 3→4 3x3 → Relu → MaxPool 2 → Conv 4→4 1x1 → Relu → y */
function tiny(opts: { inputShape?: (number | string)[]; extraInput?: boolean; weightIn?: number } = {}): Graph {
  const rnd = seededRandom(3);
  const inputs = [makeValueInfo('x', opts.inputShape ?? [1, 3, 8, 8])];
  if (opts.extraInput) inputs.push(makeValueInfo('x2', [1, 4, 3, 3]));
  return makeGraph({
    name: 'tiny', inputs, outputs: [makeValueInfo('y', [1, 4, 3, 3])],
    initializers: [floatTensor('W1', [4, opts.weightIn ?? 3, 3, 3], () => rnd() - 0.5), floatTensor('W2', [4, 4, 1, 1], () => rnd() - 0.5)],
    nodes: [
      makeNode('Conv', ['x', 'W1'], ['c1'], {}, 'conv1'), makeNode('Relu', ['c1'], ['r1'], {}, 'relu1'),
      makeNode('MaxPool', ['r1'], ['p1'], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool1'),
      makeNode('Conv', ['p1', 'W2'], ['c2'], {}, 'conv2'),
      ...(opts.extraInput ? [makeNode('Relu', ['c2'], ['r2'], {}, 'relu2'), makeNode('Add', ['r2', 'x2'], ['y'], {}, 'add')] : [makeNode('Relu', ['c2'], ['y'], {}, 'relu2')]),
    ],
  });
}

describe('typed errors', () => {
  it('a file that is not ONNX → OnnxParseError with the byte offset', () => {
    const bmp = new Uint8Array(readFileSync(join(MODELS_ROOT, 'images', 'cat.bmp')));
    assert.throws(() => readOnnx(bmp, 'cat.bmp'), (e: unknown) => e instanceof OnnxParseError && typeof e.offset === 'number' && /cat\.bmp/.test(e.message) && /at byte \d+/.test(e.message));
    const text = new Uint8Array(Buffer.from('{"hello": "this is JSON, not ONNX"}\n'));
    assert.throws(() => readOnnx(text, 'x.json'), OnnxParseError);
    assert.throws(() => readOnnx(new Uint8Array(0), 'empty.onnx'), (e: unknown) => e instanceof OnnxParseError && /no graph/.test(e.message));
  });

  it('truncated bytes → OnnxParseError naming where the data ends', { skip: skipUnlessProvisioned(SQ11) }, () => {
    const bytes = new Uint8Array(readFileSync(SQ11));
    for (const n of [1, 10, 100, 4096, 1_000_000, bytes.length - 1]) {
      assert.throws(() => readOnnx(bytes.subarray(0, n), 'sq.onnx'), (e: unknown) => {
        assert.ok(e instanceof OnnxParseError, String(e));
        assert.ok(e.offset !== null && e.offset <= n, `offset ${e.offset} for ${n} bytes`);
        assert.match(e.message, new RegExp(`truncated: .* ends at byte ${n}`));
        return true;
      });
    }
  });

  it('an op outside the supported set → UnsupportedOpError naming node, op and the supported ops', () => {
    const g = tiny();
    const bad = { ...g, nodes: g.nodes.map((n) => (n.name === 'relu1' ? { ...n, opType: 'HardSwish' } : n)) };
    assert.throws(() => readOnnx(writeOnnx(bad)), (e: unknown) => e instanceof UnsupportedOpError && e.nodeName === 'relu1' && e.opType === 'HardSwish' && /supported ops .*Conv/.test(e.message));
    const custom = { ...g, opsets: { ...g.opsets, 'com.example': 1 }, nodes: g.nodes.map((n) => (n.name === 'relu1' ? { ...n, domain: 'com.example' } : n)) };
    assert.throws(() => readOnnx(writeOnnx(custom)), (e: unknown) => e instanceof UnsupportedOpError && /com\.example::Relu/.test(e.message));
  });

  for (const m of MODELS.filter((q) => !q.float)) {
    const file = join(MODELS_ROOT, m.file.path);
    it(`the int8 reference model ${m.id} is refused with UnsupportedOpError (QLinear/QDQ ops)`, { skip: skipUnlessProvisioned(file) }, () => {
      assert.throws(() => readOnnx(new Uint8Array(readFileSync(file)), m.file.path), (e: unknown) => e instanceof UnsupportedOpError && /Quantize|QLinear/.test(e.opType));
    });
  }

  it('a dynamic input dimension → DynamicShapeError naming the tensor and axis', () => {
    const g = readOnnx(writeOnnx(tiny({ inputShape: ['batch', 3, 8, 8] })));
    assert.deepEqual(g.inputs[0]!.shape, ['batch', 3, 8, 8]);
    assert.throws(() => prepareGraph(g), (e: unknown) => e instanceof DynamicShapeError && e.tensor === 'x' && e.axis === 0 && /'batch'/.test(e.message));
  });

  it('a cut index out of range → CutRangeError stating the valid range', () => {
    const g = prepareGraph(tiny());
    const n = listCuts(g).length;
    assert.ok(n >= 1);
    for (const bad of [n, -1, 1.5, 1000]) {
      assert.throws(() => splitAt(g, bad), (e: unknown) => e instanceof CutRangeError && e.count === n && new RegExp(`0\\.\\.${n - 1}`).test(e.message));
    }
  });

  it('several graph inputs → MultipleInputsError naming them', () => {
    const g = prepareGraph(tiny({ extraInput: true }));
    assert.throws(() => listCuts(g), (e: unknown) => e instanceof MultipleInputsError && /'x', 'x2'/.test(e.message));
  });

  it('inconsistent shapes → ShapeInferenceError naming the node', () => {
    assert.throws(() => prepareGraph(tiny({ weightIn: 5 })), (e: unknown) => e instanceof ShapeInferenceError && e.nodeName === 'conv1' && /input channels/.test(e.message));
  });

  it('the tiny model has the expected cuts (stem, pool; not inside a layer)', () => {
    const cuts = listCuts(prepareGraph(tiny()));
    assert.deepEqual(cuts.map((c) => c.tensor), ['r1', 'p1']);
    assert.deepEqual(cuts[1]!.headLayers, ['conv1', 'relu1', 'pool1']);
    assert.equal(cuts[0]!.headMacs, 4 * 6 * 6 * 3 * 9);
    assert.equal(cuts[0]!.tailMacs, 4 * 3 * 3 * 4);
    assert.equal(cuts[0]!.headParams, 4 * 3 * 9);
    assert.equal(cuts[0]!.bytes, 4 * 6 * 6);
  });
});

describe('reader fuzz (seeded)', () => {
  it('random and mutated bytes: a GraphError or success, never another error or a hang', { timeout: 120_000 }, (t) => {
    const rnd = seededRandom(20261125);
    const int = (n: number): number => Math.floor(rnd() * n);
    const base = writeOnnx(tiny());
    const real = existsSync(SQ11) ? new Uint8Array(readFileSync(SQ11)).subarray(0, 200_000) : base;
    const cases: Uint8Array[] = [];
    for (let i = 0; i < 150; i++) cases.push(Uint8Array.from({ length: int(i < 50 ? 64 : 4096) }, () => int(256)));
    for (let i = 0; i < 150; i++) {
      const b = Uint8Array.from(base);
      const flips = 1 + int(8);
      for (let k = 0; k < flips; k++) b[int(b.length)] = int(256);
      cases.push(i % 3 === 0 ? b.subarray(0, int(b.length)) : b);
    }
    for (let i = 0; i < 50; i++) {
      const b = Uint8Array.from(real.subarray(0, 20_000 + int(180_000)));
      for (let k = 0; k < 4; k++) b[int(b.length)] = int(256);
      cases.push(b);
    }
    let ok = 0;
    let typed = 0;
    const start = Date.now();
    for (const [i, b] of cases.entries()) {
      const t0 = Date.now();
      try {
        const g = prepareGraph(readOnnx(b, `case${i}`));
        listCuts(g);
        ok++;
      } catch (e) {
        if (!(e instanceof GraphError)) assert.fail(`case ${i} (${b.length} bytes): untyped ${(e as Error).name}: ${(e as Error).message}`);
        typed++;
      }
      assert.ok(Date.now() - t0 < 5000, `case ${i} took ${Date.now() - t0} ms`);
    }
    assert.equal(ok + typed, cases.length);
    assert.ok(typed > 0);
    assert.ok(Date.now() - start < 60_000);
    t.diagnostic(`${cases.length} cases: ${ok} decoded and prepared, ${typed} typed errors, ${Date.now() - start} ms`);
  });
});
