/**
 * The board-link self-test (docs/protocol.md §Fault model): every fault of the list is injected into a simulated
 * board behind a fake serial port, one at a time; for each we record what was injected, what the backend reported
 * (a typed error, or success with the errors it recovered from) and whether the following clean run succeeded
 * with bit-identical output. Used by `hybrid-dhm serial-selftest` and the tests.
 */
import type { DhmProgram } from '../dhm/program';
import type { FrameInput } from '../backend/head-backend';
import { demoFrame, demoProgram, referenceCompute } from './demo';
import { LinkError } from './errors';
import { FakeSerialLink, type PortFault } from './fake-port';
import { SerialBoardBackend } from './serial-backend';
import { BoardSimulator, type BoardCompute, type BoardFault } from './simulator';

/** Closed list of self-test cases. */
export type SelfTestFault =
  | 'flipped-bit-to-board'
  | 'flipped-bit-to-host'
  | 'dropped-bytes'
  | 'duplicated-bytes'
  | 'truncated-frame'
  | 'oversize-length'
  | 'wrong-version'
  | 'wrong-program-hash'
  | 'silent-board'
  | 'disconnect-mid-frame'
  | 'garbage-before-frame'
  | 'abort';

/** All self-test cases, in the order they run. */
export const SELFTEST_FAULTS: readonly SelfTestFault[] = [
  'flipped-bit-to-board', 'flipped-bit-to-host', 'dropped-bytes', 'duplicated-bytes', 'truncated-frame', 'oversize-length',
  'wrong-version', 'wrong-program-hash', 'silent-board', 'disconnect-mid-frame', 'garbage-before-frame', 'abort',
];

/** What the spec says must happen for a fault: recovery (retransmission/resync) or a typed error (by error name). */
export type Expectation = { readonly kind: 'recover' } | { readonly kind: 'error'; readonly errorName: string };

/** One self-test case's outcome. */
export interface SelfTestCase {
  readonly fault: SelfTestFault;
  /** What was injected, in words (direction, byte position). */
  readonly injected: string;
  readonly expected: Expectation;
  /** Whether the injected fault actually fired. */
  readonly fired: boolean;
  /** What the backend reported: 'ok (recovered: …)' or 'ErrorName(code): message'. */
  readonly reported: string;
  readonly errorName: string | null;
  readonly errorCode: string | null;
  /** Output of the faulty run equals the clean baseline (null when it failed). */
  readonly faultyRunBitIdentical: boolean | null;
  /** The following clean run succeeded with bit-identical output. */
  readonly nextRunOk: boolean;
  readonly wallMs: number;
  readonly pass: boolean;
}

/** Self-test report. */
export interface SelfTestReport {
  readonly baudRate: number;
  readonly pacing: 'virtual';
  readonly program: string;
  readonly boardMaxPayload: number;
  readonly cases: readonly SelfTestCase[];
  readonly passed: number;
  readonly failed: number;
}

/** Options of {@link runSelfTest}. */
export interface SelfTestOptions {
  readonly program?: DhmProgram;
  readonly frame?: FrameInput;
  readonly compute?: BoardCompute;
  readonly baudRate?: number;
  /** Board frame payload, bytes (small, so a frame spans many DATA frames). Default 524 (128 words + header). */
  readonly boardMaxPayload?: number;
  readonly only?: readonly SelfTestFault[];
  readonly onCase?: (c: SelfTestCase) => void;
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

/** Run the fault list against a simulated board (virtual-time pacing). */
export async function runSelfTest(options: SelfTestOptions = {}): Promise<SelfTestReport> {
  const program = options.program ?? demoProgram(64, 8);
  const frame = options.frame ?? demoFrame(program.input.height, program.input.width);
  const baudRate = options.baudRate ?? 921_600;
  const boardMaxPayload = options.boardMaxPayload ?? 128 * 4 + 12;
  let abortController: AbortController | null = null;
  const baseCompute = options.compute ?? referenceCompute;
  const compute: BoardCompute = (p, f) => {
    if (abortController) abortController.abort(new LinkError('aborted', 'self-test abort'));
    return baseCompute(p, f);
  };
  const link = new FakeSerialLink({ pacing: 'virtual' });
  const sim = new BoardSimulator(link.board, { program, compute, maxPayload: boardMaxPayload, windowFrames: 4, ackTimeoutMs: 150, maxRetries: 4 });
  const backend = new SerialBoardBackend(link.host, {
    baudRate,
    clock: link.hostClock,
    clockKind: 'simulated-line',
    linkName: 'fake serial',
    handshakeTimeoutMs: 300,
    ackTimeoutMs: 150,
    computeTimeoutMs: 3000,
    maxRetries: 3,
  });
  const cases: SelfTestCase[] = [];
  try {
    const baseline = await backend.run(program, frame);
    const otherProgram = demoProgram(program.input.height, (program.streams[program.output]?.channels ?? 8), 12345);
    const list = options.only ?? SELFTEST_FAULTS;
    for (const fault of list) {
      const t0 = performance.now();
      const firedBefore = link.fired.length;
      const boardFiredBefore = sim.firedFaults.length;
      let injected = '';
      let expected: Expectation = { kind: 'recover' };
      let boardFault: BoardFault | null = null;
      let signal: AbortSignal | undefined;
      const port = (f: PortFault, words: string): void => {
        link.inject(f);
        injected = words;
      };
      switch (fault) {
        case 'flipped-bit-to-board':
          port({ kind: 'flip-bit', direction: 'to-board', afterBytes: 2000, bit: 3 }, 'bit 3 of host→board byte 2000 flipped (inside an input DATA frame)');
          break;
        case 'flipped-bit-to-host':
          port({ kind: 'flip-bit', direction: 'to-host', afterBytes: 900, bit: 6 }, 'bit 6 of board→host byte 900 flipped (inside a result DATA frame)');
          break;
        case 'dropped-bytes':
          port({ kind: 'drop-bytes', direction: 'to-board', afterBytes: 3001, count: 3 }, '3 host→board bytes dropped at byte 3001');
          break;
        case 'duplicated-bytes':
          port({ kind: 'duplicate-bytes', direction: 'to-host', afterBytes: 1200, count: 5 }, '5 board→host bytes duplicated at byte 1200');
          break;
        case 'truncated-frame':
          port({ kind: 'truncate-write', direction: 'to-board', afterBytes: 4100 }, 'host→board frame containing byte 4100 cut off there (rest of the frame never sent)');
          break;
        case 'oversize-length':
          boardFault = 'oversize-length';
          injected = 'board sends a result DATA frame whose header (valid check) declares a 2 GiB payload';
          break;
        case 'wrong-version':
          boardFault = 'wrong-version';
          expected = { kind: 'error', errorName: 'VersionMismatchError' };
          injected = 'board sends its next frame with protocol version 2 (valid checks)';
          break;
        case 'wrong-program-hash':
          sim.setProgram(otherProgram);
          expected = { kind: 'error', errorName: 'ProgramMismatchError' };
          injected = `board re-flashed with another program (hash ${sim.programHashHex.slice(0, 16)}…), restored after this run`;
          break;
        case 'silent-board':
          boardFault = 'silent';
          expected = { kind: 'error', errorName: 'TimeoutError' };
          injected = 'board stops answering until it receives a RESET';
          break;
        case 'disconnect-mid-frame':
          port({ kind: 'disconnect', direction: 'to-host', afterBytes: 1000 }, 'cable unplugged after board→host byte 1000 (mid result frame); replugged by the next open()');
          expected = { kind: 'error', errorName: 'DisconnectedError' };
          break;
        case 'garbage-before-frame': {
          const g = new Uint8Array(97);
          for (let i = 0; i < g.length; i++) g[i] = (i * 73 + 0xa5) & 0xff; // includes sync-like bytes
          g[10] = 0xa5;
          g[11] = 0x5a;
          port({ kind: 'garbage', direction: 'to-host', bytes: g }, '97 garbage bytes (with a false sync pair) before the board\'s next frame');
          break;
        }
        case 'abort':
          abortController = new AbortController();
          signal = abortController.signal;
          expected = { kind: 'error', errorName: 'AbortError' };
          injected = 'AbortSignal aborted while the board computes (input sent, result pending)';
          break;
      }
      if (boardFault) sim.inject(boardFault);
      let reported = '';
      let errorName: string | null = null;
      let errorCode: string | null = null;
      let faultyIdentical: boolean | null = null;
      try {
        const r = await backend.run(program, frame, signal);
        faultyIdentical = equal(r.output, baseline.output);
        reported = `ok${r.link.recoveredErrors.length || r.link.retransmittedFrames ? ` (recovered: ${r.link.retransmittedFrames} DATA frames retransmitted; link errors seen: ${r.link.recoveredErrors.join(', ') || 'none'})` : ' (no error seen)'}`;
      } catch (e) {
        const d = describe(e);
        reported = d.reported;
        errorName = d.name;
        errorCode = d.code;
      }
      abortController = null;
      if (fault === 'wrong-program-hash') sim.setProgram(program);
      const fired = link.fired.length > firedBefore || sim.firedFaults.length > boardFiredBefore || fault === 'wrong-program-hash' || fault === 'abort';
      link.clearFaults();
      let nextRunOk = false;
      try {
        const r2 = await backend.run(program, frame);
        nextRunOk = equal(r2.output, baseline.output);
      } catch {
        nextRunOk = false;
      }
      const outcomeOk = expected.kind === 'recover' ? (errorName === null ? faultyIdentical === true : errorCode !== null) : errorName === expected.errorName;
      const c: SelfTestCase = { fault, injected, expected, fired, reported, errorName, errorCode, faultyRunBitIdentical: faultyIdentical, nextRunOk, wallMs: performance.now() - t0, pass: fired && outcomeOk && nextRunOk };
      cases.push(c);
      options.onCase?.(c);
    }
  } finally {
    await backend.dispose();
    link.shutdown();
    await sim.stop();
  }
  const passed = cases.filter((c) => c.pass).length;
  return { baudRate, pacing: 'virtual', program: String(program.meta['generator'] ?? 'program'), boardMaxPayload, cases, passed, failed: cases.length - passed };
}
