/**
 * `hybrid-dhm serial-selftest [--json] [--baud N] [--target sim|rtl]` — run the board-link fault list
 * (docs/protocol.md §10) through the fake serial port, with the same decoder and backend code the page uses, against
 * `--target sim` (default): the TypeScript board simulator (pacing: the fake link's simulated line clock, 10 bits/byte);
 * `--target rtl`: the Verilated RTL board (sim/board/: UART bit timing in RTL) running a real head —
 * `--model mobilenetv2 --cut 0 --size 32x32` by default, UART `--clocks-per-bit 8` (fast simulation).
 * Prints per fault what was injected, what the backend reported, and whether the following clean run succeeded.
 * Exit code 1 if any case fails.
 */
import { flagChoice, flagInt, flagString, parseArgs, UsageError } from '../args';
import { runSelfTest, type SelfTestCase, type SelfTestReport } from '../../src/board/selftest';

type CaseCallback = (c: SelfTestCase) => void;

export const USAGE = 'usage: hybrid-dhm serial-selftest [--json] [--baud N] [--target sim|rtl [--model ID] [--cut N] [--size HxW] [--clocks-per-bit N]]';

/** The RTL target: build (or reuse) the Verilated board for the head and run the fault list against it. */
async function rtlReport(a: ReturnType<typeof parseArgs>, onCase: CaseCallback | undefined): Promise<SelfTestReport> {
  const { boardProgram, boardOptionsFromFlags } = await import('./board-rtl');
  const { buildBoardSim } = await import('../../sim/board/build');
  const { headFolderFor } = await import('../../sim/board/head-folder');
  const { runRtlSelfTest } = await import('../../sim/board/selftest-rtl');
  const { demoFrame } = await import('../../src/board/demo');
  const cut = flagInt(a, 'cut', 0)!;
  const { program, title } = boardProgram(flagString(a, 'model', 'mobilenetv2')!, cut, flagString(a, 'size', '32x32'), a);
  const opts = boardOptionsFromFlags(a, program, { clocksPerBit: 8 });
  const sim = buildBoardSim(program, { ...opts, headDir: headFolderFor(program), ...rtlSimTimeouts(opts.clocksPerBit ?? 8, opts.windowFrames ?? 4, opts.chunkBytes ?? 128) });
  const report = await runRtlSelfTest({ sim, frame: demoFrame(program.input.height, program.input.width), onCase });
  return { ...report, program: `${title}, head at cut ${cut}, input ${program.input.height}x${program.input.width}` };
}

/**
 * Board-side timeouts of the simulated RTL board, cycles: short, so faults recover fast in simulation, but above the
 * line time of what may be queued before an awaited byte (inter-byte: 32 bytes; ack: 8 windows of DATA frames).
 */
export function rtlSimTimeouts(clocksPerBit: number, windowFrames: number, chunkBytes: number): { interByteTimeoutCycles: number; ackTimeoutCycles: number } {
  const byteCycles = 10 * clocksPerBit;
  return {
    interByteTimeoutCycles: Math.max(20_000, 32 * byteCycles),
    ackTimeoutCycles: Math.max(400_000, 8 * windowFrames * (chunkBytes + 28) * byteCycles),
  };
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['baud', 'target', 'model', 'cut', 'size', 'clocks-per-bit'], ['json', 'help']);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length > 0) throw new UsageError(`unexpected argument '${a.positionals[0]}'\n${USAGE}`);
  const baudRate = flagInt(a, 'baud', 921_600)!;
  if (baudRate <= 0) throw new UsageError(`--baud must be positive, got ${baudRate}`);
  const json = a.flags.has('json');
  const target = flagChoice(a, 'target', ['sim', 'rtl'] as const, 'sim');
  if (target === 'sim' && ['model', 'cut', 'size', 'clocks-per-bit'].some((f) => a.flags.has(f))) throw new UsageError(`--model, --cut, --size and --clocks-per-bit need --target rtl\n${USAGE}`);
  const onCase: CaseCallback | undefined = json ? undefined : (c) => {
      console.log(`${c.pass ? 'PASS' : 'FAIL'}  ${c.fault}`);
      console.log(`      injected: ${c.injected}`);
      console.log(`      observed: ${c.fired ? c.evidence : `DID NOT FIRE: ${c.evidence}`}`);
      console.log(`      expected: ${c.expected.kind === 'recover' ? 'recovery (retransmission / resync), bit-exact output' : c.expected.errorName}`);
      console.log(`      reported: ${c.reported}`);
      console.log(`      specific: ${c.specificOk ? 'met' : 'NOT MET'}: ${c.specific}`);
      console.log(`      next run: ${c.nextRun}   (${c.wallMs.toFixed(0)} ms wall)`);
  };
  const report = target === 'rtl' ? await rtlReport(a, onCase) : await runSelfTest({ baudRate, onCase });
  if (json) {
    console.log(JSON.stringify(report, null, 1));
  } else if (target === 'rtl') {
    console.log(`\nserial self-test: ${report.passed} passed, ${report.failed} failed (Verilated RTL board, head ${report.program}, UART ${report.baudRate} baud in simulation cycles at 100 MHz, board max payload ${report.boardMaxPayload} B)`);
  } else {
    console.log(`\nserial self-test: ${report.passed} passed, ${report.failed} failed (simulated board, program ${report.program}, ${report.baudRate} baud on the simulated line clock, board max payload ${report.boardMaxPayload} B)`);
  }
  return report.failed === 0 ? 0 : 1;
}
