/**
 * The board-link fault suite against the Verilated RTL board (`hybrid-dhm serial-selftest --target rtl`): the
 * same fault list, case records and report shape as src/board/selftest.ts, with the TypeScript board simulator
 * replaced by the RTL board (sim/board/rtl-board.ts) behind the same fake serial link. Byte faults act on the wire
 * (the fake link); message-level faults (wrong version, oversize length, silent board, another program) are test
 * inputs of the RTL. The expected outcome is the spec's (docs/protocol.md §10), judged by the oracle shared with the TS
 * self-test (src/board/selftest.ts: portFaultInjection, specificOutcome, judgeCase; RTL_TARGET below).
 */
import { LinkError, ProgramMismatchError } from '../../src/board/errors';
import { FakeSerialLink } from '../../src/board/fake-port';
import { PROTOCOL_VERSION } from '../../src/board/frame';
import {
  SELFTEST_FAULTS, equal, judgeCase, observeFaultyRun, observeNextRun, portFaultFired, portFaultInjection, specificAfterNextRun, specificOutcome, until,
  type OracleTarget, type SelfTestCase, type SelfTestFault, type SelfTestReport,
} from '../../src/board/selftest';
import { programHash } from '../../src/board/program-hash';
import { SerialBoardBackend, type BoardHeadResult } from '../../src/board/serial-backend';
import { toHex } from '../../src/board/sha256';
import type { DhmProgram } from '../../src/dhm/program';
import { runReference } from '../../src/dhm/reference';
import type { FrameInput } from '../../src/backend/head-backend';
import type { BoardSim } from './build';
import { RtlBoard } from './rtl-board';

/** Host timeouts for the RTL target, ms of wall time: generous, the simulation runs slower than the real line. */
export const RTL_HOST_TIMEOUTS = { handshakeTimeoutMs: 2000, ackTimeoutMs: 1500, computeTimeoutMs: 20_000, maxRetries: 2 } as const;

/** Options of {@link runRtlSelfTest}. */
export interface RtlSelfTestOptions {
  readonly sim: BoardSim;
  readonly frame: FrameInput;
  readonly only?: readonly SelfTestFault[];
  readonly onCase?: (c: SelfTestCase) => void;
  /** Baud rate reported (the RTL line runs at the board clock / clocksPerBit of the build). */
  readonly baudRate?: number;
}

/**
 * The RTL target of the shared oracle (src/board/selftest.ts): the RTL decoder may reject a damaged host→board frame
 * by its header check too (the damage can hit a header), and some outcomes are worded for the RTL board.
 */
export const RTL_TARGET: OracleTarget = {
  boardCorruptCodes: ['frame-crc', 'header-crc'],
  words: {
    'flipped-bit-to-board': 'the RTL board rejected a frame (frame-crc, or header-crc when the damage hit a header) and the host retransmitted ≥ 1 DATA frame',
    'dropped-bytes': 'the RTL board rejected a frame (frame-crc, or header-crc when the damage hit a header) and the host retransmitted ≥ 1 DATA frame',
    'truncated-frame': 'the RTL board rejected the cut frame (truncated-frame or frame-crc) and the host retransmitted ≥ 1 DATA frame',
    'wrong-program-hash': 'the error carries the hash the board holds (the program hash with bit 255 flipped)',
    'silent-board': 'the timeout is the run\'s own (code timeout)',
    abort: 'the host sent RESET after the abort and the board answered it',
  },
};

/** A backend on a fake serial link to an RTL board, with the RTL target's timeouts. */
export function rtlBackend(link: FakeSerialLink, board: RtlBoard): SerialBoardBackend {
  return new SerialBoardBackend(link.host, {
    baudRate: Math.round(board.sim.params.baudRate),
    clock: () => board.nowMs(),
    clockKind: 'simulated-line',
    linkName: `Verilated RTL board (UART in RTL, ${board.sim.params.clocksPerBit} clocks/bit)`,
    ...RTL_HOST_TIMEOUTS,
  });
}

/** Run the fault list against a Verilated RTL board; the reference executor gives the expected output. */
export async function runRtlSelfTest(options: RtlSelfTestOptions): Promise<SelfTestReport> {
  const { sim, frame } = options;
  const program: DhmProgram = sim.program;
  const expected = runReference(program, frame.data);
  const link = new FakeSerialLink({ pacing: 'none' });
  const board = new RtlBoard(sim, link.board);
  await board.ready;
  const backend = rtlBackend(link, board);
  const hash = programHash(program).slice();
  hash[0] = hash[0]! ^ 0x80; // what fault_hash makes the RTL board hold
  const otherHash = toHex(hash);
  const cases: SelfTestCase[] = [];
  try {
    const baseline = await backend.run(program, frame);
    if (!equal(baseline.output, expected.output) || baseline.cycles.total !== expected.cycles.total || baseline.cycles.firstOutput !== expected.cycles.firstOutput) {
      throw new Error(`RTL board baseline run differs from the reference executor (cycles ${baseline.cycles.firstOutput}/${baseline.cycles.total} vs ${expected.cycles.firstOutput}/${expected.cycles.total}, output ${equal(baseline.output, expected.output) ? 'equal' : 'different'})`);
    }
    for (const fault of options.only ?? SELFTEST_FAULTS) {
      const t0 = performance.now();
      const firedBefore = link.fired.length;
      const logBefore = board.frameLog.length;
      const bytesInBefore = board.stats.bytesToBoard;
      let error: unknown = null;
      let injected = '';
      let boardFired: () => boolean = () => false;
      let abortSeen: () => boolean = () => false;
      let abortAt = { host: 0, log: 0 };
      const controller = new AbortController();
      let signal: AbortSignal | undefined;
      const byteFault = portFaultInjection(fault, { droppedAtByte: 1501, truncatedAtByte: 2000, truncatedNote: ' (an input DATA frame)', disconnectNote: '; the board keeps running' });
      if (byteFault) {
        link.inject(byteFault.fault);
        injected = byteFault.injected;
      }
      const newFrames = (): typeof board.frameLog => board.frameLog.slice(logBefore);
      switch (fault) {
        case 'oversize-length':
          board.inject('oversize-length');
          boardFired = () => newFrames().some((f) => f.declaredLength >= 0x80000000);
          injected = 'RTL board sends a result DATA frame whose header (valid check) declares a 2 GiB payload (test input of the RTL)';
          break;
        case 'wrong-version':
          board.inject('wrong-version');
          boardFired = () => newFrames().some((f) => f.version !== PROTOCOL_VERSION);
          injected = `RTL board sends its next frame with protocol version ${PROTOCOL_VERSION + 1} (valid checks; test input of the RTL)`;
          break;
        case 'wrong-program-hash':
          board.setWrongProgram(true);
          boardFired = () => error instanceof ProgramMismatchError;
          injected = 'RTL board holds another program (its hash with bit 255 flipped; test input of the RTL), restored after this run';
          break;
        case 'silent-board':
          board.inject('silent');
          boardFired = () => newFrames().length === 0 && board.stats.bytesToBoard > bytesInBefore;
          injected = 'RTL board stops answering until it receives a RESET (test input of the RTL)';
          break;
        case 'abort': {
          signal = controller.signal;
          let seen = false;
          board.onBoardFrame = (f) => {
            if (f.type === 0x11 && !seen) {
              seen = true;
              abortAt = { host: board.hostFrameTypes.length, log: board.frameLog.length };
              controller.abort(new LinkError('aborted', 'self-test abort'));
            }
          };
          abortSeen = () => seen;
          injected = 'AbortSignal aborted when the RTL board sent its first result DATA frame (run in progress)';
          break;
        }
      }
      const boardErrorsBefore = board.linkErrors.length;
      const connectionsBefore = board.stats.connections;
      const same = (r: BoardHeadResult): boolean => equal(r.output, baseline.output) && r.cycles.total === baseline.cycles.total && r.cycles.firstOutput === baseline.cycles.firstOutput;
      const faulty = await observeFaultyRun(() => backend.run(program, frame, signal), same, 'OUTPUT OR CYCLES DIFFER');
      error = faulty.error;
      board.onBoardFrame = null;
      // the host's best-effort RESET after an abort is not awaited by run(): give it time to reach the board
      const resetSeen = (): boolean => board.hostFrameTypes.slice(abortAt.host).includes(0x03) && board.frameLog.slice(abortAt.log).some((f) => f.type === 0x04);
      const resetAfterAbort = fault === 'abort' && abortSeen() ? await until(resetSeen, 3000, 5) : false;
      if (fault === 'wrong-program-hash') board.setWrongProgram(false);
      link.clearFaults();
      const boardLinkErrors = board.linkErrors.slice(boardErrorsBefore);
      const portFired = link.fired.slice(firedBefore);

      let fired: boolean;
      let evidence: string;
      switch (fault) {
        case 'oversize-length':
        case 'wrong-version':
        case 'silent-board':
        case 'wrong-program-hash':
          fired = boardFired();
          evidence = fired
            ? fault === 'silent-board' ? 'the RTL board sent no frame while the host sent it bytes' : fault === 'wrong-program-hash' ? 'the RTL board answered RUN with ERROR WRONG_PROGRAM' : 'the RTL board sent the forged frame header'
            : 'the RTL board never acted on the armed fault';
          break;
        case 'abort':
          fired = abortSeen() && resetAfterAbort;
          evidence = !abortSeen() ? 'no result DATA frame came, the signal was not aborted' : resetAfterAbort ? 'signal aborted during the run; the host\'s RESET reached the board (RESET_ACK seen)' : 'signal aborted, but no RESET reached the board within 3 s';
          break;
        default:
          ({ fired, evidence } = portFaultFired(portFired));
      }

      const afterRun = specificOutcome(fault, { faulty, boardLinkErrors, otherHash, resetAfterAbort }, RTL_TARGET);
      const nextLog = board.frameLog.length;
      const nextHost = board.hostFrameTypes.length;
      const { nextRunOk, nextRun } = await observeNextRun(() => backend.run(program, frame), same, { identical: 'ok, bit-identical, same cycle counts', differs: 'ok but the output or cycles DIFFER from the clean baseline' });
      // the next run re-opened the port (a new board connection) / its RESET reached the silent board (RESET_ACK seen)
      const { specific, specificOk } = specificAfterNextRun(fault, afterRun, nextRunOk, {
        reopened: board.stats.connections > connectionsBefore,
        revived: board.hostFrameTypes.slice(nextHost).includes(0x03) && board.frameLog.slice(nextLog).some((f) => f.type === 0x04),
      });
      const c = judgeCase(fault, faulty, { injected, fired, evidence, boardLinkErrors, specific, specificOk, nextRunOk, nextRun, wallMs: performance.now() - t0 });
      cases.push(c);
      options.onCase?.(c);
    }
  } finally {
    await backend.dispose();
    link.shutdown();
    await board.stop();
  }
  const passed = cases.filter((c) => c.pass).length;
  return {
    baudRate: options.baudRate ?? Math.round(sim.params.baudRate),
    pacing: 'virtual',
    program: String(program.meta['generator'] ?? 'program'),
    boardMaxPayload: sim.params.maxPayload,
    cases,
    passed,
    failed: cases.length - passed,
  };
}
