/**
 * `hybrid-dhm rtl <model-id> --cut N --out DIR [quantiser flags as quantize] [--multipliers shift-add|dsp|dsp-largest-first] [--size HxW]`
 * Compiles the head (as `quantize`) and writes its synthesizable Verilog-2005 into DIR: one module per layer,
 * `dhm_head.v` (the board-shell port contract, docs/rtl.md), `dhm_head_params.vh`, the hand-written library of hdl/,
 * and a Quartus Prime skeleton (`dhm_head.qsf`, `dhm_head.sdc`). `--size HxW` resizes the head's input
 * (resizeProgramInput). A head the resource model says does not fit the 10CX220 is refused (naming the limiting
 * resource and layer) unless --no-fit-check. The folder is written under a temporary name and renamed at the end: a failure leaves nothing.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { flagChoice, flagInt, flagString, parseArgs, UsageError, type ParsedArgs } from '../args';
import { generateRtl, quartusQsf, quartusSdc, RTL_GENERATOR_VERSION, RTL_LIBRARY_FILES, type RtlOptions } from '../../src/rtl/index';
import { resizeProgramInput } from '../../src/dhm/resize';
import type { DhmProgram } from '../../src/dhm/program';
import { programHashHex } from '../../src/board/program-hash';
import { HDL_DIR } from '../../sim/verilator';
import { dspWeightMasks, estimateResources, type DspPolicy } from '../../src/cost/resources';
import { CYCLONE10GX_10CX220 } from '../../src/cost/devices';
import { compileModelHead, quantOptionsFromFlags, QUANT_FLAGS, QUANT_BOOLEANS } from './quantize';

export const USAGE = 'usage: hybrid-dhm rtl <model-id> --cut N --out DIR [--bits 8] [--weight-bits 8] [--rounding …] [--overflow …] [--multipliers shift-add|dsp|dsp-largest-first] [--size HxW] [--no-fit-check]';

/** Flags of the RTL commands beyond the quantiser's. */
export const RTL_FLAGS = ['multipliers', 'size'] as const;

/** The RTL's multiplier choice and the resource model's DSP policy it matches (`--multipliers`). */
const MULTIPLIER_POLICIES = { 'shift-add': 'logic', dsp: 'dsp-all', 'dsp-largest-first': 'dsp-largest-first' } as const satisfies Record<string, DspPolicy>;

/** Generator options from the flags, and the resource model's DSP policy that the generated multipliers follow. */
export interface RtlFlagOptions {
  readonly rtl: Pick<RtlOptions, 'multipliers' | 'dspWeights'>;
  readonly dspPolicy: DspPolicy;
}

/**
 * Generator options from `--multipliers`: `shift-add` (every multiplier in logic), `dsp` (every non-trivial one a
 * `*`, the model's `dsp-all`), `dsp-largest-first` (DSPs exactly where the model's default policy puts them within the
 * 10CX220's DSP budget: `dspWeightMasks` of src/cost/resources.ts).
 */
export function rtlOptionsFromFlags(a: ParsedArgs, program: DhmProgram): RtlFlagOptions {
  const choice = flagChoice(a, 'multipliers', Object.keys(MULTIPLIER_POLICIES) as (keyof typeof MULTIPLIER_POLICIES)[], 'shift-add');
  const dspPolicy = MULTIPLIER_POLICIES[choice];
  if (choice === 'dsp-largest-first') return { rtl: { dspWeights: dspWeightMasks(program, CYCLONE10GX_10CX220, { dspPolicy }) }, dspPolicy };
  return { rtl: { multipliers: choice }, dspPolicy };
}

/** The head of (model, cut) with the quantiser flags, resized when --size HxW is given. */
export function programFromFlags(a: ParsedArgs): { program: DhmProgram; title: string; cut: number } {
  if (a.positionals.length !== 1) throw new UsageError(`expected one model id, got ${a.positionals.length} arguments`);
  const cut = flagInt(a, 'cut');
  if (cut === undefined) throw new UsageError('--cut N is required');
  const r = compileModelHead(a.positionals[0]!, cut, quantOptionsFromFlags(a), false);
  let program = r.program;
  const size = flagString(a, 'size');
  if (size) {
    const m = /^(\d+)x(\d+)$/.exec(size);
    if (!m) throw new UsageError(`option --size expects HxW (e.g. 32x32), got '${size}'`);
    program = resizeProgramInput(program, Number(m[1]), Number(m[2]));
  }
  return { program, title: r.entry.title, cut };
}

/**
 * Write a design folder atomically: `fill(tmp)` writes every file into a temporary sibling of `out`, which is then
 * renamed to `out`; on any error the temporary folder is removed, so nothing half-written is left. `out` must not exist
 * or be empty. Returns the file names, sorted.
 */
export function writeFolderAtomically(out: string, fill: (tmp: string) => void): string[] {
  const dest = resolve(out);
  if (existsSync(dest) && readdirSync(dest).length > 0) throw new UsageError(`--out ${out} exists and is not empty; choose a new folder or remove it`);
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    fill(tmp);
    if (existsSync(dest)) rmSync(dest, { recursive: true });
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return readdirSync(dest).sort();
}

/**
 * Write the complete RTL folder of a program to `out` (generated files, library, Quartus skeleton), atomically
 * ({@link writeFolderAtomically}). Returns the file names.
 */
export function writeRtlFolder(program: DhmProgram, out: string, opts: Pick<RtlOptions, 'multipliers' | 'dspWeights'> = {}): string[] {
  const hash = programHashHex(program);
  const files = generateRtl(program, { ...opts, programHashHex: hash });
  return writeFolderAtomically(out, (tmp) => {
    for (const f of files) writeFileSync(join(tmp, f.path), f.text);
    for (const f of RTL_LIBRARY_FILES) copyFileSync(join(HDL_DIR, f), join(tmp, f));
    const verilog = [...RTL_LIBRARY_FILES, ...files.filter((f) => f.path.endsWith('.v')).map((f) => f.path)];
    const banner = [`// generated by ${RTL_GENERATOR_VERSION}; program hash ${hash}`];
    writeFileSync(join(tmp, 'dhm_head.qsf'), quartusQsf(verilog, banner));
    writeFileSync(join(tmp, 'dhm_head.sdc'), quartusSdc());
  });
}

/**
 * Throws a UsageError when the resource model says the head does not fit the Cyclone 10 GX 10CX220 (naming the limiting
 * resource, its use and the layer that uses most of it).
 */
export function checkFits(program: DhmProgram, dspPolicy: DspPolicy): void {
  const r = estimateResources(program, CYCLONE10GX_10CX220, { dspPolicy });
  if (r.fits) return;
  const key = ({ alms: 'alms', registers: 'registers', dspBlocks: 'dspMultipliers', m20k: 'm20k', mlab: 'mlab' } as const)[r.limiting];
  const worst = [...r.layers].sort((x, y) => y[key] - x[key])[0]!;
  throw new UsageError(`the head does not fit the ${CYCLONE10GX_10CX220.name} by the resource model (src/cost/resources.ts): ${r.limiting} at ${(100 * r.utilisation[r.limiting].value).toFixed(0)} % of the device, most of it in layer '${worst.layer}' (${worst[key]}); choose an earlier cut or fewer bits, or pass --no-fit-check to write it anyway`);
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS, ...RTL_FLAGS, 'out'], ['help', 'no-fit-check', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const out = flagString(a, 'out');
  if (!out) throw new UsageError(`--out DIR is required\n${USAGE}`);
  const { program, title, cut } = programFromFlags(a);
  const opts = rtlOptionsFromFlags(a, program);
  if (!a.flags.has('no-fit-check')) checkFits(program, opts.dspPolicy);
  const names = writeRtlFolder(program, out, opts.rtl);
  const o = program.streams[program.output]!;
  console.log(`${title} — head at cut ${cut}: ${program.layers.length} layers, input ${program.input.height}x${program.input.width}, output ${o.channels}x${o.height}x${o.width}`);
  console.log(`wrote ${names.length} files to ${out}: ${names.join(', ')}`);
  console.log(`program hash ${programHashHex(program)}`);
  return 0;
}
