/**
 * The DHM compiler: float lowering (with the input normalisation folded into the first conv) reproduces
 * onnxruntime-web's float head; program properties (formats, pad values, weight codes, shifts); options and
 * per-layer overrides; Haddoc2 mode; typed errors for unsupported ops and bad options; the per-tensor report.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { prepareGraph, makeGraph, makeNode, makeValueInfo, floatTensor, splitAt, writeOnnx } from '../../src/graph/index';
import { frameToTensor } from '../../src/image/preprocess';
import { lowerHead, evalFloatHead, UnsupportedHeadOpError } from '../../src/dhm/float';
import { compileHead, QuantizeError, chooseFormat, formatReport } from '../../src/dhm/quantize';
import { dequantize, dequantizeOutput } from '../../src/dhm/dequantize';
import { runReference } from '../../src/dhm/reference';
import { formatName, formatRange, fracBits, parseFormat, type ConvLayer } from '../../src/dhm/program';
import { compileAt, loadModel, PAPER_MODELS } from './helpers/dhm-heads';

ort.env.wasm.numThreads = 1;

describe('float lowering == onnxruntime-web on the head ONNX (normalisation folded, §8; squeezenet1.0 is the caffe BGR recipe)', () => {
  const cases: [string, number][] = [['squeezenet1.1', 0], ['squeezenet1.1', 2], ['mobilenetv2', 0], ['mobilenetv2', 3], ['shufflenetv2', 0], ['shufflenetv2', 3], ['squeezenet1.0', 1]];
  for (const [id, cut] of cases) {
    test(`${id} cut ${cut}`, { timeout: 120_000 }, async () => {
      const l = loadModel(id);
      const s = splitAt(l.graph, cut);
      const fh = lowerHead(s.head, l.model.preprocessing);
      const frame = l.frames[0]!;
      const mine = evalFloatHead(fh, frame.data).get(fh.output)!;
      const sess = await ort.InferenceSession.create(writeOnnx(s.head));
      const t = frameToTensor(frame, l.model.preprocessing);
      const out = await sess.run({ [sess.inputNames[0]!]: new ort.Tensor('float32', t.data, t.dims as number[]) });
      const theirs = out[sess.outputNames[0]!]!.data as Float32Array;
      assert.equal(mine.length, theirs.length);
      let maxAbs = 0, maxDiff = 0;
      for (let i = 0; i < mine.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(theirs[i]!));
        maxDiff = Math.max(maxDiff, Math.abs(mine[i]! - theirs[i]!));
      }
      assert.ok(maxAbs > 0.1, 'non-trivial output');
      assert.ok(maxDiff <= 1e-4 * maxAbs + 1e-4, `${id} cut ${cut}: max |float64 lowering − ORT| = ${maxDiff} (max |y| = ${maxAbs})`);
      await sess.release();
    });
  }
});

describe('compiled programs (default 8-bit options)', () => {
  for (const id of PAPER_MODELS) {
    test(`${id} cut 0: formats, pad values, weight codes, shifts`, () => {
      const { program } = compileAt(id, 0);
      const c = program.layers[0] as ConvLayer;
      assert.equal(c.kind, 'conv');
      assert.equal(formatName(program.input.format), 'UFIXED<8,8>');
      assert.deepEqual([...c.padValue], [124, 116, 104], 'round(255·mean) for the torch recipe');
      assert.equal(c.weightFormat.bits, 8);
      const wr = formatRange(c.weightFormat);
      let maxW = 0;
      for (const w of c.weights) maxW = Math.max(maxW, Math.abs(w));
      assert.ok(maxW >= 64 && maxW <= wr.max + 1, `the largest weight uses the top bit (max |code| ${maxW})`);
      const out = program.streams[program.output]!.format;
      assert.equal(out.bits, 8);
      assert.equal(out.signed, false, 'relu/relu6 output is unsigned');
      for (const s of c.shift) assert.equal(s, fracBits(program.input.format) + fracBits(c.weightFormat) - fracBits(out));
    });
  }
  test('squeezenet1.0 (caffe recipe, BGR): padValue = caffe means in R,G,B order, weights permuted to pixel order', () => {
    const l = loadModel('squeezenet1.0');
    const head = splitAt(l.graph, 0).head;
    const r = compileHead(head, { preprocessing: l.model.preprocessing, calibrationFrames: [l.frames[0]!], report: false });
    const c = r.program.layers[0] as ConvLayer;
    assert.deepEqual([...c.padValue], [123, 117, 104]);
    assert.equal(r.program.input.height, 227);
    // Folded float weights: pixel channel R (0) holds the model's channel 2 (B→R swap), scale 1, std 1.
    const fc = r.floatHead.layers[0]!;
    const w = l.graph.initializers.get(head.nodes[0]!.inputs[1]!)!.data as Float32Array;
    const k2 = c.kernelH * c.kernelW;
    if (fc.kind === 'conv') for (let k = 0; k < k2; k++) assert.equal(fc.weights[k], w[2 * k2 + k]);
  });
  test('calibration max-abs: the chosen format covers the observed max and nothing clips on the calibration frames', () => {
    const r = compileAt('mobilenetv2', 3, { report: true });
    assert.equal(r.report.length, r.program.layers.length);
    for (const row of r.report) {
      const f = parseFormat(row.format);
      const { max } = formatRange(f);
      assert.ok(row.range <= max * 2 ** -fracBits(f) + 1e-12, `${row.stream}: range ${row.range} within ${row.format}`);
      assert.equal(row.clippedFraction, 0, row.stream);
      assert.ok(row.sqnrDb > 5, `${row.stream}: SQNR ${row.sqnrDb} dB`);
    }
    assert.ok(r.report[0]!.sqnrDb > 25, `first layer SQNR ${r.report[0]!.sqnrDb} dB`);
    console.log(formatReport(r.report));
  });
  test('chooseFormat: most fractional bits that still cover the range', () => {
    assert.equal(formatName(chooseFormat(6, 8, false)), 'UFIXED<8,3>');
    assert.equal(formatName(chooseFormat(7.96, 8, false)), 'UFIXED<8,3>');
    assert.equal(formatName(chooseFormat(7.97, 8, false)), 'UFIXED<8,4>');
    assert.equal(formatName(chooseFormat(8, 8, false)), 'UFIXED<8,4>');
    assert.equal(formatName(chooseFormat(3.9, 8, true)), 'FIXED<8,3>');
    assert.equal(formatName(chooseFormat(4, 8, true)), 'FIXED<8,4>');
    assert.equal(formatName(chooseFormat(0.01, 8, true)), 'FIXED<8,-5>');
  });
});

describe('options and overrides', () => {
  test('bits 4..16 change every stream and the weights; dequantised outputs get closer to float as bits grow', () => {
    const sq: number[] = [];
    for (const bits of [4, 8, 12, 16]) {
      const r = compileAt('squeezenet1.1', 1, { bits, weightBits: bits, report: true });
      for (const l of r.program.layers) assert.equal(r.program.streams[l.output]!.format.bits, bits);
      assert.equal((r.program.layers[0] as ConvLayer).weightFormat.bits, bits);
      sq.push(r.report.at(-1)!.sqnrDb);
    }
    for (let i = 1; i < sq.length; i++) assert.ok(sq[i]! > sq[i - 1]! + 5, `SQNR grows with bits: ${sq.map((x) => x.toFixed(1)).join(' < ')}`);
  });
  test('per-layer overrides (rounding, overflow, bits, activation) by layer name', () => {
    const base = compileAt('squeezenet1.1', 2);
    const name = base.program.layers[2]!.name;
    const r = compileAt('squeezenet1.1', 2, { overrides: { [name]: { rounding: 'floor', overflow: 'wrap', bits: 12 } } });
    const l = r.program.layers[2] as ConvLayer;
    assert.equal(l.rounding, 'floor');
    assert.equal(l.overflow, 'wrap');
    assert.equal(r.program.streams[l.output]!.format.bits, 12);
    assert.equal((r.program.layers[0] as ConvLayer).rounding, 'half-up', 'other layers keep the default');
    assert.throws(() => compileAt('squeezenet1.1', 2, { overrides: { nosuchlayer: { bits: 8 } } } as never), (e: unknown) => e instanceof QuantizeError && /nosuchlayer/.test((e as Error).message));
  });
  test('activation override: Haddoc2 hard-tanh makes the stream signed and clamps to [−1, 1]', () => {
    const base = compileAt('squeezenet1.1', 0);
    const name = base.program.layers[0]!.name;
    const r = compileAt('squeezenet1.1', 0, { weightQuant: 'haddoc2', overrides: { [name]: { activation: 'hardtanh' } }, report: true });
    const c = r.program.layers[0] as ConvLayer;
    assert.equal(c.activation, 'hardtanh');
    const f = r.program.streams[c.output]!.format;
    assert.equal(f.signed, true);
    const out = runReference(r.program, loadModel('squeezenet1.1').frames[0]!.data).output;
    const one = 2 ** fracBits(f);
    for (const v of out) assert.ok(v >= -one && v <= one, `hard-tanh output ${v} within ±${one}`);
  });
  test('percentile range rule: formats no wider than max-abs, and the clipped fraction is reported', () => {
    const maxAbs = compileAt('squeezenet1.1', 1, { report: true });
    const pct = compileAt('squeezenet1.1', 1, { range: 'percentile', percentile: 99, report: true });
    for (let i = 0; i < pct.report.length; i++) {
      assert.ok(parseFormat(pct.report[i]!.format).intBits <= parseFormat(maxAbs.report[i]!.format).intBits, pct.report[i]!.stream);
    }
    assert.ok(pct.report.some((t) => t.clippedFraction > 0), 'the 99th percentile clips some values');
    assert.ok(pct.report.every((t) => t.clippedFraction < 0.02), 'but few');
  });
  test('bad options are typed errors naming the option', () => {
    assert.throws(() => compileAt('squeezenet1.1', 0, { bits: 3 }), (e: unknown) => e instanceof QuantizeError && /bits must be an integer 4\.\.16, got 3/.test((e as Error).message));
    assert.throws(() => compileAt('squeezenet1.1', 0, { rounding: 'nearest' as never }), (e: unknown) => e instanceof QuantizeError && /rounding/.test((e as Error).message));
    const l = loadModel('squeezenet1.1');
    const head = splitAt(l.graph, 0).head;
    assert.throws(() => compileHead(head, { preprocessing: 'torch224', calibrationFrames: [new Uint8Array(10)] }), (e: unknown) => e instanceof QuantizeError && /calibration frame 0 has 10 bytes/.test((e as Error).message));
  });
  test('per-channel pow2 scales: weightFracBits per output channel, shift follows it', () => {
    const r = compileAt('mobilenetv2', 1, { perChannel: true, report: true });
    const dw = r.program.layers[1] as ConvLayer;
    assert.ok(dw.weightFracBits, 'weightFracBits present');
    assert.ok(new Set(dw.weightFracBits).size > 1, 'channels differ in scale');
    const inF = r.program.streams[dw.input]!.format, outF = r.program.streams[dw.output]!.format;
    for (let o = 0; o < dw.outChannels; o++) assert.equal(dw.shift[o], fracBits(inF) + dw.weightFracBits![o]! - fracBits(outF));
    const perLayer = compileAt('mobilenetv2', 1, { report: true });
    assert.ok(r.report[1]!.sqnrDb > perLayer.report[1]!.sqnrDb, `per-channel improves the depthwise layer: ${r.report[1]!.sqnrDb.toFixed(1)} vs ${perLayer.report[1]!.sqnrDb.toFixed(1)} dB`);
  });
  test('Haddoc2 mode: weights clip(round(w·(2^(N−1)−1))) read as FIXED<N,1>', () => {
    const r = compileAt('squeezenet1.1', 0, { weightQuant: 'haddoc2' });
    const c = r.program.layers[0] as ConvLayer;
    const fc = r.floatHead.layers[0]!;
    assert.equal(fc.kind, 'conv');
    assert.equal(formatName(c.weightFormat), 'FIXED<8,1>');
    assert.equal(c.weightQuant, 'haddoc2');
    if (fc.kind !== 'conv') return;
    for (let i = 0; i < c.weights.length; i += 97) {
      const w: number = fc.weights[i]!;
      assert.equal(c.weights[i], Math.max(-127, Math.min(127, Math.sign(w) * Math.round(Math.abs(w) * 127))) + 0);
    }
    runReference(r.program, loadModel('squeezenet1.1').frames[0]!.data);
  });
});

describe('unsupported heads: typed errors naming node and op', () => {
  const graphWith = (second: ReturnType<typeof makeNode>) => prepareGraph(makeGraph({
    inputs: [makeValueInfo('x', [1, 3, 8, 8])], outputs: [makeValueInfo('z', [1, 4, 8, 8])],
    nodes: [makeNode('Conv', ['x', 'w', 'b'], ['y'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv'), second],
    initializers: [floatTensor('w', [4, 3, 3, 3], (i) => ((i % 7) - 3) / 10), floatTensor('b', [4], () => 0.1)],
  }));
  test('Sigmoid after a conv', () => {
    const g = graphWith(makeNode('Sigmoid', ['y'], ['z'], {}, 'sig'));
    assert.throws(() => lowerHead(g, 'torch224'), (e: unknown) => e instanceof UnsupportedHeadOpError && e.nodeName === 'sig' && e.opType === 'Sigmoid');
  });
  test('Clip with other bounds than (0, 6)', () => {
    const g = prepareGraph(makeGraph({
      inputs: [makeValueInfo('x', [1, 3, 8, 8])], outputs: [makeValueInfo('z', [1, 4, 8, 8])],
      nodes: [makeNode('Conv', ['x', 'w'], ['y'], { kernel_shape: [1, 1] }, 'conv'), makeNode('Clip', ['y', 'lo', 'hi'], ['z'], {}, 'clip')],
      initializers: [floatTensor('w', [4, 3, 1, 1], () => 0.5), floatTensor('lo', [], () => -1), floatTensor('hi', [], () => 1)],
    }));
    assert.throws(() => lowerHead(g, 'torch224'), (e: unknown) => e instanceof UnsupportedHeadOpError && e.nodeName === 'clip' && /Clip/.test((e as Error).message));
  });
  test('a hand-made Conv+Relu head lowers to one conv with fused relu and compiles (SQNR > 20 dB)', () => {
    const g = graphWith(makeNode('Relu', ['y'], ['z'], {}, 'relu'));
    const fh = lowerHead(g, 'torch224');
    assert.equal(fh.layers.length, 1);
    assert.equal(fh.layers[0]!.kind === 'conv' && fh.layers[0]!.activation, 'relu');
    const frame = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37) % 256);
    const r = compileHead(g, { preprocessing: 'torch224', calibrationFrames: [frame], report: true });
    assert.ok(r.report[0]!.sqnrDb > 20, `SQNR ${r.report[0]!.sqnrDb}`);
  });
});

describe('dequantize', () => {
  test('code · 2^−fracBits, NCHW preserved', () => {
    assert.deepEqual([...dequantize(Int32Array.from([-128, -1, 0, 1, 127]), parseFormat('FIXED<8,3>'))], [-4, -1 / 32, 0, 1 / 32, 127 / 32]);
    assert.deepEqual([...dequantize(Int32Array.from([3, 255]), parseFormat('UFIXED<8,10>'))], [12, 1020]);
    const { program } = compileAt('shufflenetv2', 0);
    const out = runReference(program, loadModel('shufflenetv2').frames[1]!.data).output;
    const d = dequantizeOutput(program, out);
    assert.deepEqual(d.dims, [1, 24, 112, 112]);
    assert.throws(() => dequantizeOutput(program, out.subarray(1)), RangeError);
  });
});
