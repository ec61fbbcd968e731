/**
 * The reference executor against hand-computed tables (docs/datapath.md §3–§7): rounding ties under each mode,
 * extreme values, saturate vs wrap, activations, padding values, max-pool ceil mode, add/wire alignment,
 * channel shuffle; and typed validation errors naming layer and field.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  roundShift, activate, overflowTo, runReference, validateProgram, DhmProgramError, parseFormat, formatName,
  convAccumulatorBits,
  type ConvLayer, type DhmLayer, type DhmProgram, type FixedFormat, type Rounding, type StreamInfo,
} from '../../src/dhm/index';
import { randomProgram, randomFrame } from '../../src/dhm/random';

const F = parseFormat;

describe('roundShift (§4): ties and extremes under each rounding mode', () => {
  // [v, s, floor, half-up, half-even]
  const table: [number, number, number, number, number][] = [
    [3, 1, 1, 2, 2], [5, 1, 2, 3, 2], [-3, 1, -2, -1, -2], [-5, 1, -3, -2, -2],
    [6, 2, 1, 2, 2], [10, 2, 2, 3, 2], [-6, 2, -2, -1, -2], [-10, 2, -3, -2, -2],
    [7, 2, 1, 2, 2], [-7, 2, -2, -2, -2], [5, 2, 1, 1, 1], [-5, 2, -2, -1, -1],
    [-1, 4, -1, 0, 0], [1, 4, 0, 0, 0], [8, 4, 0, 1, 0], [24, 4, 1, 2, 2], [-8, 4, -1, 0, 0], [-24, 4, -2, -1, -2],
    [0, 7, 0, 0, 0], [127, 0, 127, 127, 127], [-128, 0, -128, -128, -128],
    [2 ** 52 - 1, 1, 2 ** 51 - 1, 2 ** 51, 2 ** 51], [-(2 ** 52), 48, -16, -16, -16], [2 ** 52 - 1, 48, 15, 16, 16],
    [-(2 ** 52) + 1, 1, -(2 ** 51), -(2 ** 51) + 1, -(2 ** 51)],
  ];
  for (const [v, s, fl, hu, he] of table) {
    test(`v=${v} s=${s} → floor ${fl}, half-up ${hu}, half-even ${he}`, () => {
      assert.equal(roundShift(v, s, 'floor'), fl);
      assert.equal(roundShift(v, s, 'half-up'), hu);
      assert.equal(roundShift(v, s, 'half-even'), he);
    });
  }
  test('s ≤ 0 is an exact left shift, the same in every mode', () => {
    for (const mode of ['floor', 'half-up', 'half-even'] as Rounding[]) {
      assert.equal(roundShift(-3, -3, mode), -24);
      assert.equal(roundShift(-(2 ** 46), -16, mode), -(2 ** 62));
      assert.equal(roundShift(2 ** 46 - 1, -16, mode), (2 ** 46 - 1) * 65536);
    }
  });
});

describe('overflow (§6): saturate vs wrap', () => {
  // [format, v, saturate, wrap]
  const table: [string, number, number, number][] = [
    ['FIXED<8,8>', 200, 127, -56], ['FIXED<8,8>', -200, -128, 56], ['FIXED<8,2>', 128, 127, -128], ['FIXED<8,0>', -129, -128, 127],
    ['FIXED<8,3>', 127, 127, 127], ['FIXED<8,3>', -128, -128, -128], ['FIXED<4,1>', 8, 7, -8], ['FIXED<1,1>', 1, 0, -1],
    ['UFIXED<8,8>', -5, 0, 251], ['UFIXED<8,8>', 300, 255, 44], ['UFIXED<8,3>', -1, 0, 255], ['UFIXED<8,3>', 256, 255, 0],
    ['FIXED<16,4>', 2 ** 62 + 3 * 2 ** 14, 32767, -16384], ['UFIXED<16,4>', -(2 ** 62) - 2 ** 12, 0, 61440],
    ['FIXED<16,4>', 97155, 32767, 97155 - 65536],
  ];
  for (const [f, v, sat, wrap] of table) {
    test(`${f} v=${v} → saturate ${sat}, wrap ${wrap}`, () => {
      assert.equal(overflowTo(v, F(f), 'saturate'), sat);
      assert.equal(overflowTo(v, F(f), 'wrap'), wrap);
    });
  }
});

describe('activation (§5) in output codes', () => {
  const table: [string, string, number, number][] = [
    ['relu', 'FIXED<8,3>', -7, 0], ['relu', 'FIXED<8,3>', 7, 7],
    ['relu6', 'UFIXED<8,3>', 200, 192], ['relu6', 'UFIXED<8,3>', 191, 191], ['relu6', 'UFIXED<8,3>', -3, 0],
    ['relu6', 'UFIXED<8,9>', 5, 3], ['relu6', 'UFIXED<8,10>', 5, 1],
    ['hardtanh', 'FIXED<8,4>', -100, -16], ['hardtanh', 'FIXED<8,4>', 100, 16], ['hardtanh', 'FIXED<8,4>', 5, 5], ['hardtanh', 'FIXED<8,10>', 5, 0],
    ['none', 'FIXED<8,4>', -1000, -1000],
  ];
  for (const [a, f, v, want] of table) {
    test(`${a} in ${f}: ${v} → ${want}`, () => assert.equal(activate(v, a as 'relu', F(f)), want));
  }
});

/** A program: input H×W RGB, then the given layers with their output streams. */
function program(h: number, w: number, layers: DhmLayer[], streams: Record<string, StreamInfo>, output: string): DhmProgram {
  return {
    version: 1, meta: { test: true },
    input: { id: 'in', channels: 3, height: h, width: w, format: F('UFIXED<8,8>') },
    streams: { in: { channels: 3, height: h, width: w, format: F('UFIXED<8,8>') }, ...streams },
    layers, output,
  };
}

function conv(name: string, input: string, output: string, o: Partial<Omit<ConvLayer, 'weights'>> & { inChannels: number; outChannels: number; weights: number[] }): ConvLayer {
  const k = o.kernelH ?? 1;
  return {
    kind: 'conv', name, input, output, kernelH: k, kernelW: o.kernelW ?? k, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, groups: 1, weightFormat: F('FIXED<8,1>'), rounding: 'floor', overflow: 'saturate',
    activation: 'none', weightQuant: 'pow2', ...o,
    padValue: o.padValue ?? new Int32Array(o.inChannels), bias: o.bias ?? new Int32Array(o.outChannels), shift: o.shift ?? new Int32Array(o.outChannels),
    weights: Int32Array.from(o.weights),
  };
}

const frame = (...px: [number, number, number][]): Uint8Array => Uint8Array.from(px.flat());

describe('conv datapath (§3) on hand-built programs', () => {
  test('saturate vs wrap at the largest accumulator: 3·255·127 = 97155', () => {
    for (const [ov, want] of [['saturate', 127], ['wrap', 97155 % 256 - 256]] as const) {
      const p = program(1, 1, [conv('c', 'in', 'y', { inChannels: 3, outChannels: 1, weights: [127, 127, 127], overflow: ov })],
        { y: { channels: 1, height: 1, width: 1, format: F('FIXED<8,8>') } }, 'y');
      assert.deepEqual([...runReference(p, frame([255, 255, 255])).output], [want], ov);
    }
  });
  test('ties after the shift follow the layer rounding mode (+3, +5, −3, −5 by 1 bit)', () => {
    const want: Record<Rounding, number[]> = { floor: [1, 2, -2, -3], 'half-up': [2, 3, -1, -2], 'half-even': [2, 2, -2, -2] };
    for (const mode of ['floor', 'half-up', 'half-even'] as Rounding[]) {
      const p = program(1, 2, [conv('c', 'in', 'y', { inChannels: 3, outChannels: 2, weights: [1, 0, 0, -1, 0, 0], shift: Int32Array.from([1, 1]), rounding: mode })],
        { y: { channels: 2, height: 1, width: 2, format: F('FIXED<8,8>') } }, 'y');
      const out = runReference(p, frame([3, 0, 0], [5, 0, 0])).output; // NCHW: ch0 = [+3>>1, +5>>1], ch1 = [−3>>1, −5>>1]
      assert.deepEqual([...out], want[mode], mode);
    }
  });
  test('padded taps read padValue[c] of their own channel; bias and relu6 apply in order', () => {
    // 3×3 kernel of ones on channel G only, pad 1 around a 1×1 image: 1 real tap + 8 padded taps of padValue[1] = 20.
    const w: number[] = new Array<number>(27).fill(0);
    for (let k = 9; k < 18; k++) w[k] = 1;
    const mk = (act: 'none' | 'relu6', bias: number) => program(1, 1, [conv('c', 'in', 'y', {
      inChannels: 3, outChannels: 1, kernelH: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, weights: w,
      padValue: Int32Array.from([10, 20, 30]), bias: Int32Array.from([bias]), activation: act,
    })], { y: { channels: 1, height: 1, width: 1, format: F('UFIXED<8,5>') } }, 'y');
    assert.deepEqual([...runReference(mk('none', 0), frame([0, 7, 0])).output], [7 + 8 * 20]);
    assert.deepEqual([...runReference(mk('none', -100), frame([0, 7, 0])).output], [67]);
    assert.deepEqual([...runReference(mk('relu6', 0), frame([0, 7, 0])).output], [6 * 8], 'relu6 clamps at 6·2^3 = 48 before overflow');
    assert.deepEqual([...runReference(mk('relu6', -200), frame([0, 7, 0])).output], [0]);
  });
  test('grouped conv reads only its group; stride and dilation pick the documented taps', () => {
    // 3 groups, 1×1: out[o] = in[o]·(o+1)
    const p = program(1, 1, [conv('g', 'in', 'y', { inChannels: 3, outChannels: 3, groups: 3, weights: [1, 2, 3] })],
      { y: { channels: 3, height: 1, width: 1, format: F('FIXED<16,16>') } }, 'y');
    assert.deepEqual([...runReference(p, frame([5, 6, 7])).output], [5, 12, 21]);
    // 1×2 kernel, dilation 2, stride 2 on a 1×5 row of R = 1,2,3,4,5: taps (0,2) and (2,4) → [1+3·10, 3+5·10]
    const q = program(1, 5, [conv('d', 'in', 'y', { inChannels: 3, outChannels: 1, kernelH: 1, kernelW: 2, dilationW: 2, strideW: 2, weights: [1, 10, 0, 0, 0, 0] })],
      { y: { channels: 1, height: 1, width: 2, format: F('FIXED<16,16>') } }, 'y');
    assert.deepEqual([...runReference(q, frame([1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 0, 0], [5, 0, 0])).output], [31, 53]);
  });
  test('accumulator width formula (§3.2)', () => {
    const c = conv('c', 'in', 'y', { inChannels: 3, outChannels: 1, kernelH: 3, weights: new Array<number>(27).fill(0) });
    assert.equal(convAccumulatorBits(c, F('UFIXED<8,8>')), 9 + 8 + 5);
    assert.equal(convAccumulatorBits({ ...c, weightFormat: F('FIXED<16,2>') }, F('FIXED<16,4>')), 16 + 16 + 5);
  });
});

describe('max-pool, add, wire (§7)', () => {
  test('max-pool 3×3 s2 ceil mode on a 1×6 row: 3 outputs, the last window clipped at the border', () => {
    const p = program(1, 6, [
      conv('c', 'in', 'a', { inChannels: 3, outChannels: 1, weights: [1, 0, 0], weightFormat: F('FIXED<8,8>') }),
      { kind: 'maxpool', name: 'p', input: 'a', output: 'y', kernelH: 1, kernelW: 3, strideH: 1, strideW: 2, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, ceilMode: true },
    ], { a: { channels: 1, height: 1, width: 6, format: F('FIXED<12,12>') }, y: { channels: 1, height: 1, width: 3, format: F('FIXED<12,12>') } }, 'y');
    const r = runReference(p, frame([1, 0, 0], [9, 0, 0], [3, 0, 0], [2, 0, 0], [4, 0, 0], [8, 0, 0]));
    assert.deepEqual([...r.output], [9, 4, 8]); // windows {1,9,3}, {3,2,4}, {4,8}
  });
  test('max-pool ignores padding even when every real value is negative', () => {
    const p = program(1, 2, [
      conv('c', 'in', 'a', { inChannels: 3, outChannels: 1, weights: [-1, 0, 0], weightFormat: F('FIXED<8,8>') }),
      { kind: 'maxpool', name: 'p', input: 'a', output: 'y', kernelH: 1, kernelW: 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 1, padBottom: 0, padRight: 1, ceilMode: false },
    ], { a: { channels: 1, height: 1, width: 2, format: F('FIXED<12,12>') }, y: { channels: 1, height: 1, width: 3, format: F('FIXED<12,12>') } }, 'y');
    assert.deepEqual([...runReference(p, frame([5, 0, 0], [7, 0, 0])).output], [-5, -5, -7]);
  });
  test('add aligns each input by its own shift and rounding, then activation and overflow', () => {
    const mk = (rounding: Rounding, act: 'none' | 'relu') => program(1, 1, [
      conv('r', 'in', 'a', { inChannels: 3, outChannels: 1, weights: [1, 0, 0] }),
      conv('g', 'in', 'b', { inChannels: 3, outChannels: 1, weights: [0, -1, 0] }),
      { kind: 'add', name: 'add', inputs: ['a', 'b'], output: 'y', shifts: [1, -1], rounding, overflow: 'saturate', activation: act },
    ], {
      a: { channels: 1, height: 1, width: 1, format: F('FIXED<16,16>') }, b: { channels: 1, height: 1, width: 1, format: F('FIXED<16,16>') },
      y: { channels: 1, height: 1, width: 1, format: F('FIXED<8,8>') },
    }, 'y');
    // a = 5 → 5>>1 = 2 | 3 | 2; b = −3 → −6
    assert.deepEqual([...runReference(mk('floor', 'none'), frame([5, 3, 0])).output], [-4]);
    assert.deepEqual([...runReference(mk('half-up', 'none'), frame([5, 3, 0])).output], [-3]);
    assert.deepEqual([...runReference(mk('half-even', 'none'), frame([5, 3, 0])).output], [-4]);
    assert.deepEqual([...runReference(mk('half-even', 'relu'), frame([5, 3, 0])).output], [0]);
    assert.deepEqual([...runReference(mk('floor', 'none'), frame([255, 255, 0])).output], [-128], 'saturates at the output format');
  });
  test('channel shuffle with 2 groups: output j = a·2 + b takes input b·2 + a; concat and slice select channels', () => {
    const id4 = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0]; // channels R, G, B, R+G
    const fmt = F('FIXED<12,12>');
    const p = program(1, 1, [
      conv('c', 'in', 'a', { inChannels: 3, outChannels: 4, weights: id4 }),
      { kind: 'wire', name: 'sh', op: 'shuffle', inputs: ['a'], output: 's', sourceInput: new Int32Array(4), sourceChannel: Int32Array.from([0, 2, 1, 3]), shifts: [0], rounding: 'floor', overflow: 'saturate' },
      { kind: 'wire', name: 'sl', op: 'slice', inputs: ['s'], output: 't', sourceInput: new Int32Array(2), sourceChannel: Int32Array.from([1, 2]), shifts: [0], rounding: 'floor', overflow: 'saturate' },
      { kind: 'wire', name: 'cat', op: 'concat', inputs: ['t', 'a'], output: 'y', sourceInput: Int32Array.from([0, 0, 1]), sourceChannel: Int32Array.from([0, 1, 3]), shifts: [1, -2], rounding: 'half-up', overflow: 'wrap' },
    ], {
      a: { channels: 4, height: 1, width: 1, format: fmt }, s: { channels: 4, height: 1, width: 1, format: fmt },
      t: { channels: 2, height: 1, width: 1, format: fmt }, y: { channels: 3, height: 1, width: 1, format: F('FIXED<6,6>') },
    }, 'y');
    const r = runReference(p, frame([10, 21, 3]), { keepStreams: true });
    assert.deepEqual([...r.streams!.get('s')!], [10, 3, 21, 31]);
    assert.deepEqual([...r.streams!.get('t')!], [3, 21]);
    // concat: t>>1 half-up: 2, 11; a[3] << 2 = 124 → wrap to 6 bits: 124 − 128 = −4
    assert.deepEqual([...r.output], [2, 11, -4]);
  });
});

describe('validateProgram: typed errors naming layer and field', () => {
  const base = (): DhmProgram => randomProgram(7, { steps: 0 });
  const expectErr = (p: DhmProgram, layer: string, field: RegExp) =>
    assert.throws(() => validateProgram(p), (e: unknown) => e instanceof DhmProgramError && e.layer === layer && field.test(e.field) && e.message.includes('expected'));
  test('random programs validate', () => { for (let s = 1; s <= 50; s++) validateProgram(randomProgram(s)); });
  test('weights of the wrong length', () => {
    const p = base();
    const l = p.layers[0] as ConvLayer;
    expectErr({ ...p, layers: [{ ...l, weights: l.weights.subarray(1) }] }, l.name, /^weights$/);
  });
  test('weight code outside the weight format', () => {
    const p = base();
    const l = p.layers[0] as ConvLayer;
    const w = Int32Array.from(l.weights);
    w[0] = 2 ** (l.weightFormat.bits - 1);
    expectErr({ ...p, layers: [{ ...l, weights: w }] }, l.name, /^weights\[0\]$/);
  });
  test('unknown input stream', () => {
    const p = base();
    const l = p.layers[0] as ConvLayer;
    expectErr({ ...p, layers: [{ ...l, input: 'nope' }] }, l.name, /^input$/);
  });
  test('stream format wider than 16 bits', () => {
    const p = base();
    const l = p.layers[0]!;
    const s = p.streams[l.output]!;
    expectErr({ ...p, streams: { ...p.streams, [l.output]: { ...s, format: { signed: true, bits: 17, intBits: 3 } as FixedFormat } } }, l.name, /format\.bits$/);
  });
  test('bias beyond one adder-tree leaf', () => {
    const p = base();
    const l = p.layers[0] as ConvLayer;
    const b = Int32Array.from(l.bias);
    b[0] = 2 ** 30;
    expectErr({ ...p, layers: [{ ...l, bias: b }] }, l.name, /^bias\[0\]$/);
  });
  test('a window that reads only padding', () => {
    const p = program(1, 1, [conv('c', 'in', 'y', { inChannels: 3, outChannels: 1, kernelH: 1, kernelW: 1, padLeft: 1, weights: [1, 1, 1] })],
      { y: { channels: 1, height: 1, width: 2, format: F('FIXED<8,8>') } }, 'y');
    expectErr(p, 'c', /padLeft/);
  });
  test('wrong output shape and bad rounding mode', () => {
    const p = base();
    const l = p.layers[0] as ConvLayer;
    const s = p.streams[l.output]!;
    expectErr({ ...p, streams: { ...p.streams, [l.output]: { ...s, width: s.width + 1 } } }, l.name, /output stream/);
    expectErr({ ...p, layers: [{ ...l, rounding: 'nearest' as Rounding }] }, l.name, /^rounding$/);
  });
  test('frame of the wrong size', () => {
    const p = base();
    assert.throws(() => runReference(p, new Uint8Array(5)), (e: unknown) => e instanceof DhmProgramError && e.field === 'frame');
    assert.equal(runReference(p, randomFrame(1, p.input.height, p.input.width)).output.length, (() => { const o = p.streams[p.output]!; return o.channels * o.height * o.width; })());
  });
  test('format names round-trip', () => {
    for (const n of ['FIXED<8,3>', 'UFIXED<8,8>', 'FIXED<16,-2>', 'UFIXED<4,6>']) assert.equal(formatName(F(n)), n);
  });
});
