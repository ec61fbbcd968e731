/**
 * The board-link fault suite against the Verilated RTL board (`hybrid-dhm serial-selftest --target rtl`): the
 * same fault list, case records and report shape as src/board/selftest.ts, with the TypeScript board simulator
 * replaced by the RTL board (sim/board/rtl-board.ts) behind the same fake serial link. Byte faults act on the wire
 * (the fake link); message-level faults (wrong version, oversize length, silent board, another program) are test
 * inputs of the RTL. The expected outcome is the spec's (docs/protocol.md §10), checked as in the TS self-test.
 */
import { LinkError } from '../../src/board/errors';
import { FakeSerialLink, type PortFault } from '../../src/board/fake-port';
import { PROTOCOL_VERSION } from '../../src/board/frame';
import { SELFTEST_FAULTS, type Expectation, type SelfTestCase, type SelfTestFault, type SelfTestReport } from '../../src/board/selftest';
import { SerialBoardBackend } from '../../src/board/serial-backend';
import type { DhmProgram } from '../../src/dhm/program';
import { runReference } from '../../src/dhm/reference';
import type { FrameInput } from '../../src/pipeline/backend';
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
      let injected = '';
      let expectedOutcome: Expectation = { kind: 'recover' };
      let boardFired: () => boolean = () => false;
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
          port({ kind: 'truncate-write', direction: 'to-board', afterBytes: 2100 }, 'host→board frame containing byte 2100 cut off there (rest of the frame never sent)');
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
          boardFired = () => true;
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
              controller.abort(new LinkError('aborted', 'self-test abort'));
            }
          };
          boardFired = () => seen;
          expectedOutcome = { kind: 'error', errorName: 'AbortError' };
          injected = 'AbortSignal aborted when the RTL board sent its first result DATA frame (run in progress)';
          break;
        }
      }
      let reported = '';
      let errorName: string | null = null;
      let errorCode: string | null = null;
      let faultyIdentical: boolean | null = null;
      try {
        const r = await backend.run(program, frame, signal);
        faultyIdentical = equal(r.output, baseline.output) && r.cycles.total === baseline.cycles.total;
        reported = `ok${r.link.recoveredErrors.length || r.link.retransmittedFrames ? ` (recovered: ${r.link.retransmittedFrames} DATA frames retransmitted; link errors seen: ${r.link.recoveredErrors.join(', ') || 'none'})` : ' (no error seen)'}`;
      } catch (e) {
        const d = describe(e);
        reported = d.reported;
        errorName = d.name;
        errorCode = d.code;
      }
      board.onBoardFrame = null;
      if (fault === 'wrong-program-hash') board.setWrongProgram(false);
      const fired = link.fired.length > firedBefore || boardFired();
      link.clearFaults();
      let nextRunOk = false;
      try {
        const r2 = await backend.run(program, frame);
        nextRunOk = equal(r2.output, baseline.output) && r2.cycles.total === baseline.cycles.total && r2.cycles.firstOutput === baseline.cycles.firstOutput;
      } catch {
        nextRunOk = false;
      }
      const outcomeOk = expectedOutcome.kind === 'recover' ? (errorName === null ? faultyIdentical === true : errorCode !== null) : errorName === expectedOutcome.errorName;
      const c: SelfTestCase = { fault, injected, expected: expectedOutcome, fired, reported, errorName, errorCode, faultyRunBitIdentical: faultyIdentical, nextRunOk, wallMs: performance.now() - t0, pass: fired && outcomeOk && nextRunOk };
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
