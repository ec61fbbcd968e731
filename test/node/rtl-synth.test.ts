/**
 * Open synthesis (Debian's yosys, coarse pass: sim/yosys.ts) of generated heads against the project's resource model
 * (src/cost/resources.ts). Stated tolerances (docs/rtl.md, README): registers within ±15 % of the model; adder bits
 * within −20 %…+70 % on small random layers (the window's address/counter adders and the re-quantisation rounding
 * adders, which the model does not count as adder bits, weigh most on small layers) and within ±20 % on a real first
 * layer; with `--multipliers dsp` the synthesis keeps exactly as many multipliers as the model's `dsp-all` policy puts
 * on DSPs. Needs yosys; skipped with that reason without it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomConvProgram } from '../../src/dhm/random';
import type { DhmProgram } from '../../src/dhm/program';
import { generateRtl } from '../../src/rtl/index';
import { synthesize } from '../../sim/yosys';
import { compareWithModel, type SynthRow } from '../../sim/compare';
import { hasTool } from '../../sim/verilator';
import { compileModelHead } from '../../cli/commands/quantize';

const skip = hasTool('yosys') ? false : 'yosys not installed (sudo apt-get install -y yosys; .ci/run does)';

function ratio(rows: readonly SynthRow[], figure: SynthRow['figure']): number {
  const r = rows.find((x) => x.figure === figure)!;
  return r.synthesis / r.model;
}

function coarse(p: DhmProgram, dsp = false): SynthRow[] {
  const s = synthesize(generateRtl(p, { multipliers: dsp ? 'dsp' : 'shift-add' }));
  const rows = compareWithModel(p, s, dsp ? 'dsp-all' : 'logic');
  console.log(`# ${String(p.meta.seed ?? p.meta.modelId)}: ${rows.map((r) => `${r.figure} ${r.synthesis}/${r.model}`).join(', ')} (yosys ${s.seconds.toFixed(1)} s)`);
  return rows;
}

test('coarse synthesis of 6 random conv layers: registers within ±15 % and adder bits within −20 %…+70 % of the model', { skip }, () => {
  for (let seed = 1; seed <= 6; seed++) {
    const rows = coarse(randomConvProgram(seed));
    const reg = ratio(rows, 'registers');
    const add = ratio(rows, 'adder bits');
    assert.ok(reg >= 0.85 && reg <= 1.15, `seed ${seed}: registers synthesis/model = ${reg.toFixed(2)}`);
    assert.ok(add >= 0.8 && add <= 1.7, `seed ${seed}: adder bits synthesis/model = ${add.toFixed(2)}`);
  }
});

test('with --multipliers dsp the synthesis keeps exactly the multipliers the model puts on DSPs (dsp-all), on 3 random layers', { skip }, () => {
  for (let seed = 7; seed <= 9; seed++) {
    const rows = coarse(randomConvProgram(seed), true);
    const r = rows.find((x) => x.figure === 'DSP multipliers')!;
    assert.ok(r.model > 0, `seed ${seed} has non-trivial weights`);
    assert.equal(r.synthesis, r.model, `seed ${seed}: $mul cells vs model DSP multipliers`);
  }
});

test('coarse synthesis of a real first layer (ShuffleNetV2 cut 0, 224x224): registers and adder bits within ±20 % of the model', { skip }, () => {
  const p = compileModelHead('shufflenetv2', 0, {}, false).program;
  const rows = coarse(p);
  const reg = ratio(rows, 'registers');
  const add = ratio(rows, 'adder bits');
  assert.ok(reg >= 0.85 && reg <= 1.15, `registers synthesis/model = ${reg.toFixed(2)}`);
  assert.ok(add >= 0.8 && add <= 1.2, `adder bits synthesis/model = ${add.toFixed(2)}`);
});
