/**
 * `hybrid-dhm board-rtl <model-id> --cut N --out DIR [--size HxW] [--clocks-per-bit 108] [--chunk 128] [--window 4]
 * [quantiser flags as quantize] [--multipliers shift-add|dsp]` — the whole board design for the Intel Cyclone 10 GX
 * FPGA Development Kit: the generated head (src/rtl), the board's protocol endpoint (hdl/board/: UART, frame
 * decoder/encoder, CRC-32, link control), the `dhm_board` wrapper and `board_top` kit top (src/rtl/board.ts), and a
 * Quartus Prime project (board_top.qpf/.qsf/.sdc). Pin locations are left for the user to fill in: none could be
 * verified against Intel's kit documentation (docs/board.md). Written to a temporary folder and renamed: a failure
 * leaves nothing.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { flagInt, flagString, parseArgs, UsageError, type ParsedArgs } from '../args';
import { programHashHex } from '../../src/board/program-hash';
import type { DhmProgram } from '../../src/dhm/program';
import { resizeProgramInput } from '../../src/dhm/resize';
import { BOARD_HDL_FILES, boardParams, boardWrapperVerilog, kitTopVerilog, quartusProject, type BoardDesignOptions } from '../../src/rtl/board';
import { generateRtl, RTL_LIBRARY_FILES } from '../../src/rtl/index';
import { BOARD_HDL_DIR } from '../../sim/board/build';
import { HDL_DIR } from '../../sim/verilator';
import { compileModelHead, quantOptionsFromFlags, QUANT_BOOLEANS, QUANT_FLAGS } from './quantize';
import { rtlOptionsFromFlags } from './rtl';

export const USAGE = 'usage: hybrid-dhm board-rtl <model-id> --cut N --out DIR [--size HxW] [--clocks-per-bit 108] [--chunk 128] [--window 4] [--bits 8] [--weight-bits 8] [--rounding …] [--overflow …] [--multipliers shift-add|dsp]';

/** Board flags beyond the quantiser's and the RTL generator's. */
export const BOARD_FLAGS = ['size', 'clocks-per-bit', 'chunk', 'window', 'multipliers', 'out'] as const;

/** The head program of (model, cut), resized to `size` ('HxW') when given. */
export function boardProgram(model: string, cut: number, size: string | undefined, a?: ParsedArgs): { program: DhmProgram; title: string } {
  const r = compileModelHead(model, cut, a ? quantOptionsFromFlags(a) : {}, false);
  let program = r.program;
  if (size) {
    const m = /^(\d+)x(\d+)$/.exec(size);
    if (!m) throw new UsageError(`option --size expects HxW (e.g. 32x32), got '${size}'`);
    program = resizeProgramInput(program, Number(m[1]), Number(m[2]));
  }
  return { program, title: r.entry.title };
}

/** Board design options from the flags (UART clocks per bit, chunk, window) for `program`. */
export function boardOptionsFromFlags(a: ParsedArgs, program: DhmProgram, dflt: { clocksPerBit?: number } = {}): BoardDesignOptions {
  const o: BoardDesignOptions = {
    programHashHex: programHashHex(program),
    clocksPerBit: flagInt(a, 'clocks-per-bit', dflt.clocksPerBit ?? 108),
    chunkBytes: flagInt(a, 'chunk', 128),
    windowFrames: flagInt(a, 'window', 4),
  };
  try {
    boardParams(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return o;
}

/** Write the board design and Quartus project of `program` to `out` (must not exist or be empty). Returns the file names. */
export function writeBoardFolder(program: DhmProgram, out: string, opts: BoardDesignOptions, rtl: ReturnType<typeof rtlOptionsFromFlags>): string[] {
  const dest = resolve(out);
  if (existsSync(dest) && readdirSync(dest).length > 0) throw new UsageError(`--out ${out} exists and is not empty; choose a new folder or remove it`);
  const head = generateRtl(program, { ...rtl, programHashHex: opts.programHashHex });
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = join(dirname(dest), `.${basename(dest)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    for (const f of head) writeFileSync(join(tmp, f.path), f.text);
    for (const f of RTL_LIBRARY_FILES) copyFileSync(join(HDL_DIR, f), join(tmp, f));
    for (const f of BOARD_HDL_FILES) copyFileSync(join(BOARD_HDL_DIR, f), join(tmp, f));
    writeFileSync(join(tmp, 'dhm_board.v'), boardWrapperVerilog(program, opts));
    writeFileSync(join(tmp, 'board_top.v'), kitTopVerilog());
    const verilog = ['board_top.v', 'dhm_board.v', ...BOARD_HDL_FILES, ...RTL_LIBRARY_FILES, ...head.filter((f) => f.path.endsWith('.v')).map((f) => f.path)];
    const q = quartusProject(verilog, { clockKHz: opts.clockKHz });
    writeFileSync(join(tmp, 'board_top.qpf'), q.qpf);
    writeFileSync(join(tmp, 'board_top.qsf'), q.qsf);
    writeFileSync(join(tmp, 'board_top.sdc'), q.sdc);
    if (existsSync(dest)) rmSync(dest, { recursive: true });
    renameSync(tmp, dest);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return readdirSync(dest).sort();
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS, ...BOARD_FLAGS], ['help', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError(`expected one model id, got ${a.positionals.length} arguments\n${USAGE}`);
  const out = flagString(a, 'out');
  if (!out) throw new UsageError(`--out DIR is required\n${USAGE}`);
  const cut = flagInt(a, 'cut');
  if (cut === undefined) throw new UsageError(`--cut N is required\n${USAGE}`);
  const { program, title } = boardProgram(a.positionals[0]!, cut, flagString(a, 'size'), a);
  const opts = boardOptionsFromFlags(a, program);
  const p = boardParams(opts);
  const names = writeBoardFolder(program, out, opts, rtlOptionsFromFlags(a));
  const o = program.streams[program.output]!;
  console.log(`${title} — board design, head at cut ${cut}: input ${program.input.height}x${program.input.width} RGB, output ${o.channels}x${o.height}x${o.width}`);
  const dev = ((p.baudRate / 921_600 - 1) * 100).toFixed(2);
  console.log(`UART ${p.clocksPerBit} clocks/bit at ${p.clockKHz / 1000} MHz = ${p.baudRate.toFixed(0)} baud (${dev} % from 921600: a host opens the port at 921600 when this is within the ±2 % UART tolerance); DATA chunks ${p.chunkBytes} B, window ${p.windowFrames}`);
  console.log(`wrote ${names.length} files to ${out}: ${names.join(', ')}`);
  console.log(`program hash ${opts.programHashHex}`);
  console.log('Quartus: open board_top.qpf, fill in the pin locations marked unverified in board_top.qsf (docs/board.md), compile.');
  return 0;
}
