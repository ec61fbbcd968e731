/**
 * The board-link self-test (docs/protocol.md §Fault model): every fault of the list is injected into a simulated
 * board behind a fake serial port, one at a time; for each we record what was injected, what the backend reported
 * (a typed error, or success with the errors it recovered from) and whether the following clean run succeeded
 * with bit-identical output. Used by `hybrid-dhm serial-selftest` and the tests.
 */
import type { DhmProgram } from '../dhm/program';
import type { FrameInput } from '../backend/head-backend';
import { demoFrame, demoProgram, referenceCompute } from './demo';
import { LinkError, ProgramMismatchError } from './errors';
import { FakeSerialLink, type PortFault } from './fake-port';
import { PROTOCOL_VERSION } from './frame';
import { programHash } from './program-hash';
import { SerialBoardBackend } from './serial-backend';
import { toHex } from './sha256';
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
  /**
   * Whether the fault was observed on the link during the faulty run: the fake port altered bytes on the line, the
   * board sent the forged frame / ignored a message, the board's INFO carried the other program's hash, or the host's
   * RESET after the abort reached the board. Never set by hand.
   */
  readonly fired: boolean;
  /** What was observed, in words (or why it did not fire). */
  readonly evidence: string;
  /** What the backend reported: 'ok (recovered: …)' or 'ErrorName(code): message'. */
  readonly reported: string;
  readonly errorName: string | null;
  readonly errorCode: string | null;
  /** Output of the faulty run equals the clean baseline (null when it failed). */
  readonly faultyRunBitIdentical: boolean | null;
  /** Host decoder rejections during the faulty run, `Name(code)` (empty when the run failed). */
  readonly hostLinkErrors: readonly string[];
  /** Board decoder rejections during the case, `Name(code)`. */
  readonly boardLinkErrors: readonly string[];
  /** DATA frames retransmitted during the faulty run, both ways (null when it failed). */
  readonly retransmittedFrames: number | null;
  /** The fault's own specified outcome (docs/protocol.md §10), in words. */
  readonly specific: string;
  /** Whether that specific outcome was met. */
  readonly specificOk: boolean;
  /** The following clean run succeeded with bit-identical output. */
  readonly nextRunOk: boolean;
  /** What the following clean run reported. */
  readonly nextRun: string;
  readonly wallMs: number;
  /** fired, the expected outcome (recover: success and bit-identical; error: that error), the specific outcome, and the next run. */
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

/** Whether any entry of `errors` is one of `codes` (entries are `Name(code)`). */
function hasCode(errors: readonly string[], codes: readonly string[]): boolean {
  return errors.some((e) => codes.some((c) => e.endsWith(`(${c})`)));
}

/** Wait (wall time, bounded) until `cond` holds; the fake link delivers at once in virtual pacing. */
async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) return false;
    await new Promise<void>((r) => setTimeout(r, 2));
  }
  return true;
}

/** Run the fault list against a simulated board (virtual-time pacing). */
export async function runSelfTest(options: SelfTestOptions = {}): Promise<SelfTestReport> {
  const program = options.program ?? demoProgram(64, 8);
  const frame = options.frame ?? demoFrame(program.input.height, program.input.width);
  const baudRate = options.baudRate ?? 921_600;
  const boardMaxPayload = options.boardMaxPayload ?? 128 * 4 + 12;
  let abortController: AbortController | null = null;
  let abortedInCompute = false;
  const baseCompute = options.compute ?? referenceCompute;
  const compute: BoardCompute = (p, f) => {
    if (abortController) {
      abortController.abort(new LinkError('aborted', 'self-test abort'));
      abortedInCompute = true;
    }
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
    const otherHash = toHex(programHash(otherProgram));
    const list = options.only ?? SELFTEST_FAULTS;
    for (const fault of list) {
      const t0 = performance.now();
      const portFiredBefore = link.fired.length;
      const boardFiredBefore = sim.firedFaults.length;
      const boardErrorsBefore = sim.linkErrors.length;
      const infoBefore = sim.hashesAnnounced.length;
      const connectionsBefore = sim.stats.connections;
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
          injected = `board sends its next frame with protocol version ${PROTOCOL_VERSION + 1} (valid checks)`;
          break;
        case 'wrong-program-hash':
          sim.setProgram(otherProgram);
          expected = { kind: 'error', errorName: 'ProgramMismatchError' };
          injected = `board re-flashed with another program (hash ${otherHash.slice(0, 16)}…), restored after this run`;
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
          abortedInCompute = false;
          signal = abortController.signal;
          expected = { kind: 'error', errorName: 'AbortError' };
          injected = 'AbortSignal aborted while the board computes (input sent, result pending)';
          break;
      }
      if (boardFault) sim.inject(boardFault);
      const resetsBefore = sim.stats.resetsReceived;
      let reported = '';
      let error: unknown = null;
      let errorName: string | null = null;
      let errorCode: string | null = null;
      let faultyIdentical: boolean | null = null;
      let hostLinkErrors: readonly string[] = [];
      let retransmittedFrames: number | null = null;
      try {
        const r = await backend.run(program, frame, signal);
        faultyIdentical = equal(r.output, baseline.output);
        hostLinkErrors = r.link.recoveredErrors;
        retransmittedFrames = r.link.retransmittedFrames;
        reported = `ok${r.link.recoveredErrors.length || r.link.retransmittedFrames ? ` (recovered: ${r.link.retransmittedFrames} DATA frames retransmitted; link errors seen: ${r.link.recoveredErrors.join(', ') || 'none'})` : ' (no error seen)'}${faultyIdentical ? '' : ' — OUTPUT DIFFERS from the clean baseline'}`;
      } catch (e) {
        error = e;
        const d = describe(e);
        reported = d.reported;
        errorName = d.name;
        errorCode = d.code;
      }
      abortController = null;
      // the host's best-effort RESET after an abort is not awaited by run(): give it time to reach the board
      const resetAfterAbort = fault === 'abort' && abortedInCompute ? await until(() => sim.stats.resetsReceived > resetsBefore, 1000) : false;
      if (fault === 'wrong-program-hash') sim.setProgram(program);
      link.clearFaults();
      const boardLinkErrors = sim.linkErrors.slice(boardErrorsBefore);
      const portFired = link.fired.slice(portFiredBefore);
      const boardFired = sim.firedFaults.slice(boardFiredBefore);
      const hashesSent = sim.hashesAnnounced.slice(infoBefore);

      // fired: observed on the link, per kind of injection
      let fired: boolean;
      let evidence: string;
      switch (fault) {
        case 'oversize-length':
        case 'wrong-version':
        case 'silent-board':
          fired = boardFired.length > 0;
          evidence = fired ? `board ${fault === 'silent-board' ? 'ignored a host message while silent' : 'sent the forged frame'} (${boardFired.join(', ')})` : 'the board never acted on the armed fault';
          break;
        case 'wrong-program-hash':
          fired = hashesSent.includes(otherHash);
          evidence = fired ? `the board announced the other program's hash ${otherHash.slice(0, 16)}… (INFO or ERROR WRONG_PROGRAM)` : `the board never announced the other hash (hashes announced: ${hashesSent.map((h) => h.slice(0, 8)).join(', ') || 'none'})`;
          break;
        case 'abort':
          fired = abortedInCompute && resetAfterAbort;
          evidence = !abortedInCompute ? 'the board\'s compute never ran, so the signal was not aborted' : resetAfterAbort ? 'signal aborted inside the board\'s compute; the host\'s RESET reached the board' : 'signal aborted inside the board\'s compute, but no RESET reached the board within 1 s';
          break;
        default:
          fired = portFired.length > 0;
          evidence = fired ? `fake port applied it at ${portFired.map((f) => `${f.fault.direction} byte ${f.atByte}`).join(', ')}` : 'the fake port never reached the armed byte';
      }

      // the fault's own specified outcome (docs/protocol.md §10)
      let specific: string;
      let specificOk: boolean;
      const retx = retransmittedFrames ?? 0;
      switch (fault) {
        case 'flipped-bit-to-board':
        case 'dropped-bytes':
          specific = 'the board rejected a frame (frame-crc) and the host retransmitted ≥ 1 DATA frame';
          specificOk = hasCode(boardLinkErrors, ['frame-crc']) && retx >= 1;
          break;
        case 'truncated-frame':
          specific = 'the board rejected the cut frame (truncated-frame or frame-crc) and the host retransmitted ≥ 1 DATA frame';
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
          specific = 'the error carries the hash the re-flashed board announced';
          specificOk = error instanceof ProgramMismatchError && error.boardHash === otherHash;
          break;
        case 'silent-board':
          specific = 'the timeout is the handshake\'s or the run\'s own (code timeout)';
          specificOk = errorCode === 'timeout';
          break;
        case 'disconnect-mid-frame':
          specific = 'the error code is disconnected';
          specificOk = errorCode === 'disconnected';
          break;
        case 'abort':
          specific = 'the host sent RESET after the abort and the board received it';
          specificOk = resetAfterAbort;
          break;
      }

      let nextRunOk = false;
      let nextRun: string;
      try {
        const r2 = await backend.run(program, frame);
        nextRunOk = equal(r2.output, baseline.output);
        nextRun = nextRunOk ? 'ok, bit-identical' : 'ok but the output DIFFERS from the clean baseline';
      } catch (e) {
        nextRun = describe(e).reported;
      }
      if (fault === 'disconnect-mid-frame') {
        // the next run must have re-opened the port: the board saw a new connection
        const reopened = sim.stats.connections > connectionsBefore;
        specific += '; the next run re-opened the port (a new board connection)';
        specificOk &&= reopened;
      }
      if (fault === 'silent-board') {
        specific += '; the next run\'s RESET revived the board';
        specificOk &&= nextRunOk && sim.stats.resetsReceived > resetsBefore;
      }
      const outcomeOk = expected.kind === 'recover' ? errorName === null && faultyIdentical === true : errorName === expected.errorName;
      const c: SelfTestCase = {
        fault, injected, expected, fired, evidence, reported, errorName, errorCode, faultyRunBitIdentical: faultyIdentical, hostLinkErrors, boardLinkErrors,
        retransmittedFrames, specific, specificOk, nextRunOk, nextRun, wallMs: performance.now() - t0,
        pass: fired && outcomeOk && specificOk && nextRunOk,
      };
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
