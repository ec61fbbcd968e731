import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formulaCycles } from '../../src/dhm/cycles';
import { validateProgram } from '../../src/dhm/validate';
import { getModel } from '../../src/models/registry';
import { modelSweepInput, reproduce } from '../../src/cost/reproduce';
import { isFigure } from '../../src/provenance/provenance';
import { csdNonZero } from '../../src/cost/csd';
import { ROW_FIGURES } from '../../src/cost/sweep';
import { MODELS_ROOT } from '../../cli/paths';
import { run } from '../../cli/commands/reproduce';
import { skipUnlessProvisioned } from './helpers/paths';

const entry = getModel('squeezenet1.1');
const path = join(MODELS_ROOT, entry.file.path);
const skip = skipUnlessProvisioned(path);
const model = (): { entry: typeof entry; bytes: Uint8Array } => ({ entry, bytes: new Uint8Array(readFileSync(path)) });

test('real SqueezeNet 1.1 heads: valid programs at 6/8/10 bits, weights follow the pow2 rule, first layer folded', { skip }, () => {
  const net = modelSweepInput(model());
  assert.equal(net.cuts.length, 12);
  for (const cut of [net.cuts[0]!, net.cuts[2]!]) {
    for (const bits of [6, 8, 10]) {
      const p = net.program(cut.index, bits);
      validateProgram(p);
      const c = formulaCycles(p);
      assert.ok(c.total > 220 * 224 && c.total < 224 * 224 + 5000, `cut ${cut.index}: a frame takes about H·W cycles, got ${c.total}`);
      for (const l of p.layers) {
        if (l.kind !== 'conv') continue;
        assert.equal(l.weightFormat.bits, bits);
        const lim = 2 ** (bits - 1) - 1;
        let maxAbs = 0;
        for (const w of l.weights) maxAbs = Math.max(maxAbs, Math.abs(w));
        assert.ok(maxAbs <= lim + 1 && maxAbs > lim / 2, `${l.name}: max |code| ${maxAbs} should use the top bit of ${bits}-bit codes`);
      }
      const first = p.layers[0]!;
      assert.ok(first.kind === 'conv' && Array.from(first.padValue).join(',') === '124,116,104', 'torch224 pad values (docs/datapath.md §8)');
    }
  }
});

test('reproduce one network: rows labelled, sanity holds on real heads, deterministic', { skip }, () => {
  const a = reproduce([model()], { bits: [6, 8, 10] });
  assert.equal(a.rows.length, 12 * 3);
  for (const r of a.rows) for (const k of ROW_FIGURES) assert.ok(isFigure(r.figures[k]), `${r.cutIndex}/${r.bits}: ${k}`);
  for (const bits of [6, 8, 10]) {
    const rs = a.rows.filter((r) => r.bits === bits);
    for (let i = 1; i < rs.length; i++) {
      for (const k of ['alms', 'registers', 'm20k', 'dspBlocks'] as const) {
        assert.ok(rs[i]!.figures[k].value >= rs[i - 1]!.figures[k].value, `${bits}-bit ${k}: cut ${i} < cut ${i - 1}`);
      }
    }
  }
  for (let c = 0; c < 12; c++) {
    const alms = [6, 8, 10].map((b) => a.rows.find((r) => r.cutIndex === c && r.bits === b)!.figures.alms.value);
    assert.ok(alms[0]! <= alms[1]! && alms[1]! <= alms[2]!, `cut ${c}: ALMs ${alms.join(' ')}`);
  }
  // the earliest cut fits, the deepest does not (1,728 vs ~700k multipliers)
  assert.equal(a.rows.find((r) => r.cutIndex === 0 && r.bits === 8)!.fits, true);
  assert.equal(a.rows.find((r) => r.cutIndex === 11 && r.bits === 8)!.fits, false);
  const b = reproduce([model()], { bits: [6, 8, 10] });
  assert.equal(a.files.size, 3 + 1 + 4 * 2, 'report, CSV, JSON, resources plot, two reduction plots per scenario');
  for (const [k, v] of a.files) assert.equal(b.files.get(k), v, `${k} differs between runs`);
  assert.ok(a.files.get('report.md')!.includes('| SqueezeNet | 21%–28% | same latency | squeezenet1.1 |'));
  assert.equal(csdNonZero(0), 0);
});

test('CLI reproduce writes the report files; bad options are usage errors', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cost-repro-'));
  try {
    const rc = await run(['--out', dir, '--models', 'squeezenet1.1', '--bits', '8', '--scenario', 'camera']);
    assert.equal(rc, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['camera-squeezenet1.1-energy.svg', 'camera-squeezenet1.1-latency.svg', 'report.md', 'rows.csv', 'rows.json', 'squeezenet1.1-resources.svg']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'rows.json'), 'utf8')).length, 12);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    assert.ok(md.includes('| camera | squeezenet1.1 | 8 |') && md.includes('Skipped: no --synth FILE given'), 'scenario table and the stated open-synthesis skip');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(run(['--bits', '7,x']), { name: 'UsageError' });
  await assert.rejects(run(['--dsp', 'magic']), /must be one of logic, dsp-largest-first, dsp-all/);
  await assert.rejects(run(['--baud', '9600']), /--baud applies only with --link serial/);
  await assert.rejects(run(['--models', 'mobilenetv2-int8']), /not a float NCHW model/);
  await assert.rejects(run(['--programs', 'magic']), /must be one of structural, compiler/);
  await assert.rejects(run(['--idle-power', 'sometimes']), /must be one of excluded, included/);
  await assert.rejects(run(['--clock-mhz', '-5']), /--clock-mhz must be in/);
  await assert.rejects(run(['--scenario', 'magic']), /--scenario must be one of roofline, eager-tx2, camera, roofline-camera/);
  await assert.rejects(run(['--accuracy-bits', '4']), /apply only with --accuracy/);
  await assert.rejects(run(['--accuracy', '--images', '/nonexistent/photos']), /--images: .* does not exist/);
  await assert.rejects(run(['--synth', '/nonexistent/synth.json']), /--synth: .* does not exist/);
});

const STRUCTURAL_CASES: readonly [string, number][] = [['squeezenet1.1', 3], ['mobilenetv2', 3], ['shufflenetv2', 3]];

test('the compiler\'s estimate mode (the sweep\'s programs) equals the calibrated compiler: same layers, weight codes and cycles; ALMs within 1 %', { skip: skipUnlessProvisioned(...STRUCTURAL_CASES.map(([id]) => join(MODELS_ROOT, getModel(id).file.path))) }, async () => {
  const { loadGraph, listCuts, splitAt } = await import('../../src/graph/index');
  const { compileHead, calibrate, lowerHead, estimateCompiler } = await import('../../src/dhm/index');
  const { estimateResources } = await import('../../src/cost/resources');
  const { CYCLONE10GX_10CX220 } = await import('../../src/cost/devices');
  const { decodeBmp } = await import('../../src/image/bmp');
  const { toFrame } = await import('../../src/image/preprocess');
  const { SAMPLE_IMAGES } = await import('../../src/models/registry');
  for (const [id, deepest] of STRUCTURAL_CASES) {
    const e = getModel(id);
    const p = join(MODELS_ROOT, e.file.path);
    const g = loadGraph(new Uint8Array(readFileSync(p)), p);
    const cuts = listCuts(g);
    const estimate = estimateCompiler(g, e.preprocessing);
    const frame = toFrame(decodeBmp(new Uint8Array(readFileSync(join(MODELS_ROOT, SAMPLE_IMAGES.cat.path)))), e.preprocessing).data;
    const stats = calibrate(lowerHead(splitAt(g, deepest).head, e.preprocessing), [frame]);
    for (let c = 0; c <= deepest; c++) {
      const head = splitAt(g, c).head;
      for (const bits of [6, 8, 10]) {
        const comp = compileHead(head, { preprocessing: e.preprocessing, calibrationFrames: [frame], calibration: stats, report: false, bits, weightBits: bits }).program;
        const st = estimate(cuts[c]!, bits);
        assert.deepEqual(st.layers.map((l) => `${l.kind}:${l.output}`), comp.layers.map((l) => `${l.kind}:${l.output}`), `${id} cut ${c}: layers`);
        comp.layers.forEach((l, i) => {
          const s = st.layers[i]!;
          if (l.kind === 'conv' && s.kind === 'conv') {
            assert.deepEqual(s.weightFormat, l.weightFormat, `${id} ${l.name} ${bits}-bit weight format`);
            assert.ok(s.weights.every((w, k) => w === l.weights[k]), `${id} ${l.name} ${bits}-bit weight codes differ from compileHead's`);
            assert.deepEqual(Array.from(s.padValue), Array.from(l.padValue));
          }
        });
        assert.equal(formulaCycles(st).total, formulaCycles(comp).total, `${id} cut ${c}: cycles`);
        const a = estimateResources(st, CYCLONE10GX_10CX220, { dspPolicy: 'logic' }).totals.alms.value;
        const b = estimateResources(comp, CYCLONE10GX_10CX220, { dspPolicy: 'logic' }).totals.alms.value;
        assert.ok(Math.abs(a - b) <= 0.01 * b, `${id} cut ${c} ${bits}-bit: ALMs ${a} (estimate mode) vs ${b} (calibrated)`);
      }
    }
  }
});
