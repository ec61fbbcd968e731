/**
 * The board-link fault suite against the Verilated RTL board (`hybrid-dhm serial-selftest --target rtl`): the
 * same fault list, case records and report shape as src/board/selftest.ts, with the TypeScript board simulator
 * replaced by the RTL board (sim/board/rtl-board.ts) behind the same fake serial link. Byte faults act on the wire
 * (the fake link); message-level faults (wrong version, oversize length, silent board, another program) are test
 * inputs of the RTL. The expected outcome is the spec's (docs/protocol.md §10), checked as in the TS self-test.
 */
import { LinkError, ProgramMismatchError } from '../../src/board/errors';
import { FakeSerialLink, type PortFault } from '../../src/board/fake-port';
import { PROTOCOL_VERSION } from '../../src/board/frame';
import { SELFTEST_FAULTS, type Expectation, type SelfTestCase, type SelfTestFault, type SelfTestReport } from '../../src/board/selftest';
import { programHash } from '../../src/board/program-hash';
import { SerialBoardBackend } from '../../src/board/serial-backend';
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

function equal(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether any entry of `errors` is one of `codes` (entries are `Name(code)`). */
function hasCode(errors: readonly string[], codes: readonly string[]): boolean {
  return errors.some((e) => codes.some((c) => e.endsWith(`(${c})`)));
}

/** Wait (wall time, bounded) until `cond` holds. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) return false;
    await new Promise<void>((r) => setTimeout(r, 5));
  }
  return true;
}

function describe(e: unknown): { reported: string; name: string; code: string | null } {
  const err = e as Error;
  const code = e instanceof LinkError ? e.code : null;
  return { reported: `${err?.name ?? 'Error'}${code ? `(${code})` : ''}: ${err?.message ?? String(e)}`, name: err?.name ?? 'Error', code };
}

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
      // eslint-disable-next-line prefer-const
      let error: unknown = null;
      let injected = '';
      let expectedOutcome: Expectation = { kind: 'recover' };
      let boardFired: () => boolean = () => false;
      let abortSeen: () => boolean = () => false;
      let abortAt = { host: 0, log: 0 };
      const controller = new AbortController();
      let signal: AbortSignal | undefined;
      const port = (f: PortFault, words: string): void => {
        link.inject(f);
        injected = words;
      };
      const newFrames = (): typeof board.frameLog => board.frameLog.slice(logBefore);
      switch (fault) {
        case 'flipped-bit-to-board':
          port({ kind: 'flip-bit', direction: 'to-board', afterBytes: 2000, bit: 3 }, 'bit 3 of host→board byte 2000 flipped (inside an input DATA frame)');
          break;
        case 'flipped-bit-to-host':
          port({ kind: 'flip-bit', direction: 'to-host', afterBytes: 900, bit: 6 }, 'bit 6 of board→host byte 900 flipped (inside a result DATA frame)');
          break;
        case 'dropped-bytes':
          port({ kind: 'drop-bytes', direction: 'to-board', afterBytes: 1501, count: 3 }, '3 host→board bytes dropped at byte 1501');
          break;
        case 'duplicated-bytes':
          port({ kind: 'duplicate-bytes', direction: 'to-host', afterBytes: 1200, count: 5 }, '5 board→host bytes duplicated at byte 1200');
          break;
        case 'truncated-frame':
          port({ kind: 'truncate-write', direction: 'to-board', afterBytes: 2000 }, 'host→board frame containing byte 2000 (an input DATA frame) cut off there (rest of the frame never sent)');
          break;
        case 'oversize-length':
          board.inject('oversize-length');
          boardFired = () => newFrames().some((f) => f.declaredLength >= 0x80000000);
          injected = 'RTL board sends a result DATA frame whose header (valid check) declares a 2 GiB payload (test input of the RTL)';
          break;
        case 'wrong-version':
          board.inject('wrong-version');
          boardFired = () => newFrames().some((f) => f.version !== PROTOCOL_VERSION);
          expectedOutcome = { kind: 'error', errorName: 'VersionMismatchError' };
          injected = `RTL board sends its next frame with protocol version ${PROTOCOL_VERSION + 1} (valid checks; test input of the RTL)`;
          break;
        case 'wrong-program-hash':
          board.setWrongProgram(true);
          boardFired = () => error instanceof ProgramMismatchError;
          expectedOutcome = { kind: 'error', errorName: 'ProgramMismatchError' };
          injected = 'RTL board holds another program (its hash with bit 255 flipped; test input of the RTL), restored after this run';
          break;
        case 'silent-board':
          board.inject('silent');
          boardFired = () => newFrames().length === 0 && board.stats.bytesToBoard > bytesInBefore;
          expectedOutcome = { kind: 'error', errorName: 'TimeoutError' };
          injected = 'RTL board stops answering until it receives a RESET (test input of the RTL)';
          break;
        case 'disconnect-mid-frame':
          port({ kind: 'disconnect', direction: 'to-host', afterBytes: 1000 }, 'cable unplugged after board→host byte 1000 (mid result frame); replugged by the next open(); the board keeps running');
          expectedOutcome = { kind: 'error', errorName: 'DisconnectedError' };
          break;
        case 'garbage-before-frame': {
          const g = new Uint8Array(97);
          for (let i = 0; i < g.length; i++) g[i] = (i * 73 + 0xa5) & 0xff;
          g[10] = 0xa5;
          g[11] = 0x5a;
          port({ kind: 'garbage', direction: 'to-host', bytes: g }, '97 garbage bytes (with a false sync pair) before the board\'s next frame');
          break;
        }
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
          expectedOutcome = { kind: 'error', errorName: 'AbortError' };
          injected = 'AbortSignal aborted when the RTL board sent its first result DATA frame (run in progress)';
          break;
        }
      }
      const boardErrorsBefore = board.linkErrors.length;
      const connectionsBefore = board.stats.connections;
      let reported = '';
      let errorName: string | null = null;
      let errorCode: string | null = null;
      let faultyIdentical: boolean | null = null;
      let hostLinkErrors: readonly string[] = [];
      let retransmittedFrames: number | null = null;
      try {
        const r = await backend.run(program, frame, signal);
        faultyIdentical = equal(r.output, baseline.output) && r.cycles.total === baseline.cycles.total && r.cycles.firstOutput === baseline.cycles.firstOutput;
        hostLinkErrors = r.link.recoveredErrors;
        retransmittedFrames = r.link.retransmittedFrames;
        reported = `ok${r.link.recoveredErrors.length || r.link.retransmittedFrames ? ` (recovered: ${r.link.retransmittedFrames} DATA frames retransmitted; link errors seen: ${r.link.recoveredErrors.join(', ') || 'none'})` : ' (no error seen)'}${faultyIdentical ? '' : ' — OUTPUT OR CYCLES DIFFER from the clean baseline'}`;
      } catch (e) {
        error = e;
        const d = describe(e);
        reported = d.reported;
        errorName = d.name;
        errorCode = d.code;
      }
      board.onBoardFrame = null;
      // the host's best-effort RESET after an abort is not awaited by run(): give it time to reach the board
      const resetSeen = (): boolean => board.hostFrameTypes.slice(abortAt.host).includes(0x03) && board.frameLog.slice(abortAt.log).some((f) => f.type === 0x04);
      const resetAfterAbort = fault === 'abort' && abortSeen() ? await until(resetSeen, 3000) : false;
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
          fired = portFired.length > 0;
          evidence = fired ? `fake port applied it at ${portFired.map((f) => `${f.fault.direction} byte ${f.atByte}`).join(', ')}` : 'the fake port never reached the armed byte';
      }

      let specific: string;
      let specificOk: boolean;
      const retx = retransmittedFrames ?? 0;
      switch (fault) {
        case 'flipped-bit-to-board':
        case 'dropped-bytes':
          specific = 'the RTL board rejected a frame (frame-crc, or header-crc when the damage hit a header) and the host retransmitted ≥ 1 DATA frame';
          specificOk = hasCode(boardLinkErrors, ['frame-crc', 'header-crc']) && retx >= 1;
          break;
        case 'truncated-frame':
          specific = 'the RTL board rejected the cut frame (truncated-frame or frame-crc) and the host retransmitted ≥ 1 DATA frame';
          specificOk = hasCode(boardLinkErrors, ['truncated-frame', 'frame-crc']) && retx >= 1;
          break;
        case 'flipped-bit-to-host':
        case 'duplicated-bytes':
          specific = 'the host rejected a result frame (frame-crc) and the board retransmitted ≥ 1 DATA frame';
          specificOk = hasCode(hostLinkErrors, ['frame-crc']) && retx >= 1;
          break;
        case 'oversize-length':
          specific = 'the host rejected the 2 GiB header (frame-too-large) without buffering it and the board retransmitted ≥ 1 DATA frame';
          specificOk = hasCode(hostLinkErrors, ['frame-too-large']) && retx >= 1;
          break;
        case 'garbage-before-frame':
          specific = 'the host skipped the garbage by resynchronisation (the false sync pair rejected as header-crc), no DATA frame retransmitted';
          specificOk = hasCode(hostLinkErrors, ['header-crc']) && retransmittedFrames === 0;
          break;
        case 'wrong-version':
          specific = `the error names version ${PROTOCOL_VERSION + 1} (expected ${PROTOCOL_VERSION}, got ${PROTOCOL_VERSION + 1})`;
          specificOk = reported.includes(`expected ${PROTOCOL_VERSION}, got ${PROTOCOL_VERSION + 1}`);
          break;
        case 'wrong-program-hash':
          specific = 'the error carries the hash the board holds (the program hash with bit 255 flipped)';
          specificOk = error instanceof ProgramMismatchError && error.boardHash === otherHash;
          break;
        case 'silent-board':
          specific = 'the timeout is the run\'s own (code timeout)';
          specificOk = errorCode === 'timeout';
          break;
        case 'disconnect-mid-frame':
          specific = 'the error code is disconnected';
          specificOk = errorCode === 'disconnected';
          break;
        case 'abort':
          specific = 'the host sent RESET after the abort and the board answered it';
          specificOk = resetAfterAbort;
          break;
      }

      let nextRunOk = false;
      let nextRun: string;
      const nextLog = board.frameLog.length;
      const nextHost = board.hostFrameTypes.length;
      try {
        const r2 = await backend.run(program, frame);
        nextRunOk = equal(r2.output, baseline.output) && r2.cycles.total === baseline.cycles.total && r2.cycles.firstOutput === baseline.cycles.firstOutput;
        nextRun = nextRunOk ? 'ok, bit-identical, same cycle counts' : 'ok but the output or cycles DIFFER from the clean baseline';
      } catch (e) {
        nextRun = describe(e).reported;
      }
      if (fault === 'disconnect-mid-frame') {
        specific += '; the next run re-opened the port (a new board connection)';
        specificOk &&= board.stats.connections > connectionsBefore;
      }
      if (fault === 'silent-board') {
        specific += '; the next run\'s RESET revived the board';
        specificOk &&= nextRunOk && board.hostFrameTypes.slice(nextHost).includes(0x03) && board.frameLog.slice(nextLog).some((f) => f.type === 0x04);
      }
      const outcomeOk = expectedOutcome.kind === 'recover' ? errorName === null && faultyIdentical === true : errorName === expectedOutcome.errorName;
      const c: SelfTestCase = {
        fault, injected, expected: expectedOutcome, fired, evidence, reported, errorName, errorCode, faultyRunBitIdentical: faultyIdentical, hostLinkErrors, boardLinkErrors,
        retransmittedFrames, specific, specificOk, nextRunOk, nextRun, wallMs: performance.now() - t0,
        pass: fired && outcomeOk && specificOk && nextRunOk,
      };
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
