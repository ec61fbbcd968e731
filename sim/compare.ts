/**
 * The synthesis figures of a head beside the project's resource model (src/cost/resources.ts, issue 15's; read-only
 * here). Model adder bits are derived from its own rule "an adder costs ceil(width/2) ALMs": 2 × (multiplier ALMs +
 * adder-tree ALMs) of every layer.
 */
import type { DhmProgram } from '../src/dhm/program';
import { estimateResources, type DspPolicy } from '../src/cost/resources';
import { CYCLONE10GX_10CX220 } from '../src/cost/devices';
import type { SynthFigures } from './yosys';

/** One row of the comparison. */
export interface SynthRow {
  readonly figure: 'adder bits' | 'registers' | 'DSP multipliers' | 'M20K blocks' | 'ALMs';
  readonly synthesis: number;
  readonly model: number;
}

/** Rows: synthesis (measured here by yosys) vs model (modelled, src/cost/resources.ts with `policy`). */
export function compareWithModel(program: DhmProgram, s: SynthFigures, policy: DspPolicy): SynthRow[] {
  const m = estimateResources(program, CYCLONE10GX_10CX220, { dspPolicy: policy });
  const sum = (f: (l: (typeof m.layers)[number]) => number) => m.layers.reduce((a, l) => a + f(l), 0);
  return [
    { figure: 'adder bits', synthesis: s.adderBits, model: 2 * sum((l) => l.multiplierAlms + l.treeAlms) },
    { figure: 'registers', synthesis: s.registerBits, model: m.totals.registers.value },
    { figure: 'DSP multipliers', synthesis: s.dspMultipliers, model: sum((l) => l.dspMultipliers) },
    { figure: 'M20K blocks', synthesis: s.m20k, model: m.totals.m20k.value },
    { figure: 'ALMs', synthesis: s.alms, model: m.totals.alms.value },
  ];
}
