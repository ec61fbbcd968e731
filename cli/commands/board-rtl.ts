/**
 * `hybrid-dhm board-rtl <model-id> --cut N --out DIR [--size HxW] [--clocks-per-bit 108] [--chunk 128] [--window 4]
 * [quantiser flags as quantize] [--multipliers shift-add|dsp|dsp-largest-first]` — the whole board design for the Intel Cyclone 10 GX
 * FPGA Development Kit: the generated head (src/rtl), the board's protocol endpoint (hdl/board/: UART, frame
 * decoder/encoder, CRC-32, link control), the `dhm_board` wrapper and `board_top` kit top (src/rtl/board.ts), and a
 * Quartus Prime project (board_top.qpf/.qsf/.sdc). Pin locations are left for the user to fill in: none could be
 * verified against Intel's kit documentation (docs/board.md). Written to a temporary folder and renamed: a failure
 * leaves nothing.
 * `--simulate` instead builds the Verilated board (sim/board/) with these parameters and runs one frame through the
 * project's board backend: the frame time it prints is measured in simulation cycles at the board clock (the UART
 * bit timing is in the RTL), with the map and cycle counts checked against the reference executor. The frame is
 * `--image FILE` prepared by the model's recipe (only for the model's own input size), else a synthetic test frame.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagInt, flagString, parseArgs, UsageError, type ParsedArgs } from '../args';
import { programHashHex } from '../../src/board/program-hash';
import type { DhmProgram } from '../../src/dhm/program';
import { resizeProgramInput } from '../../src/dhm/resize';
import { BOARD_HDL_FILES, boardParams, boardWrapperVerilog, kitTopVerilog, quartusProject, type BoardDesignOptions } from '../../src/rtl/board';
import { generateRtl, RTL_LIBRARY_FILES } from '../../src/rtl/index';
import { BOARD_HDL_DIR } from '../../sim/board/build';
import { HDL_DIR } from '../../sim/verilator';
import { compileModelHead, quantOptionsFromFlags, QUANT_BOOLEANS, QUANT_FLAGS } from './quantize';
import { rtlOptionsFromFlags, writeFolderAtomically, type RtlFlagOptions } from './rtl';

export const USAGE = 'usage: hybrid-dhm board-rtl <model-id> --cut N (--out DIR | --simulate [--image FILE]) [--size HxW] [--clocks-per-bit 108] [--chunk 128] [--window 4] [--bits 8] [--weight-bits 8] [--rounding …] [--overflow …] [--multipliers shift-add|dsp|dsp-largest-first]';

/** Board flags beyond the quantiser's and the RTL generator's. */
export const BOARD_FLAGS = ['size', 'clocks-per-bit', 'chunk', 'window', 'multipliers', 'out', 'image'] as const;

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

/** Write the board design and Quartus project of `program` to `out` (must not exist or be empty), atomically. Returns the file names. */
export function writeBoardFolder(program: DhmProgram, out: string, opts: BoardDesignOptions, rtl: RtlFlagOptions['rtl']): string[] {
  const head = generateRtl(program, { ...rtl, programHashHex: opts.programHashHex });
  return writeFolderAtomically(out, (tmp) => {
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
  });
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS, ...BOARD_FLAGS], ['help', 'simulate', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError(`expected one model id, got ${a.positionals.length} arguments\n${USAGE}`);
  const out = flagString(a, 'out');
  if (a.flags.has('simulate')) return simulate(a);
  if (!out) throw new UsageError(`--out DIR (or --simulate) is required\n${USAGE}`);
  const cut = flagInt(a, 'cut');
  if (cut === undefined) throw new UsageError(`--cut N is required\n${USAGE}`);
  const { program, title } = boardProgram(a.positionals[0]!, cut, flagString(a, 'size'), a);
  const opts = boardOptionsFromFlags(a, program);
  const p = boardParams(opts);
  const names = writeBoardFolder(program, out, opts, rtlOptionsFromFlags(a, program).rtl);
  const o = program.streams[program.output]!;
  console.log(`${title} — board design, head at cut ${cut}: input ${program.input.height}x${program.input.width} RGB, output ${o.channels}x${o.height}x${o.width}`);
  const dev = ((p.baudRate / 921_600 - 1) * 100).toFixed(2);
  console.log(`UART ${p.clocksPerBit} clocks/bit at ${p.clockKHz / 1000} MHz = ${p.baudRate.toFixed(0)} baud (${dev} % from 921600: a host opens the port at 921600 when this is within the ±2 % UART tolerance); DATA chunks ${p.chunkBytes} B, window ${p.windowFrames}`);
  console.log(`wrote ${names.length} files to ${out}: ${names.join(', ')}`);
  console.log(`program hash ${opts.programHashHex}`);
  console.log('Quartus: open board_top.qpf, fill in the pin locations marked unverified in board_top.qsf (docs/board.md), compile.');
  return 0;
}

/** `--simulate`: one frame through the Verilated board; prints the frame time measured in simulation. */
async function simulate(a: ParsedArgs): Promise<number> {
  const { buildBoardSim } = await import('../../sim/board/build');
  const { headFolderFor } = await import('../../sim/board/head-folder');
  const { RtlBoard } = await import('../../sim/board/rtl-board');
  const { rtlBackend } = await import('../../sim/board/selftest-rtl');
  const { FakeSerialLink } = await import('../../src/board/fake-port');
  const { demoFrame } = await import('../../src/board/demo');
  const { runReference } = await import('../../src/dhm/reference');
  const cut = flagInt(a, 'cut');
  if (cut === undefined) throw new UsageError(`--cut N is required\n${USAGE}`);
  const { program, title } = boardProgram(a.positionals[0]!, cut, flagString(a, 'size'), a);
  const { height: H, width: W } = program.input;
  let data: Uint8Array;
  let frameName: string;
  const image = flagString(a, 'image');
  if (image) {
    const { resolveModel } = await import('../paths');
    const { decodeImageFile } = await import('../image');
    const { toFrame } = await import('../../src/image/preprocess');
    const entry = resolveModel(a.positionals[0]!).entry!;
    const f = toFrame(decodeImageFile(image), entry.preprocessing);
    if (f.width !== W || f.height !== H) throw new UsageError(`--image gives a ${f.width}x${f.height} frame (the model's recipe); the head's input is ${W}x${H} (drop --size or --image)`);
    data = f.data;
    frameName = `${image} (model recipe)`;
  } else {
    data = demoFrame(H, W).data;
    frameName = 'synthetic test frame (src/board/demo.ts)';
  }
  const opts = boardOptionsFromFlags(a, program);
  const t0 = performance.now();
  const sim = buildBoardSim(program, { ...opts, headDir: headFolderFor(program) });
  console.log(`Verilator build: ${sim.built ? `${(sim.buildMs / 1000).toFixed(1)} s` : 'reused from the cache'}`);
  const link = new FakeSerialLink({ pacing: 'none' });
  const board = new RtlBoard(sim, link.board);
  await board.ready;
  const backend = rtlBackend(link, board);
  try {
    await backend.connect();
    const c0 = board.cycle;
    const t1 = performance.now();
    const r = await backend.run(program, { width: W, height: H, data });
    const wallS = (performance.now() - t1) / 1000;
    const frameCycles = board.cycle - c0;
    const ref = runReference(program, data);
    const exact = r.output.length === ref.output.length && r.output.every((v, i) => v === ref.output[i]) && r.cycles.total === ref.cycles.total && r.cycles.firstOutput === ref.cycles.firstOutput;
    const p = sim.params;
    const o = program.streams[program.output]!;
    console.log(`${title}, head at cut ${cut}: input ${H}x${W} RGB → output ${o.channels}x${o.height}x${o.width}; frame: ${frameName}`);
    console.log(`UART ${p.clocksPerBit} clocks/bit at ${p.clockKHz / 1000} MHz = ${p.baudRate.toFixed(0)} baud; DATA chunks ${p.chunkBytes} B, window ${p.windowFrames}`);
    console.log(`frame time, measured in simulation: ${frameCycles} cycles = ${(frameCycles / p.clockKHz).toFixed(2)} ms at ${p.clockKHz / 1000} MHz (RUN received → last result frame sent; the host's reaction takes zero simulated time)`);
    console.log(`  bytes host→board ${r.link.bytesToBoard}, board→host ${r.link.bytesFromBoard}; head compute ${r.cycles.total} enabled cycles = ${(r.cycles.total / p.clockKHz).toFixed(3)} ms (first output at cycle ${r.cycles.firstOutput})`);
    console.log(`  map and cycle counts equal to the reference executor: ${exact ? 'yes' : 'NO'}; ${(frameCycles / 1e6).toFixed(1)} M cycles simulated in ${wallS.toFixed(1)} s wall (${(t1 - t0) / 1000 > 1 ? `plus ${((t1 - t0) / 1000).toFixed(1)} s build/start` : 'build reused'})`);
    return exact ? 0 : 1;
  } finally {
    await backend.dispose();
    link.shutdown();
    await board.stop();
  }
}
