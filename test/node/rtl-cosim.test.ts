/**
 * Co-simulation in Verilator (sim/cosim.ts): generated heads against the TypeScript reference (every integer of every
 * layer) and the timing model of docs/datapath.md §9 (the enabled cycle of every output pixel of every layer, and the
 * head's own `cycle`/`out_last` ports) — exactly. 220 seeded random programs in 4 Verilator builds (one of them with
 * pseudo-random ce = 0 stalls: the board contract's clock enable), then real heads on full 224×224 frames: cut 0 of
 * the three paper networks and cut 1 of MobileNetV2 in one build (also against the Wasm emulator's counts), and
 * cut 3 of MobileNetV2 in its own build. Needs verilator, make and g++ (.ci/run installs them); without them every
 * test here is skipped with that reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomFrame, randomProgram } from '../../src/dhm/random';
import type { DhmProgram } from '../../src/dhm/program';
import { createEmulator } from '../../src/dhm/wasm';
import { compareRecords, cosimBatch, type CosimCase } from '../../sim/cosim';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main';
import { hasTool } from '../../sim/verilator';
import { compileModelHead } from '../../cli/commands/quantize';
import { toFrame } from '../../src/image/preprocess';
import { decodeImageFile } from '../../cli/image';
import { getModel } from '../../src/models/registry';
import { emulatorWasmPath } from './helpers/wasm';
import { imagePath } from './helpers/paths';

const missing = ['verilator', 'make', 'g++'].filter((t) => !hasTool(t));
const skip = missing.length ? `${missing.join(', ')} not installed (sudo apt-get install -y verilator yosys; .ci/run does)` : false;

const SEEDS = Array.from({ length: 220 }, (_, i) => i + 1);
const programs = new Map<number, DhmProgram>(SEEDS.map((s) => [s, randomProgram(s)]));

test('the 220 random programs cover every op kind, mode, activation, width 4 and 16, stride, padding, dilation, groups, depthwise, ceil mode', () => {
  const seen = new Set<string>();
  for (const p of programs.values()) {
    for (const l of p.layers) {
      seen.add(l.kind);
      const out = p.streams[l.output]!;
      seen.add(`bits${out.format.bits}`);
      seen.add(out.format.signed ? 'signed' : 'unsigned');
      if (l.kind === 'wire') seen.add(`wire:${l.op}`);
      if (l.kind === 'conv' || l.kind === 'add' || l.kind === 'wire') { seen.add(`round:${l.rounding}`); seen.add(`ovf:${l.overflow}`); }
      if (l.kind === 'conv' || l.kind === 'add') seen.add(`act:${l.activation}`);
      if (l.kind === 'conv') {
        if (l.strideH > 1 || l.strideW > 1) seen.add('stride');
        if (l.padTop + l.padBottom + l.padLeft + l.padRight > 0) seen.add('padding');
        if (l.dilationH > 1 || l.dilationW > 1) seen.add('dilation');
        if (l.groups > 1 && l.groups < l.inChannels) seen.add('groups');
        if (l.groups > 1 && l.groups === l.inChannels) seen.add('depthwise');
        seen.add(`wbits${l.weightFormat.bits}`);
        if ([...l.shift].some((s) => s < 0)) seen.add('left-shift');
      }
      if (l.kind === 'maxpool' && l.ceilMode) seen.add('ceil');
    }
  }
  const want = ['conv', 'maxpool', 'add', 'wire', 'wire:concat', 'wire:split', 'wire:slice', 'wire:shuffle', 'round:floor', 'round:half-up', 'round:half-even',
    'ovf:saturate', 'ovf:wrap', 'act:none', 'act:relu', 'act:relu6', 'act:hardtanh', 'bits4', 'bits16', 'wbits4', 'wbits16', 'signed', 'unsigned',
    'stride', 'padding', 'dilation', 'groups', 'depthwise', 'ceil', 'left-shift'];
  assert.deepEqual(want.filter((w) => !seen.has(w)), []);
});

function assertBatch(cases: CosimCase[], names: string[], stallSeed = 0): ReturnType<typeof cosimBatch> {
  const r = cosimBatch(cases, { stallSeed });
  const bad = r.results.map((x, i) => (x.equal ? '' : `${names[i]}: ${x.difference}`)).filter(Boolean);
  assert.deepEqual(bad, [], `${bad.length} of ${cases.length} heads differ`);
  for (const [i, x] of r.results.entries()) assert.ok(x.values > 0, `${names[i]} compared values`);
  console.log(`# ${cases.length} heads: Verilator build ${r.buildSeconds.toFixed(1)} s, run ${r.runSeconds.toFixed(2)} s (measured here)`);
  return r;
}

for (let b = 0; b < 4; b++) {
  const seeds = SEEDS.filter((_, i) => i % 4 === b);
  const stall = b === 3 ? 12345 : 0;
  test(`random programs, batch ${b + 1}/4 (${seeds.length} heads in one build${stall ? ', with random ce = 0 stalls' : ''}): every integer and every output-pixel cycle equal`, { skip }, () => {
    const cases = seeds.map((s) => { const p = programs.get(s)!; return { program: p, frame: randomFrame(s, p.input.height, p.input.width) }; });
    assertBatch(cases, seeds.map((s) => `seed ${s}`), stall);
  });
}

function realCase(id: string, cut: number): CosimCase & { name: string } {
  const r = compileModelHead(id, cut, {}, false);
  const frame = toFrame(decodeImageFile(imagePath('cat')), getModel(id).preprocessing).data;
  return { program: r.program, frame, name: `${id} cut ${cut}` };
}

test('real heads on full 224x224 frames: cut 0 of SqueezeNet 1.1, MobileNetV2, ShuffleNetV2 and cut 1 of MobileNetV2 equal the reference, the timing model and the Wasm emulator', { skip }, async () => {
  const cases = [realCase('squeezenet1.1', 0), realCase('mobilenetv2', 0), realCase('shufflenetv2', 0), realCase('mobilenetv2', 1)];
  for (const c of cases) assert.equal(c.program.input.height, 224);
  const r = assertBatch(cases, cases.map((c) => c.name));
  const emu = await createEmulator(readFileSync(emulatorWasmPath()));
  cases.forEach((c, i) => {
    const e = emu.run(c.program, c.frame);
    const m = r.results[i]!;
    assert.deepEqual(m.layers.map((l) => [l.layer, l.firstOutput, l.total]), e.cycles.perLayer.map((l) => [l.layer, l.firstOutput, l.total]), `${c.name}: per-layer counts RTL vs emulator`);
    assert.deepEqual([m.head.firstOutput, m.head.total], [e.cycles.firstOutput, e.cycles.total], `${c.name}: head counts`);
    console.log(`# ${c.name}: first output ${m.head.firstOutput}, total ${m.head.total} cycles (RTL = emulator)`);
  });
});

test('real head: cut 3 of MobileNetV2 (two inverted-residual blocks, one residual add) on a full 224x224 frame equals the reference and the timing model', { skip }, () => {
  const c = realCase('mobilenetv2', 3);
  assert.ok(c.program.layers.some((l) => l.kind === 'add'), 'the head has a residual add');
  assertBatch([c], [c.name]);
});

test('the comparison fails on a wrong integer and on a wrong cycle, naming layer, channel, pixel and cycle (records of a real run, altered)', { skip }, () => {
  const p = randomProgram(4242, { steps: 2 });
  const c = { program: p, frame: randomFrame(4242, p.input.height, p.input.width) };
  const r = cosimBatch([c], { keep: true });
  try {
    assert.ok(r.results[0]!.equal, r.results[0]!.difference);
    const rec = new Int32Array(readFileSync(join(r.dir, 'out.bin')).buffer.slice(0));
    assert.equal(rec[1], 0, 'first record is layer 0');
    const value = rec.slice(); value[3] = value[3]! + 1; // first channel value of the first record
    assert.match(compareRecords([c], value)[0]!.difference ?? '', /layer 0 .*channel 0, pixel \(0,0\), cycle \d+: RTL -?\d+ ≠ reference/);
    const cycle = rec.slice(); cycle[2] = cycle[2]! + 1;
    assert.match(compareRecords([c], cycle)[0]!.difference ?? '', /layer 0 .*pixel \(0,0\) valid at enabled cycle \d+, timing model says \d+/);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
});

test('hybrid-dhm cosim on a real head (ShuffleNetV2 cut 0 on a 16x16 crop of a sample image) prints equal and exits 0', { skip }, async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (m: string) => { lines.push(m); };
  let code: number;
  try {
    code = await main(['cosim', 'shufflenetv2', '--cut', '0', '--size', '16x16', '--image', imagePath('parrot')]);
  } finally {
    console.log = log;
  }
  assert.equal(code, 0, lines.join('\n'));
  assert.equal(lines[lines.length - 1], 'equal');
});
