/**
 * The RTL generator without a simulator: deterministic bytes, header with program hash and generator version, the
 * board contract's ports and defines, buffer sizes from the timing schedule, typed errors for programs it cannot
 * build, resizeProgramInput, and the `rtl` command's folder (complete, or nothing on failure).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateRtl, RTL_GENERATOR_VERSION, RtlError, streamTimes, lineBufferRows } from '../../src/rtl/index';
import { csdDigits, signedLiteral } from '../../src/rtl/verilog';
import { formulaCycles } from '../../src/dhm/cycles';
import { randomProgram } from '../../src/dhm/random';
import { resizeProgramInput } from '../../src/dhm/resize';
import { DhmProgramError } from '../../src/dhm/validate';
import type { ConvLayer, DhmProgram } from '../../src/dhm/program';
import { hasTool, requireTool, ToolMissingError } from '../../sim/verilator';
import { spawnSync } from 'node:child_process';
import { main } from '../../cli/main';
import { dspWeightMasks, estimateResources } from '../../src/cost/resources';
import { CYCLONE10GX_10CX220 } from '../../src/cost/devices';

test('same program → byte-identical files; the header names the program hash and the generator version', () => {
  const p = randomProgram(7, { steps: 3 });
  const a = generateRtl(p, { programHashHex: 'ab12' });
  const b = generateRtl(randomProgram(7, { steps: 3 }), { programHashHex: 'ab12' });
  assert.deepEqual(a, b);
  for (const f of a) {
    assert.match(f.text, /ab12/, `${f.path} names the hash`);
    assert.ok(f.text.includes(RTL_GENERATOR_VERSION), `${f.path} names the generator version`);
  }
  assert.deepEqual(a.map((f) => f.path).filter((x) => x.startsWith('dhm_head')), ['dhm_head.v', 'dhm_head_params.vh']);
  assert.equal(a.length, p.layers.length + 2, 'one module file per layer + top + params');
});

test('dhm_head has exactly the contract ports and dhm_head_params.vh the contract defines', () => {
  const p = randomProgram(3, { steps: 2 });
  const files = generateRtl(p, { programHashHex: 'cafe' });
  const top = files.find((f) => f.path === 'dhm_head.v')!.text;
  const out = p.streams[p.output]!;
  for (const port of ['input  wire clk', 'input  wire rst', 'input  wire ce', 'input  wire in_valid', 'input  wire [23:0] in_rgb', 'input  wire in_first', 'output wire out_valid', `output wire [${out.channels * out.format.bits - 1}:0] out_data`, 'output wire out_last', 'output wire [31:0] cycle']) {
    assert.ok(top.includes(port), `port '${port}'`);
  }
  const params = files.find((f) => f.path === 'dhm_head_params.vh')!.text;
  for (const [d, v] of [['DHM_IN_H', p.input.height], ['DHM_IN_W', p.input.width], ['DHM_OUT_C', out.channels], ['DHM_OUT_BITS', out.format.bits], ['DHM_OUT_SIGNED', out.format.signed ? 1 : 0], ['DHM_OUT_H', out.height], ['DHM_OUT_W', out.width], ['DHM_PROGRAM_HASH', '"cafe"']] as const) {
    assert.ok(params.includes(`\`define ${d} ${v}\n`), `define ${d} ${v}`);
  }
});

test('the schedule the RTL reproduces equals the analytic cycle formula on 100 random programs', () => {
  for (let seed = 1; seed <= 100; seed++) {
    const p = randomProgram(seed);
    const t = streamTimes(p);
    const f = formulaCycles(p);
    p.layers.forEach((l, i) => {
      const tl = t.get(l.output)!;
      assert.equal(tl[0], f.perLayer[i]!.firstOutput, `seed ${seed} layer ${l.name} first`);
      assert.equal(tl[tl.length - 1]! + 1, f.perLayer[i]!.total, `seed ${seed} layer ${l.name} total`);
    });
  }
});

test('line buffer of a 3x3 stride-1 pad-1 conv on the camera stream keeps 3 rows (2 line buffers + the row being written)', () => {
  const p = randomProgram(1, { steps: 0 });
  const l = p.layers[0] as ConvLayer;
  const conv: ConvLayer = { ...l, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 1, inChannels: 3, outChannels: 1, weights: new Int32Array(27).fill(1), bias: new Int32Array(1), shift: new Int32Array(1), padValue: new Int32Array(3) };
  const prog: DhmProgram = { ...p, input: { ...p.input, height: 8, width: 8 }, streams: { ...p.streams, input: { ...p.streams.input!, height: 8, width: 8 }, [l.output]: { ...p.streams[l.output]!, channels: 1, height: 8, width: 8 } }, layers: [conv] };
  assert.equal(lineBufferRows(prog, conv, streamTimes(prog)), 3);
});

test('CSD digits reconstruct the weight; signed literals never use unary minus', () => {
  for (let w = -300; w <= 300; w++) {
    const d = csdDigits(w);
    assert.equal(d.reduce((a, q) => a + q.sign * 2 ** q.shift, 0), w);
    for (let i = 1; i < d.length; i++) assert.ok(d[i]!.shift > d[i - 1]!.shift + 1, `non-adjacent digits for ${w}`);
  }
  assert.equal(signedLiteral(-128, 8), "8'sh80");
  assert.equal(signedLiteral(-1, 12), "12'shfff");
  assert.equal(signedLiteral(5, 4), "4'sh5");
});

test('a frame wider than the RTL counters is a typed RtlError naming the stream', () => {
  const p = resizeProgramInput(randomProgram(2, { steps: 0 }), 1, 40000);
  assert.throws(() => generateRtl(p), (e: unknown) => e instanceof RtlError && /stream 'input'/.test((e as Error).message));
});

test('resizeProgramInput keeps layers and formats and recomputes every stream shape (valid program)', () => {
  const p = randomProgram(11, { steps: 4 });
  const r = resizeProgramInput(p, 20, 17);
  assert.equal(r.input.height, 20);
  assert.equal(r.streams[r.input.id]!.width, 17);
  assert.equal(r.layers, p.layers);
  for (const [id, s] of Object.entries(r.streams)) assert.deepEqual(s.format, p.streams[id]!.format);
  assert.throws(() => resizeProgramInput(p, 0, 5), DhmProgramError);
});

test('a missing tool is a ToolMissingError naming it and the apt-get command', () => {
  assert.throws(() => requireTool('verilator-not-installed-here'), (e: unknown) => e instanceof ToolMissingError && /verilator-not-installed-here/.test((e as Error).message) && /apt-get install -y verilator yosys/.test((e as Error).message));
});

test('hybrid-dhm rtl writes the complete folder (verilator lint clean); a bad option or a head that does not fit leaves nothing behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dhm-rtl-cli-'));
  const out = join(dir, 'head');
  const log = console.log;
  console.log = () => {};
  let code: number;
  try {
    code = await main(['rtl', 'shufflenetv2', '--cut', '0', '--size', '16x16', '--out', out]);
  } finally {
    console.log = log;
  }
  assert.equal(code, 0);
  const names = readdirSync(out);
  for (const f of ['dhm_head.v', 'dhm_head_params.vh', 'dhm_head.qsf', 'dhm_head.sdc', 'window.v', 'line_buffer.v', 'requant.v', 'round_shift.v', 'skew_fifo.v']) assert.ok(names.includes(f), f);
  assert.match(readFileSync(join(out, 'dhm_head.qsf'), 'utf8'), /DEVICE 10CX220YF780E5G/);
  if (hasTool('verilator')) {
    const vs = names.filter((n) => n.endsWith('.v')).map((n) => join(out, n));
    const lint = spawnSync('verilator', ['--lint-only', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', 'dhm_head', ...vs], { encoding: 'utf8' });
    assert.equal(lint.status, 0, `verilator --lint-only of the written folder: ${lint.stderr}`);
  } else {
    console.log('# verilator not installed: the lint step of this test was not run (sudo apt-get install -y verilator)');
  }
  const err = console.error;
  console.error = () => {};
  try {
    assert.equal(await main(['rtl', 'shufflenetv2', '--cut', '0', '--size', '1x1x', '--out', join(dir, 'bad')]), 2);
    assert.equal(await main(['rtl', 'shufflenetv2', '--cut', '0', '--out', out]), 2, 'refuses a non-empty --out');
    const errors: string[] = [];
    console.error = (m: string) => { errors.push(m); };
    assert.equal(await main(['rtl', 'squeezenet1.1', '--cut', '9', '--out', join(dir, 'big')]), 2, 'refuses a head that does not fit');
    assert.match(errors.join('\n'), /does not fit .* layer '/);
  } finally {
    console.error = err;
  }
  assert.ok(!existsSync(join(dir, 'bad')));
  assert.ok(!existsSync(join(dir, 'big')));
  assert.deepEqual(readdirSync(dir).sort(), ['head'], 'no temporary folder left');
});

test('dsp-largest-first: the RTL has a `*` multiplier exactly where the resource model counts a DSP, per layer, under 4 budgets on 12 random programs', () => {
  let checked = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const p = randomProgram(seed);
    const convs = p.layers.filter((l): l is ConvLayer => l.kind === 'conv');
    if (convs.length === 0) continue;
    for (const budget of [0, 3, 40, 100_000]) {
      const opts = { dspPolicy: 'dsp-largest-first', dspMultiplierBudget: budget } as const;
      const model = estimateResources(p, CYCLONE10GX_10CX220, opts);
      const files = generateRtl(p, { dspWeights: dspWeightMasks(p, CYCLONE10GX_10CX220, opts) });
      p.layers.forEach((l, i) => {
        if (l.kind !== 'conv') return;
        const text = files.find((f) => f.path.startsWith(`l${String(i).padStart(2, '0')}_`))!.text;
        const products = (text.match(/x_\d+_\d+ \* /g) ?? []).length;
        assert.equal(products, model.layers[i]!.multDsp, `seed ${seed} budget ${budget} layer ${l.name}: RTL '*' products vs the model's DSP multipliers`);
        checked++;
      });
      const total = model.layers.reduce((a, x) => a + x.multDsp, 0);
      assert.ok(total <= budget, `seed ${seed}: ${total} DSP multipliers within the budget ${budget}`);
    }
  }
  assert.ok(checked >= 20, `checked ${checked} layers`);
});
