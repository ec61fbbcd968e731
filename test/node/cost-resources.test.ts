import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CYCLONE10GX_10CX220 as DEV } from '../../src/cost/devices';
import { adderTreeCost, estimateResources, fifoBlocks } from '../../src/cost/resources';
import { conv, fx, maxpool, program, quantizePow2, randomFloats, testCycles } from './cost-fixtures';

test('1x1 conv with weights [3, 0, 4]: hand-computed ALMs and registers', () => {
  // input UFIXED<8,8>, weights 8 bits → products 16 bits.
  // w=3: 1 CSD adder × ceil(16/2) = 8 ALMs; w=0 free; w=4 shift.
  // tree: 2 leaves → 1 adder of 17 bits = 9 ALMs, 17 register bits; requant: ceil(17/2)+ceil(8/2) = 13 ALMs.
  // registers: products 2×16 + tree 17 + output 8 + window 1·1·3·8 = 81.
  const p = program(4, 4, [conv({ name: 'c', input: 'in', output: 'o', inC: 3, outC: 1, k: 1, weights: [3, 0, 4], weightBits: 8 })],
    { o: { channels: 1, height: 4, width: 4 } });
  const r = estimateResources(p, DEV, { dspPolicy: 'logic' });
  const l = r.layers[0]!;
  assert.deepEqual([l.multZero, l.multShift, l.multAdders, l.csdAdders, l.treeAdders], [1, 1, 1, 1, 1]);
  assert.equal(l.multiplierAlms, 8);
  assert.equal(l.treeAlms, 9);
  assert.equal(l.otherAlms, 13);
  assert.equal(l.alms, 30);
  assert.equal(l.registers, 81);
  assert.equal(r.totals.alms.value, 30);
  assert.equal(r.totals.alms.provenance, 'modelled');
  assert.equal(r.fits, true);
  assert.equal(r.totals.m20k.value, 0);
});

test('non-zero bias adds a leaf; all-zero channel costs nothing in its tree', () => {
  const p = program(4, 4, [conv({ name: 'c', input: 'in', output: 'o', inC: 3, outC: 2, k: 1, weights: [3, 0, 4, 0, 0, 0], bias: [5, 0], weightBits: 8 })],
    { o: { channels: 2, height: 4, width: 4 } });
  const l = estimateResources(p, DEV, { dspPolicy: 'logic' }).layers[0]!;
  // channel 0: 3 leaves → 2 adders (level 0: 1 adder of 17 bits = 9 ALMs; level 1: 1 adder of 18 bits = 9 ALMs)
  assert.equal(l.treeAdders, 2);
  assert.equal(l.treeAlms, 18);
  assert.deepEqual(adderTreeCost(3, 16), { adders: 2, alms: 18, registers: 2 * 17 + 18, outBits: 18 });
  assert.deepEqual(adderTreeCost(0, 16), { adders: 0, alms: 0, registers: 0, outBits: 16 });
});

test('line buffers: M20K modes and MLAB rule', () => {
  assert.deepEqual(fifoBlocks(100, 64, DEV), { m20k: 2, mlab: 0 }); // 512x40: 1·2
  assert.deepEqual(fifoBlocks(2000, 10, DEV), { m20k: 1, mlab: 0 }); // 2Kx10
  assert.deepEqual(fifoBlocks(2000, 64, DEV), { m20k: 7, mlab: 0 }); // 2Kx10: 1·7 (512x40 would be 4·2 = 8)
  assert.deepEqual(fifoBlocks(20, 64, DEV), { m20k: 0, mlab: 4 });
  // 3x3 conv on a 100-wide, 3-channel 8-bit input: FIFO depth 100, width 2·3·8 = 48 bits → 512x40 ×2
  const weights = new Array(2 * 3 * 9).fill(1);
  const p = program(100, 100, [conv({ name: 'c', input: 'in', output: 'o', inC: 3, outC: 2, k: 3, weights, weightBits: 8 })],
    { o: { channels: 2, height: 98, width: 98 } });
  const r = estimateResources(p, DEV, { dspPolicy: 'logic' });
  assert.equal(r.layers[0]!.lineBufferBits, 100 * 48);
  assert.equal(r.totals.m20k.value, 2);
  // all weights are 1 → shifts only: no multiplier ALMs
  assert.equal(r.layers[0]!.multiplierAlms, 0);
});

test('DSP policies: largest-first takes the most expensive multipliers up to the budget', () => {
  // weights 0b1010101 (3 adders), 23 (2 adders), 3 (1 adder)
  const p = program(4, 4, [conv({ name: 'c', input: 'in', output: 'o', inC: 3, outC: 1, k: 1, weights: [0b1010101, 23, 3], weightBits: 8 })],
    { o: { channels: 1, height: 4, width: 4 } });
  const logic = estimateResources(p, DEV, { dspPolicy: 'logic' });
  assert.equal(logic.layers[0]!.csdAdders, 6);
  const one = estimateResources(p, DEV, { dspPolicy: 'dsp-largest-first', dspMultiplierBudget: 1 });
  assert.equal(one.layers[0]!.multDsp, 1);
  assert.equal(one.layers[0]!.csdAdders, 3); // 23 and 3 stay in logic
  assert.equal(one.totals.dspBlocks.value, 1);
  const all = estimateResources(p, DEV, { dspPolicy: 'dsp-all' });
  assert.equal(all.layers[0]!.csdAdders, 0);
  assert.equal(all.layers[0]!.dspMultipliers, 3);
  assert.ok(all.totals.alms.value < logic.totals.alms.value);
});

test('a head larger than the device does not fit and names the limiting resource', () => {
  // 64→512 3x3 conv with dense 8-bit weights: ~295k multipliers, far beyond 80k ALMs
  const n = 512 * 64 * 9;
  const w = quantizePow2(randomFloats(n, 7), 8);
  const p = program(32, 32, [conv({ name: 'big', input: 'in', output: 'o', inC: 64, outC: 512, k: 3, weights: w, weightBits: 8 })],
    { in: { channels: 64, height: 32, width: 32, format: fx(8) }, o: { channels: 512, height: 30, width: 30 } });
  const r = estimateResources(p, DEV, { dspPolicy: 'dsp-largest-first' });
  assert.equal(r.fits, false);
  assert.equal(r.limiting, 'alms');
  assert.ok(r.utilisation.alms.value > 1);
  assert.equal(r.totals.dspBlocks.value, 192, 'DSP budget fully used');
});

test('sanity: more bits never fewer ALMs (random layers, pow2 quantisation)', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const inC = 1 + (seed % 4);
    const outC = 2 + (seed % 5);
    const k = seed % 2 ? 3 : 1;
    const fl = randomFloats(outC * inC * k * k, seed * 101);
    let prev = -1;
    for (const bits of [4, 6, 8, 10, 12]) {
      const p = program(16, 16, [conv({ name: 'c', input: 'x', output: 'o', inC, outC, k, weights: quantizePow2(fl, bits), weightBits: bits })],
        { x: { channels: inC, height: 16, width: 16, format: fx(bits) }, o: { channels: outC, height: 16 - k + 1, width: 16 - k + 1, format: fx(bits) } });
      const p2 = { ...p, layers: [{ ...(p.layers[0] as ReturnType<typeof conv>), input: 'x' }] };
      const alms = estimateResources(p2, DEV, { dspPolicy: 'logic' }).totals.alms.value;
      assert.ok(alms >= prev, `seed ${seed}: ${bits} bits gives ${alms} ALMs < ${prev} at fewer bits`);
      prev = alms;
    }
  }
});

test('sanity: a later cut never needs fewer FPGA resources (prefix heads)', () => {
  const w1 = quantizePow2(randomFloats(8 * 3 * 9, 3), 8);
  const w2 = quantizePow2(randomFloats(16 * 8 * 9, 4), 8);
  const layers = [
    conv({ name: 'c1', input: 'in', output: 's1', inC: 3, outC: 8, k: 3, weights: w1, weightBits: 8 }),
    maxpool('p1', 's1', 's2', 2, 2),
    conv({ name: 'c2', input: 's2', output: 's3', inC: 8, outC: 16, k: 3, weights: w2, weightBits: 8 }),
  ];
  const streams = { s1: { channels: 8, height: 62, width: 62 }, s2: { channels: 8, height: 31, width: 31 }, s3: { channels: 16, height: 29, width: 29 } };
  let prev: Record<string, number> | null = null;
  for (let n = 1; n <= layers.length; n++) {
    const p = program(64, 64, layers.slice(0, n), streams);
    const r = estimateResources(p, DEV, { dspPolicy: 'dsp-largest-first' }, testCycles(p));
    const cur = Object.fromEntries(Object.entries(r.totals).map(([k, v]) => [k, v.value]));
    if (prev) for (const k of Object.keys(cur)) assert.ok(cur[k]! >= prev[k]!, `${k}: head of ${n} layers ${cur[k]} < ${prev[k]}`);
    prev = cur;
  }
});

test('skew FIFOs of a residual add are costed from cycle counts', () => {
  const w = new Array(4 * 4 * 9).fill(3);
  const layers = [
    conv({ name: 'c1', input: 'in', output: 'a', inC: 3, outC: 4, k: 1, weights: new Array(12).fill(3), weightBits: 8 }),
    conv({ name: 'c2', input: 'a', output: 'b', inC: 4, outC: 4, k: 3, pad: 1, weights: w, weightBits: 8 }),
    { kind: 'add' as const, name: 'add', inputs: ['a', 'b'] as const, output: 'c', shifts: [0, 0] as const, rounding: 'half-up' as const, overflow: 'saturate' as const, activation: 'none' as const },
  ];
  const streams = { a: { channels: 4, height: 40, width: 40 }, b: { channels: 4, height: 40, width: 40 }, c: { channels: 4, height: 40, width: 40 } };
  const p = program(40, 40, layers, streams);
  const cyc = testCycles(p);
  const r = estimateResources(p, DEV, { dspPolicy: 'logic' }, cyc);
  const add = r.layers[2]!;
  const skew = cyc.perLayer[1]!.firstOutput - cyc.perLayer[0]!.firstOutput;
  assert.equal(add.skewFifoBits, skew * 4 * 8);
  assert.ok(r.skewCosted);
  const r0 = estimateResources(p, DEV, { dspPolicy: 'logic' });
  assert.equal(r0.layers[2]!.skewFifoBits, 0);
  assert.equal(r0.skewCosted, false);
});

test('bad programs give typed errors naming the layer', () => {
  const p = program(4, 4, [conv({ name: 'bad', input: 'in', output: 'o', inC: 3, outC: 1, k: 1, weights: [1, 2], weightBits: 8 })], { o: { channels: 1, height: 4, width: 4 } });
  assert.throws(() => estimateResources(p, DEV, { dspPolicy: 'logic' }), /conv 'bad' has 2 weights, expected 1×3/);
  const q = program(4, 4, [conv({ name: 'orphan', input: 'nope', output: 'o', inC: 3, outC: 1, k: 1, weights: [1, 2, 3], weightBits: 8 })], { o: { channels: 1, height: 4, width: 4 } });
  assert.throws(() => estimateResources(q, DEV, { dspPolicy: 'logic' }), /layer 'orphan' reads stream 'nope'/);
});
