/**
 * The analytic cycle formula (src/dhm/cycles.ts) equals the reference's per-pixel simulation of the timing model
 * (docs/datapath.md §9) exactly — per layer and for the head — for ≥ 200 seeded random programs and for the head of
 * every paper model at every cut the quantizer accepts; plus closed forms worked out by hand.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formulaCycles } from '../../src/dhm/cycles';
import { referenceCycles, runReference } from '../../src/dhm/reference';
import { randomProgram, randomFrame } from '../../src/dhm/random';
import { layerLatencyCycles, parseFormat, type ConvLayer, type DhmProgram } from '../../src/dhm/program';
import { compileAt, loadModel, PAPER_MODELS } from './helpers/dhm-heads';

const RANDOM_SEEDS = 300;

describe('formula == reference simulation on random programs', () => {
  test(`${RANDOM_SEEDS} seeded programs (1..${RANDOM_SEEDS}; 0–4 blocks after a random conv)`, () => {
    let layers = 0;
    for (let seed = 1; seed <= RANDOM_SEEDS; seed++) {
      const p = randomProgram(seed);
      layers += p.layers.length;
      assert.deepEqual(formulaCycles(p), referenceCycles(p), `seed ${seed}: formula and reference cycle counts differ`);
    }
    assert.ok(layers > RANDOM_SEEDS * 2, `covers multi-layer programs (${layers} layers)`);
  });
  test('the generator covers every block, mode and the documented parameter ranges', () => {
    const seen = new Set<string>();
    const bits = new Set<number>();
    for (let seed = 1; seed <= RANDOM_SEEDS; seed++) {
      const p = randomProgram(seed);
      for (const l of p.layers) {
        seen.add(l.kind);
        const f = p.streams[l.output]!.format;
        bits.add(f.bits);
        seen.add(f.signed ? 'signed' : 'unsigned');
        if (l.kind === 'conv') {
          seen.add(`round:${l.rounding}`).add(`ovf:${l.overflow}`).add(`act:${l.activation}`);
          bits.add(l.weightFormat.bits);
          if (l.groups > 1) seen.add(l.groups === l.inChannels ? 'depthwise' : 'grouped');
          if (l.dilationH > 1 || l.dilationW > 1) seen.add('dilation');
          if (l.strideH > 1 || l.strideW > 1) seen.add('stride');
          if (l.padTop !== l.padBottom || l.padLeft !== l.padRight) seen.add('asymmetric-pad');
          if (l.shift.some((x) => x < 0)) seen.add('left-shift');
          if (l.padValue.some((x) => x !== 0)) seen.add('pad-value');
        }
        if (l.kind === 'maxpool') seen.add(l.ceilMode ? 'ceil' : 'floor-mode');
        if (l.kind === 'add') seen.add(`add-act:${l.activation}`).add(`add-round:${l.rounding}`);
        if (l.kind === 'wire') seen.add(`wire:${l.op}`).add(`wire-ovf:${l.overflow}`);
      }
    }
    const want = ['conv', 'maxpool', 'add', 'wire', 'signed', 'unsigned', 'round:floor', 'round:half-up', 'round:half-even', 'ovf:saturate', 'ovf:wrap',
      'act:none', 'act:relu', 'act:relu6', 'act:hardtanh', 'depthwise', 'grouped', 'dilation', 'stride', 'asymmetric-pad', 'left-shift', 'pad-value',
      'ceil', 'floor-mode', 'add-act:relu', 'add-round:half-even', 'wire:concat', 'wire:split', 'wire:slice', 'wire:shuffle', 'wire-ovf:wrap'];
    for (const w of want) assert.ok(seen.has(w), `random programs (seeds 1..${RANDOM_SEEDS}) cover ${w}`);
    for (let b = 4; b <= 16; b++) assert.ok(bits.has(b), `bit width ${b} covered`);
  });
  test('runReference reports the simulated counts', () => {
    for (let seed = 1000; seed < 1020; seed++) {
      const p = randomProgram(seed);
      assert.deepEqual(runReference(p, randomFrame(seed, p.input.height, p.input.width)).cycles, formulaCycles(p), `seed ${seed}`);
    }
  });
});

describe('closed forms worked by hand', () => {
  const conv = (h: number, w: number, k: number, stride: number, pad: number): DhmProgram => {
    const oh = Math.floor((h + 2 * pad - k) / stride) + 1, ow = Math.floor((w + 2 * pad - k) / stride) + 1;
    const layer: ConvLayer = {
      kind: 'conv', name: 'c', input: 'in', output: 'y', inChannels: 3, outChannels: 2, kernelH: k, kernelW: k, strideH: stride, strideW: stride,
      dilationH: 1, dilationW: 1, padTop: pad, padLeft: pad, padBottom: pad, padRight: pad, groups: 1, padValue: new Int32Array(3),
      weights: new Int32Array(2 * 3 * k * k), weightFormat: parseFormat('FIXED<8,1>'), bias: new Int32Array(2), shift: new Int32Array(2),
      rounding: 'floor', overflow: 'saturate', activation: 'relu', weightQuant: 'pow2',
    };
    return {
      version: 1, meta: {}, input: { id: 'in', channels: 3, height: h, width: w, format: parseFormat('UFIXED<8,8>') },
      streams: { in: { channels: 3, height: h, width: w, format: parseFormat('UFIXED<8,8>') }, y: { channels: 2, height: oh, width: ow, format: parseFormat('UFIXED<8,4>') } },
      layers: [layer], output: 'y',
    };
  };
  test('3×3 stride 1 no pad on H×W: first = (K−1)·W + (K−1) + L, total = H·W + L, L = 1 + ceil(log2(28)) + 1 = 7', () => {
    for (const [h, w] of [[5, 7], [224, 224], [3, 3]] as const) {
      const p = conv(h, w, 3, 1, 0);
      assert.equal(layerLatencyCycles(p.layers[0]!), 7);
      const c = formulaCycles(p);
      assert.equal(c.firstOutput, 2 * w + 2 + 7);
      assert.equal(c.total, h * w + 7);
    }
  });
  test('3×3 stride 2 pad 1 on 224² (MobileNetV2 stem shape): first = W + 1 + L, last needs input (223, 223)', () => {
    const p = conv(224, 224, 3, 2, 1);
    const c = formulaCycles(p);
    assert.equal(c.firstOutput, 224 + 1 + 7);
    assert.equal(c.total, 223 * 224 + 223 + 7 + 1);
  });
});

describe('formula == reference simulation on every head of every paper model', () => {
  for (const id of PAPER_MODELS) {
    test(`${id}: every legal cut`, { timeout: 300_000 }, () => {
      const { cuts } = loadModel(id);
      assert.ok(cuts.length >= 2);
      for (const c of cuts) {
        const { program } = compileAt(id, c.index);
        const f = formulaCycles(program);
        assert.deepEqual(f, referenceCycles(program), `${id} cut ${c.index} (${c.tensor})`);
        assert.ok(f.total > f.firstOutput && f.firstOutput > 0 && f.total > 200 * 224 && f.perLayer.length === program.layers.length, `${id} cut ${c.index}: plausible counts`);
      }
    });
  }
});
