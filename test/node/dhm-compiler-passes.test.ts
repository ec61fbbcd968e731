/**
 * The DHM compiler's passes (src/dhm/compiler.ts), each run on its own on a hand-made head: conv 3→4 3×3 + Relu,
 * two 1×1 convs reading it (no activation, different weight scales), and a Concat of the two. States are built by
 * hand where a pass needs earlier fields, so each test checks one pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floatTensor, makeGraph, makeNode, makeValueInfo, prepareGraph } from '../../src/graph/index';
import { COMPILER_PASSES, compileProgram, compilerContext, runPasses } from '../../src/dhm/compiler';
import { lower } from '../../src/dhm/compiler/lower';
import { calibrate, calibratePass } from '../../src/dhm/compiler/calibrate';
import { signedness } from '../../src/dhm/compiler/signedness';
import { concatRanges } from '../../src/dhm/compiler/concat-ranges';
import { formats } from '../../src/dhm/compiler/formats';
import { weights } from '../../src/dhm/compiler/weights';
import { emit } from '../../src/dhm/compiler/emit';
import { validate } from '../../src/dhm/compiler/validate';
import { QuantizeError, estimateAssumedRange, type CalibrationStats, type CompileOptions } from '../../src/dhm/compiler/options';
import type { CompilerState } from '../../src/dhm/compiler/state';
import { convBiasBound, formatName, type ConvLayer } from '../../src/dhm/program';
import { DhmProgramError } from '../../src/dhm/validate';

const head = (biasC2 = 0.1) => prepareGraph(makeGraph({
  inputs: [makeValueInfo('x', [1, 3, 8, 8])], outputs: [makeValueInfo('z', [1, 4, 8, 8])],
  nodes: [
    makeNode('Conv', ['x', 'w1', 'b1'], ['y1'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'c1'),
    makeNode('Relu', ['y1'], ['r1'], {}, 'relu1'),
    makeNode('Conv', ['r1', 'w2', 'b2'], ['y2'], { kernel_shape: [1, 1] }, 'c2'),
    makeNode('Conv', ['r1', 'w3'], ['y3'], { kernel_shape: [1, 1] }, 'c3'),
    makeNode('Concat', ['y2', 'y3'], ['z'], { axis: 1 }, 'cat'),
  ],
  initializers: [
    floatTensor('w1', [4, 3, 3, 3], (i) => ((i % 7) - 3) / 50), floatTensor('b1', [4], (i) => i / 10),
    floatTensor('w2', [2, 4, 1, 1], (i) => (i % 2 ? 1 : -1) * (0.5 + i / 10)), floatTensor('b2', [2], () => biasC2),
    floatTensor('w3', [2, 4, 1, 1], (i) => (i % 3) / 100 - 0.01),
  ],
}));
const frame = Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37) % 256);
const OPTS: CompileOptions = { preprocessing: 'torch224', calibrationFrames: [frame], bits: 8, weightBits: 8 };
const ctx = compilerContext(OPTS);
const stat = (range: number): CalibrationStats => ({ min: -range, max: range, range });

test('the pass list is the table of contents: lower, calibrate, signedness, concat-ranges, formats, weights, emit, validate', () => {
  assert.deepEqual(COMPILER_PASSES.map(([n]) => n), ['lower', 'calibrate', 'signedness', 'concat-ranges', 'formats', 'weights', 'emit', 'validate']);
  const s = runPasses({ graph: head() }, ctx, 'formats');
  assert.ok(s.formats && !s.convs && !s.program, 'runPasses stops after the named pass');
});

test('a pass run before the pass it depends on names both', () => {
  assert.throws(() => signedness({ graph: head() }, ctx), /compiler pass 'signedness' needs 'floatHead' \(run pass 'lower' first\)/);
  assert.throws(() => emit({ graph: head() }, ctx), /needs 'floatHead'/);
});

test('lower: four float layers (Relu fused into c1), frames checked against the head input, override keys checked', () => {
  const s = lower({ graph: head() }, ctx);
  assert.deepEqual(s.floatHead!.layers.map((l) => `${l.kind}:${l.name}:${l.output}`), ['conv:c1:r1', 'conv:c2:y2', 'conv:c3:y3', 'wire:cat:z']);
  assert.equal(s.frames!.length, 1);
  assert.throws(() => lower({ graph: head() }, compilerContext({ ...OPTS, calibrationFrames: [new Uint8Array(5)] })), (e: unknown) => e instanceof QuantizeError && /calibration frame 0 has 5 bytes, expected 8×8×3/.test((e as Error).message));
  assert.throws(() => lower({ graph: head() }, compilerContext({ ...OPTS, overrides: { c9: { bits: 6 } } })), (e: unknown) => e instanceof QuantizeError && /override names no layer/.test((e as Error).message));
  assert.throws(() => lower({ graph: head() }, compilerContext({ ...OPTS, calibrationFrames: [] })), /at least one calibration frame/);
});

test('calibrate: measured statistics in calibrated mode; the assumed range, without frames, in estimate mode', () => {
  const s = lower({ graph: head() }, ctx);
  const measured = calibratePass(s, ctx).stats!;
  assert.deepEqual([...measured], [...calibrate(s.floatHead!, [frame])]);
  assert.ok(measured.get('r1')!.min >= 0 && measured.get('r1')!.max > 0);
  const est = compilerContext({ ...OPTS, mode: 'estimate', calibrationFrames: [], bits: 6 });
  const assumed = calibratePass(lower({ graph: head() }, est), est).stats!;
  for (const id of ['x', 'r1', 'y2', 'y3', 'z']) assert.deepEqual(assumed.get(id), stat(estimateAssumedRange(6)), id);
  assert.equal(estimateAssumedRange(6), 4);
  assert.equal(estimateAssumedRange(8), 8);
});

test('signedness: input and relu outputs unsigned, convs without activation and the concat of signed streams signed', () => {
  const s = signedness(lower({ graph: head() }, ctx), ctx);
  assert.deepEqual(Object.fromEntries(s.signed!), { x: false, r1: false, y2: true, y3: true, z: true });
});

test('concat-ranges: producers read only by the concat adopt its joint range; others keep theirs', () => {
  const base = signedness(lower({ graph: head() }, ctx), ctx);
  const stats = new Map([['x', stat(255)], ['r1', stat(2)], ['y2', stat(3)], ['y3', stat(0.5)], ['z', stat(3)]]);
  const s = concatRanges({ ...base, stats }, ctx);
  assert.deepEqual(Object.fromEntries(s.ranges!), { x: 255, r1: 2, y2: 3, y3: 3, z: 3 });
});

test('formats: input UFIXED<8,8>; the most fractional bits covering each range; the concat keeps its inputs\' common format', () => {
  const base = signedness(lower({ graph: head() }, ctx), ctx);
  const ranges = new Map([['x', 255], ['r1', 2], ['y2', 3], ['y3', 3], ['z', 3]]);
  const s = formats({ ...base, ranges }, ctx);
  assert.deepEqual(Object.fromEntries([...s.formats!].map(([k, f]) => [k, formatName(f)])),
    { x: 'UFIXED<8,8>', r1: 'UFIXED<8,2>', y2: 'FIXED<8,3>', y3: 'FIXED<8,3>', z: 'FIXED<8,3>' });
  const six = formats({ ...base, ranges }, compilerContext({ ...OPTS, overrides: { c2: { bits: 6 } } }));
  assert.equal(formatName(six.formats!.get('y2')!), 'FIXED<6,3>');
  assert.equal(formatName(six.formats!.get('z')!), 'FIXED<8,3>', 'inputs of different widths: the concat gets its own format');
});

test('weights: pow2 codes in range, shift = frac(in) + frac(w) − frac(out), and a large bias caps the weight scale to fit one tree leaf', () => {
  const upTo = (g: ReturnType<typeof head>) => {
    const s = signedness(lower({ graph: g }, ctx), ctx);
    const ranges = new Map([['x', 255], ['r1', 2], ['y2', 3], ['y3', 3], ['z', 3]]);
    return formats({ ...s, ranges }, ctx);
  };
  const small = weights(upTo(head()), ctx).convs!.get('c2')!;
  assert.equal(formatName(small.weightFormat), 'FIXED<8,2>', 'max |w| = 1.2 → 6 fractional bits (1.2·2^6 = 76.8 ≤ 127 < 1.2·2^7)');
  assert.deepEqual(Array.from(small.shift), [6 + 6 - 5, 6 + 6 - 5]);
  const bigState = upTo(head(1000));
  const big = weights(bigState, ctx).convs!.get('c2')!;
  assert.ok(big.weightFormat.intBits > small.weightFormat.intBits, `bias 1000 caps the weight scale: ${formatName(big.weightFormat)}`);
  const bound = convBiasBound({ inChannels: 4, outChannels: 2, groups: 1, kernelH: 1, kernelW: 1, weightFormat: big.weightFormat } as ConvLayer, bigState.formats!.get('r1')!);
  for (const b of big.bias) assert.ok(Math.abs(b) <= bound, `|bias| ${b} ≤ ${bound}`);
});

test('emit and validate: a valid program; alignment shifts 0 into the concat; validate rejects a broken program naming the layer', () => {
  const s = runPasses({ graph: head() }, ctx, 'emit');
  const p = s.program!;
  assert.deepEqual(p.layers.map((l) => l.kind), ['conv', 'conv', 'conv', 'wire']);
  const cat = p.layers[3]!;
  assert.ok(cat.kind === 'wire' && cat.shifts.every((x) => x === 0));
  assert.equal(p.meta.calibrationFrames, 1);
  validate(s, ctx);
  const c2 = p.layers[1] as ConvLayer;
  const broken: CompilerState = { ...s, program: { ...p, layers: [p.layers[0]!, { ...c2, shift: Int32Array.from([99, 99]) }, ...p.layers.slice(2)] } };
  assert.throws(() => validate(broken, ctx), (e: unknown) => e instanceof DhmProgramError && /c2/.test((e as Error).message));
});

test('estimate mode is the calibrated code path with the assumed statistics: same program except meta', () => {
  const est = compileProgram(head(), { ...OPTS, mode: 'estimate', calibrationFrames: [] }).program;
  const assumed = new Map(['x', 'r1', 'y2', 'y3', 'z'].map((id) => [id, stat(estimateAssumedRange(8))]));
  const cal = compileProgram(head(), { ...OPTS, calibration: assumed }).program;
  assert.deepEqual({ ...est, meta: {} }, { ...cal, meta: {} });
  assert.equal(est.meta.calibrated, false);
  assert.equal(est.meta.calibrationFrames, 0);
  assert.equal(cal.meta.calibrated, undefined);
});
