/**
 * `hybrid-dhm synth <model-id> --cut N [--full] [quantiser flags] [--size HxW] [--multipliers shift-add|dsp|dsp-largest-first] [--json]`
 * Generates the head's RTL and runs Debian's yosys on it — the coarse pass by default, `synth_intel_alm -family
 * cyclone10gx` with --full — and prints adder bits, registers, DSP multipliers, M20K blocks and an ALM figure beside
 * the project's resource model (src/cost/resources.ts). How each figure is derived: docs/rtl.md §Synthesis.
 * Needs yosys (sudo apt-get install -y yosys).
 */
import { parseArgs, UsageError } from '../args';
import { generateRtl } from '../../src/rtl/index';
import { programHashHex } from '../../src/board/program-hash';
import { synthesize } from '../../sim/yosys';
import { compareWithModel } from '../../sim/compare';
import { QUANT_BOOLEANS, QUANT_FLAGS } from './quantize';
import { programFromFlags, rtlOptionsFromFlags, RTL_FLAGS } from './rtl';

export const USAGE = 'usage: hybrid-dhm synth <model-id> --cut N [--full] [--bits 8] [--rounding …] [--overflow …] [--size HxW] [--multipliers shift-add|dsp|dsp-largest-first] [--json]';

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS, ...RTL_FLAGS], ['help', 'json', 'full', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError(`expected one model id\n${USAGE}`);
  const { program, title, cut } = programFromFlags(a);
  const { rtl, dspPolicy: policy } = rtlOptionsFromFlags(a, program);
  const full = a.flags.has('full');
  const s = synthesize(generateRtl(program, { ...rtl, programHashHex: programHashHex(program) }), { full });
  const rows = compareWithModel(program, s, policy);
  if (a.flags.has('json')) {
    console.log(JSON.stringify({ cut, pass: s.pass, seconds: s.seconds, rows, cells: s.cells, memoryBits: s.memoryBits, logicBits: s.logicBits, modelPolicy: policy }, null, 1));
    return 0;
  }
  console.log(`${title} — head at cut ${cut}, ${program.input.height}x${program.input.width}: yosys ${full ? 'synth_intel_alm -family cyclone10gx' : 'coarse pass'} in ${s.seconds.toFixed(1)} s (measured here)`);
  console.log('figure            synthesis (measured)   model (modelled, resources.ts ' + policy + ')   synthesis/model');
  for (const r of rows) console.log(`${r.figure.padEnd(17)} ${String(r.synthesis).padStart(20)}   ${String(r.model).padStart(20)}   ${r.model ? (r.synthesis / r.model).toFixed(2) : '-'}`);
  console.log(`memory bits kept as memories: ${s.memoryBits}; other logic bits: ${s.logicBits}. ALM figure = max(ceil((adder + logic bits)/2), ceil(registers/4)) (docs/rtl.md).`);
  return 0;
}
