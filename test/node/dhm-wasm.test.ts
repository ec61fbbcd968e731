/**
 * The Wasm emulator (wasm-dhm/ + src/dhm/wasm.ts) against the independent TypeScript reference executor
 * (src/dhm/reference.ts) and the analytic cycle formula (src/dhm/cycles.ts): every integer and every cycle count
 * equal, on seeded random layers and programs (src/dhm/random.ts), through both the SIMD fast paths and the exact
 * i64 datapath; named edge-case tables (ties under each rounding mode, extreme values, saturate vs wrap); typed errors.
 *
 * The .wasm under test: $DHM_WASM if set, else dist/dhm.wasm when it is newer than every wasm-dhm/*.ts source,
 * else a fresh `asc` release build into a temporary folder (same flags as build.mjs: --config wasm-dhm/asconfig.json
 * --target release).
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emulatorWasmPath } from './helpers/wasm';
import { createEmulator, DhmEmulatorError, emulatorStatusCode, type DhmEmulator } from '../../src/dhm/wasm';
import { runReference } from '../../src/dhm/reference';
import { formulaCycles } from '../../src/dhm/cycles';
import { Rng, randomConvProgram, randomFrame, randomProgram } from '../../src/dhm/random';
import { convAccumulatorBits, convBiasBound, convOutputSize, formatRange } from '../../src/dhm/program';
import { DhmProgramError } from '../../src/dhm/validate';
import type { Activation, ConvLayer, DhmProgram, FixedFormat, Overflow, Rounding } from '../../src/dhm/program';


let fast: DhmEmulator;
let exact: DhmEmulator;

before(async () => {
  const bytes = readFileSync(emulatorWasmPath());
  fast = await createEmulator(bytes);
  exact = await createEmulator(bytes, { forceExact: true });
});

/** Asserts emulator == reference (values, per-layer and head cycles) and == formula (cycles), naming the seed. */
function assertAgrees(em: DhmEmulator, program: DhmProgram, frame: Uint8Array, what: string): void {
  const got = em.run(program, frame);
  const ref = runReference(program, frame);
  assert.equal(got.output.length, ref.output.length, `${what}: output length`);
  for (let i = 0; i < ref.output.length; i++) {
    if (got.output[i] !== ref.output[i]) {
      assert.fail(`${what}: output[${i}] (NCHW) wasm ${got.output[i]} ≠ reference ${ref.output[i]} (datapaths ${JSON.stringify(Object.fromEntries(em.prepare(program)))})`);
    }
  }
  assert.deepEqual(got.cycles, ref.cycles, `${what}: cycles differ from the reference simulation`);
  assert.deepEqual(got.cycles, formulaCycles(program), `${what}: cycles differ from the analytic formula`);
}

describe('Wasm emulator vs reference on random programs (fixed seeds)', () => {
  test('250 random single conv layers, SIMD fast paths and exact i64 datapath', () => {
    const used = new Set<string>();
    for (let seed = 1000; seed < 1250; seed++) {
      const p = randomConvProgram(seed);
      const f = randomFrame(seed, p.input.height, p.input.width);
      assertAgrees(fast, p, f, `randomConvProgram(${seed}) fast`);
      assertAgrees(exact, p, f, `randomConvProgram(${seed}) exact`);
      for (const d of fast.prepare(p).values()) used.add(d);
    }
    // The seeds must exercise both SIMD datapaths (forceExact covers the i64 one), else this test proves less than it says.
    assert.deepEqual([...used].sort(), ['depthwise-i32-simd', 'dot16-rows-simd', 'dot16-simd']);
  });

  test('single convs with 33..72 output channels written as the NCHW output (rows16 through its row buffer, incl. channel counts not a multiple of 4 and odd widths)', () => {
    let rowed = 0;
    for (let seed = 3000; seed < 3040; seed++) {
      const p = randomProgram(seed, { steps: 0, maxSize: 23, firstConvChannels: 33 + (seed % 40) });
      const f = randomFrame(seed, p.input.height, p.input.width);
      assertAgrees(fast, p, f, `randomProgram(${seed}, 33+ channels) fast`);
      if ([...fast.prepare(p).values()][0] === 'dot16-rows-simd') rowed++;
    }
    assert.ok(rowed >= 10, `only ${rowed} of 40 programs took the rows16 datapath`);
  });

  test('250 random multi-layer programs (conv, maxpool, add, concat/split/slice/shuffle)', () => {
    const kinds = new Set<string>();
    const used = new Set<string>();
    for (let seed = 1; seed <= 250; seed++) {
      const p = randomProgram(seed);
      const f = randomFrame(seed, p.input.height, p.input.width);
      assertAgrees(fast, p, f, `randomProgram(${seed}) fast`);
      assertAgrees(exact, p, f, `randomProgram(${seed}) exact`);
      for (const l of p.layers) kinds.add(l.kind);
      for (const d of fast.prepare(p).values()) used.add(d);
    }
    assert.deepEqual([...kinds].sort(), ['add', 'conv', 'maxpool', 'wire']);
    assert.deepEqual([...used].sort(), ['depthwise-i32-simd', 'dot16-rows-simd', 'dot16-simd', 'exact-i64'], 'every datapath, the exact one included (wide layers), must be reached in fast mode');
  });

  test('60 larger random programs (up to 40x40 input, 6 steps)', () => {
    for (let seed = 5000; seed < 5060; seed++) {
      const p = randomProgram(seed, { steps: 6, maxSize: 40 });
      const f = randomFrame(seed, p.input.height, p.input.width);
      assertAgrees(fast, p, f, `randomProgram(${seed}, steps 6, 40px) fast`);
    }
  });

  test('the debug build (assertions on, dist/dhm.debug.wasm) agrees too on 40 random programs', async () => {
    const debug = await createEmulator(readFileSync(emulatorWasmPath('debug')));
    for (let seed = 300; seed < 340; seed++) {
      const p = randomProgram(seed);
      assertAgrees(debug, p, randomFrame(seed, p.input.height, p.input.width), `randomProgram(${seed}) debug build`);
    }
  });

  test('depthwise 3x3 layers with horizontal stride 1 and 8..32 channels (the dw16 two-pixel step: odd and even widths, pads, dilationH, strideH)', () => {
    let twoPixel = 0;
    for (let seed = 5000; seed < 5040; seed++) {
      const p = depthwise3x3Program(seed);
      const f = randomFrame(seed, p.input.height, p.input.width);
      assertAgrees(fast, p, f, `depthwise3x3Program(${seed}) fast`);
      assertAgrees(exact, p, f, `depthwise3x3Program(${seed}) exact`);
      const dw = p.layers[1]! as ConvLayer;
      if (fast.prepare(p).get(dw.name) === 'depthwise-i32-simd' && p.streams[dw.output]!.width >= 2) twoPixel++;
    }
    // the i16 variant with the two-pixel step needs codes that fit i16: most seeds must reach it
    assert.ok(twoPixel >= 30, `only ${twoPixel} of 40 programs ran a depthwise layer on the SIMD datapath`);
  });

  test('the same program runs twice with identical results (cached layout, fresh output arrays)', () => {
    const p = randomProgram(7, { steps: 4, maxSize: 20 });
    const f = randomFrame(7, p.input.height, p.input.width);
    const a = fast.run(p, f);
    const b = fast.run(p, f);
    assert.notEqual(a.output, b.output);
    assert.deepEqual(a, b);
    // a caller-provided output array is filled and returned; a wrong size is a typed error
    const into = new Int32Array(a.output.length).fill(-7);
    const c = fast.run(p, f, { output: into });
    assert.equal(c.output, into);
    assert.deepEqual(c.output, a.output);
    assert.throws(() => fast.run(p, f, { output: new Int32Array(a.output.length + 1) }), (e: unknown) => e instanceof DhmEmulatorError && e.code === 'bad-output');
  });
});

/**
 * A first random conv with 8, 16, 24 or 32 output channels, then a depthwise 3x3 conv with horizontal stride and
 * dilation 1 on it (random strideH 1–2, dilationH 1–2, pads 0–2, pad codes, weights of 4–12 bits, bias, shifts).
 */
function depthwise3x3Program(seed: number): DhmProgram {
  const rng = new Rng(seed);
  const first = randomProgram(seed, { steps: 0, maxSize: 16, firstConvChannels: 8 * rng.int(1, 4) });
  const x = first.streams[first.output]!;
  const C = x.channels;
  const sH = rng.int(1, 2), dH = rng.int(1, 2);
  const pT = rng.int(0, 2), pB = rng.int(0, 2), pL = rng.int(0, 2), pR = rng.int(0, 2);
  // tiny inputs: enough padding for one output row / column
  const padT = convOutputSize(x.height, 3, sH, dH, pT, pB) >= 1 ? pT : 2, padB = padT === pT ? pB : 2;
  const padL = convOutputSize(x.width, 3, 1, 1, pL, pR) >= 1 ? pL : 2, padR = padL === pL ? pR : 2;
  const oh = convOutputSize(x.height, 3, sH, dH, padT, padB), ow = convOutputSize(x.width, 3, 1, 1, padL, padR);
  const weightFormat: FixedFormat = { signed: true, bits: rng.int(4, 12), intBits: rng.int(-2, 4) };
  const wr = formatRange(weightFormat), xr = formatRange(x.format);
  const weights = new Int32Array(C * 9).map(() => rng.int(wr.min, wr.max));
  const outFormat: FixedFormat = { signed: rng.bool(), bits: rng.int(6, 16), intBits: rng.int(0, 8) };
  const layer0: ConvLayer = {
    kind: 'conv', name: 'dw', input: first.output, output: 'dwout', inChannels: C, outChannels: C, kernelH: 3, kernelW: 3,
    strideH: sH, strideW: 1, dilationH: dH, dilationW: 1, padTop: padT, padLeft: padL, padBottom: padB, padRight: padR, groups: C,
    padValue: new Int32Array(C).map(() => (rng.bool(0.5) ? Math.min(xr.max, Math.max(xr.min, 0)) : rng.int(xr.min, xr.max))),
    weights, weightFormat, bias: new Int32Array(C), shift: new Int32Array(C),
    rounding: rng.pick(['floor', 'half-up', 'half-even'] as const), overflow: rng.pick(['saturate', 'wrap'] as const),
    activation: rng.pick(['none', 'relu', 'relu6'] as const), weightQuant: 'pow2',
  };
  const accBits = convAccumulatorBits(layer0, x.format), bb = convBiasBound(layer0, x.format);
  const uniform = rng.bool(0.5) ? Math.max(0, accBits - outFormat.bits - rng.int(0, 3)) : -1;
  for (let o = 0; o < C; o++) {
    layer0.bias[o] = Math.round((rng.next() * 2 - 1) * bb * 0.1);
    layer0.shift[o] = uniform >= 0 ? uniform : Math.max(0, accBits - outFormat.bits - rng.int(0, 4));
  }
  return {
    ...first, layers: [...first.layers, layer0], output: 'dwout',
    streams: { ...first.streams, dwout: { channels: C, height: oh, width: ow, format: outFormat } },
  };
}

// ---- edge cases: one 1x1 conv whose accumulator is set by the bias (pixel 0, weights [1,0,0]) ----

const U8: FixedFormat = { signed: false, bits: 8, intBits: 8 };

/**
 * A 1x1 conv on a 1x1 frame with `acc[o] = bias[o] + pixel[0]·w`, one output channel per value, so each output
 * channel re-quantises one chosen accumulator. `shifts` per channel (uniform → integer SIMD path, mixed → f64 path).
 */
function accProgram(accs: readonly number[], shifts: readonly number[], out: FixedFormat, rounding: Rounding, overflow: Overflow, activation: Activation = 'none'): DhmProgram {
  const n = accs.length;
  const weights = new Int32Array(n * 3);
  for (let o = 0; o < n; o++) weights[o * 3] = 1;
  const conv: ConvLayer = {
    kind: 'conv', name: 'edge', input: 'in', output: 'y', inChannels: 3, outChannels: n, kernelH: 1, kernelW: 1,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, groups: 1,
    padValue: new Int32Array(3), weights, weightFormat: { signed: true, bits: 16, intBits: 16 }, bias: Int32Array.from(accs),
    shift: Int32Array.from(shifts), rounding, overflow, activation, weightQuant: 'pow2',
  };
  return {
    version: 1, meta: { test: 'edge' }, input: { id: 'in', channels: 3, height: 1, width: 1, format: U8 },
    streams: { in: { channels: 3, height: 1, width: 1, format: U8 }, y: { channels: n, height: 1, width: 1, format: out } },
    layers: [conv], output: 'y',
  };
}

const ZERO_PIXEL = new Uint8Array(3);
const S16: FixedFormat = { signed: true, bits: 16, intBits: 16 };

function runAll(p: DhmProgram): Int32Array[] {
  const outs = [fast.run(p, ZERO_PIXEL).output, exact.run(p, ZERO_PIXEL).output, runReference(p, ZERO_PIXEL).output];
  assert.deepEqual(outs[0], outs[1], 'fast path ≠ exact datapath');
  return outs;
}

describe('edge-case tables (docs/datapath.md §4–§6)', () => {
  // docs/datapath.md §4 examples: s = 1: 3 → 1/2/2, 5 → 2/3/2, −3 → −2/−1/−2, −5 → −3/−2/−2; v = −1, s = 4 → −1/0/0.
  const TIES: readonly { v: number; s: number; floor: number; 'half-up': number; 'half-even': number }[] = [
    { v: 3, s: 1, floor: 1, 'half-up': 2, 'half-even': 2 },
    { v: 5, s: 1, floor: 2, 'half-up': 3, 'half-even': 2 },
    { v: -3, s: 1, floor: -2, 'half-up': -1, 'half-even': -2 },
    { v: -5, s: 1, floor: -3, 'half-up': -2, 'half-even': -2 },
    { v: -1, s: 4, floor: -1, 'half-up': 0, 'half-even': 0 },
    { v: 24, s: 4, floor: 1, 'half-up': 2, 'half-even': 2 }, // 1.5 → tie
    { v: 40, s: 4, floor: 2, 'half-up': 3, 'half-even': 2 }, // 2.5 → tie
    { v: -24, s: 4, floor: -2, 'half-up': -1, 'half-even': -2 }, // −1.5
    { v: -40, s: 4, floor: -3, 'half-up': -2, 'half-even': -2 }, // −2.5
    { v: 25, s: 4, floor: 1, 'half-up': 2, 'half-even': 2 }, // 1.5625
    { v: 23, s: 4, floor: 1, 'half-up': 1, 'half-even': 1 }, // 1.4375
    { v: 7, s: 0, floor: 7, 'half-up': 7, 'half-even': 7 },
    { v: -7, s: -3, floor: -56, 'half-up': -56, 'half-even': -56 }, // left shift, exact
  ];
  for (const mode of ['floor', 'half-up', 'half-even'] as const) {
    test(`rounding ${mode}: ties and near-ties, uniform shift (integer SIMD) and per-channel shifts (f64 lanes)`, () => {
      for (const row of TIES) {
        // uniform: every channel has the same shift
        const p = accProgram([row.v, row.v], [row.s, row.s], S16, mode, 'saturate');
        for (const out of runAll(p)) assert.deepEqual([...out], [row[mode], row[mode]], `${mode} v=${row.v} s=${row.s}`);
        // mixed: a second channel with another shift forces the per-channel path
        const q = accProgram([row.v, 0], [row.s, row.s + 1], S16, mode, 'saturate');
        for (const out of runAll(q)) assert.equal(out[0], row[mode], `${mode} v=${row.v} s=${row.s} (per-channel path)`);
      }
    });
  }

  test('saturate vs wrap at the format limits (signed and unsigned)', () => {
    const S8: FixedFormat = { signed: true, bits: 8, intBits: 8 };
    const U4: FixedFormat = { signed: false, bits: 4, intBits: 4 };
    const accs = [127, 128, 129, -128, -129, 255, 256, -1, 1000, -1000];
    const table: readonly { f: FixedFormat; overflow: Overflow; want: number[] }[] = [
      { f: S8, overflow: 'saturate', want: [127, 127, 127, -128, -128, 127, 127, -1, 127, -128] },
      { f: S8, overflow: 'wrap', want: [127, -128, -127, -128, 127, -1, 0, -1, -24, 24] },
      { f: U4, overflow: 'saturate', want: [15, 15, 15, 0, 0, 15, 15, 0, 15, 0] },
      { f: U4, overflow: 'wrap', want: [15, 0, 1, 0, 15, 15, 0, 15, 8, 8] },
    ];
    for (const { f, overflow, want } of table) {
      const p = accProgram(accs, accs.map(() => 0), f, 'floor', overflow);
      for (const out of runAll(p)) assert.deepEqual([...out], want, `${overflow} into ${f.signed ? 'FIXED' : 'UFIXED'}<${f.bits},${f.intBits}>`);
    }
  });

  test('activations clamp in output codes before the overflow stage (relu6 at floor(6·2^f), hardtanh at ±floor(2^f))', () => {
    const F: FixedFormat = { signed: true, bits: 12, intBits: 5 }; // f = 7: six = 768, one = 128
    const accs = [-5, 0, 100, 767, 768, 769, 2000, -2000];
    const want: Record<Activation, number[]> = {
      none: [-5, 0, 100, 767, 768, 769, 2000, -2000],
      relu: [0, 0, 100, 767, 768, 769, 2000, 0],
      relu6: [0, 0, 100, 767, 768, 768, 768, 0],
      hardtanh: [-5, 0, 100, 128, 128, 128, 128, -128],
    };
    for (const act of ['none', 'relu', 'relu6', 'hardtanh'] as const) {
      const p = accProgram(accs, accs.map(() => 0), F, 'floor', 'saturate', act);
      for (const out of runAll(p)) assert.deepEqual([...out], want[act], `activation ${act}`);
      // wrap after relu6: the clamp happens first, so nothing wraps
      const q = accProgram(accs, accs.map(() => 0), F, 'floor', 'wrap', act);
      for (const out of runAll(q)) assert.deepEqual([...out], want[act], `activation ${act} + wrap`);
    }
  });

  test('extreme values: full-scale 16-bit weights and inputs, largest accumulator, exact i64 path chosen', () => {
    // A 3x3x3 conv on the RGB input with every weight at −2^15 and every pixel 255: |acc| = 27·255·2^15 + bias > 2^31? no:
    // 225,607,680 < 2^31, so also try bias at the leaf bound 2^(9+16−2) = 2^23.
    const w = new Int32Array(2 * 27).fill(-32768);
    for (let i = 27; i < 54; i++) w[i] = 32767;
    const conv: ConvLayer = {
      kind: 'conv', name: 'big', input: 'in', output: 'y', inChannels: 3, outChannels: 2, kernelH: 3, kernelW: 3,
      strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 1,
      padValue: Int32Array.from([255, 255, 255]), weights: w, weightFormat: { signed: true, bits: 16, intBits: 1 },
      bias: Int32Array.from([-(2 ** 23), 2 ** 23]), shift: Int32Array.from([-4, 13]), rounding: 'half-even', overflow: 'wrap', activation: 'none', weightQuant: 'pow2',
    };
    const p: DhmProgram = {
      version: 1, meta: {}, input: { id: 'in', channels: 3, height: 3, width: 4, format: U8 },
      streams: { in: { channels: 3, height: 3, width: 4, format: U8 }, y: { channels: 2, height: 3, width: 4, format: S16 } },
      layers: [conv], output: 'y',
    };
    const frame = new Uint8Array(3 * 4 * 3).fill(255);
    frame[5] = 0;
    assert.equal(fast.prepare(p).get('big'), 'exact-i64', 'a left shift of a 2^28 accumulator under wrap cannot use i32 lanes');
    assertAgrees(fast, p, frame, 'extreme 16-bit conv');
    // Same magnitudes with saturate: the SIMD path is allowed (clamped before conversion) and must agree too.
    const q: DhmProgram = { ...p, layers: [{ ...conv, overflow: 'saturate' }] };
    assertAgrees(fast, q, frame, 'extreme 16-bit conv, saturate');
  });
});

describe('typed errors', () => {
  test('a frame of the wrong size is a DhmEmulatorError bad-frame naming the expected size', () => {
    const p = randomConvProgram(3);
    assert.throws(() => fast.run(p, new Uint8Array(5)), (e: unknown) => e instanceof DhmEmulatorError && e.code === 'bad-frame' && /expected \d+x\d+x3/.test(e.message));
  });

  test('an invalid program is rejected before running (DhmProgramError naming layer and field)', () => {
    const p = randomConvProgram(4);
    const conv = p.layers[0] as ConvLayer;
    const bad: DhmProgram = { ...p, layers: [{ ...conv, shift: new Int32Array(conv.outChannels).fill(99) }] };
    assert.throws(() => fast.run(bad, randomFrame(4, p.input.height, p.input.width)), (e: unknown) => e instanceof DhmProgramError && e.layer === conv.name);
  });

  test('the Wasm side reports corrupt layouts with status codes (bad magic, bad kind with the layer index)', async () => {
    const { instance } = await WebAssembly.instantiate(readFileSync(emulatorWasmPath()), {});
    const ex = instance.exports as unknown as { memory: WebAssembly.Memory; heapBase(): number; prepare(p: number): number };
    const base = ex.heapBase();
    const w = new Int32Array(ex.memory.buffer);
    const h = base >> 2;
    w.fill(0, h, h + 16 + 8 + 48);
    assert.equal(ex.prepare(base), 1, 'no magic');
    assert.equal(emulatorStatusCode(1), 'wasm-bad-magic');
    w[h] = 0x314d4844; // magic
    w[h + 1] = 1; // one stream
    w[h + 2] = 1; // one layer
    w[h + 3] = base + 64; // stream table
    w[h + 4] = base + 96; // layer table
    w[(base + 96) >> 2] = 9; // layer 0: kind 9
    assert.equal(ex.prepare(base), 2, 'bad kind');
    assert.equal(w[h + 9], 0, 'failing layer index');
    assert.equal(w[h + 10], 9, 'detail = the kind code');
    assert.equal(emulatorStatusCode(2), 'wasm-bad-kind');
    assert.equal(emulatorStatusCode(42), 'wasm-unknown-status');
  });

  test('bytes that are not the emulator module give DhmEmulatorError bad-module', async () => {
    await assert.rejects(createEmulator(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), (e: unknown) => e instanceof DhmEmulatorError && e.code === 'bad-module');
    await assert.rejects(createEmulator(new Uint8Array([1, 2, 3])), (e: unknown) => e instanceof DhmEmulatorError && e.code === 'bad-module');
  });
});
