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
import { FakeSerialLink, type FiredFault, type PortFault } from './fake-port';
import { PROTOCOL_VERSION } from './frame';
import { programHash } from './program-hash';
import { SerialBoardBackend, type BoardHeadResult } from './serial-backend';
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

/**
 * The oracle: what the spec (docs/protocol.md §10) requires of each fault and how a case is judged. Shared by every
 * target (this simulator-backed self-test and sim/board/selftest-rtl.ts against the Verilated RTL board), so a change
 * here reaches both.
 */

/** The outcome the spec requires for each fault: recovery (retransmission/resync) or the named typed error. */
export const EXPECTED_OUTCOME: Readonly<Record<SelfTestFault, Expectation>> = {
  'flipped-bit-to-board': { kind: 'recover' },
  'flipped-bit-to-host': { kind: 'recover' },
  'dropped-bytes': { kind: 'recover' },
  'duplicated-bytes': { kind: 'recover' },
  'truncated-frame': { kind: 'recover' },
  'oversize-length': { kind: 'recover' },
  'wrong-version': { kind: 'error', errorName: 'VersionMismatchError' },
  'wrong-program-hash': { kind: 'error', errorName: 'ProgramMismatchError' },
  'silent-board': { kind: 'error', errorName: 'TimeoutError' },
  'disconnect-mid-frame': { kind: 'error', errorName: 'DisconnectedError' },
  'garbage-before-frame': { kind: 'recover' },
  abort: { kind: 'error', errorName: 'AbortError' },
};

/** Whether two feature maps (int32 words) are bit-identical. */
export function equal(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** An error as the report shows it: `Name(code): message` (code only for a LinkError), its name and code. */
export function describeError(e: unknown): { reported: string; name: string; code: string | null } {
  const err = e as Error;
  const code = e instanceof LinkError ? e.code : null;
  return { reported: `${err?.name ?? 'Error'}${code ? `(${code})` : ''}: ${err?.message ?? String(e)}`, name: err?.name ?? 'Error', code };
}

/** Whether any entry of `errors` is one of `codes` (entries are `Name(code)`). */
export function hasCode(errors: readonly string[], codes: readonly string[]): boolean {
  return errors.some((e) => codes.some((c) => e.endsWith(`(${c})`)));
}

/** Wait (wall time, at most `ms`, polling every `pollMs`) until `cond` holds; false on time-out. */
export async function until(cond: () => boolean, ms: number, pollMs = 2): Promise<boolean> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) return false;
    await new Promise<void>((r) => setTimeout(r, pollMs));
  }
  return true;
}

/** The 97 garbage bytes of 'garbage-before-frame': a fixed pattern that includes a false sync pair at bytes 10–11. */
function garbageBytes(): Uint8Array {
  const g = new Uint8Array(97);
  for (let i = 0; i < g.length; i++) g[i] = (i * 73 + 0xa5) & 0xff; // includes sync-like bytes
  g[10] = 0xa5;
  g[11] = 0x5a;
  return g;
}

/**
 * Where a target places the byte faults whose position depends on its frame layout (byte index in that direction
 * since the link was created), and notes it adds to their description.
 */
export interface PortFaultPlacement {
  /** 'dropped-bytes': first host→board byte of the 3 dropped. */
  readonly droppedAtByte: number;
  /** 'truncated-frame': the host→board frame containing this byte is cut off there. */
  readonly truncatedAtByte: number;
  /** Added after the truncated byte's index in the description (e.g. ' (an input DATA frame)'). */
  readonly truncatedNote?: string;
  /** Added to the description of 'disconnect-mid-frame'. */
  readonly disconnectNote?: string;
}

/** The fake-port fault of a byte fault and its description; null for the faults the board (or the test) injects. */
export function portFaultInjection(fault: SelfTestFault, at: PortFaultPlacement): { readonly fault: PortFault; readonly injected: string } | null {
  switch (fault) {
    case 'flipped-bit-to-board':
      return { fault: { kind: 'flip-bit', direction: 'to-board', afterBytes: 2000, bit: 3 }, injected: 'bit 3 of host→board byte 2000 flipped (inside an input DATA frame)' };
    case 'flipped-bit-to-host':
      return { fault: { kind: 'flip-bit', direction: 'to-host', afterBytes: 900, bit: 6 }, injected: 'bit 6 of board→host byte 900 flipped (inside a result DATA frame)' };
    case 'dropped-bytes':
      return { fault: { kind: 'drop-bytes', direction: 'to-board', afterBytes: at.droppedAtByte, count: 3 }, injected: `3 host→board bytes dropped at byte ${at.droppedAtByte}` };
    case 'duplicated-bytes':
      return { fault: { kind: 'duplicate-bytes', direction: 'to-host', afterBytes: 1200, count: 5 }, injected: '5 board→host bytes duplicated at byte 1200' };
    case 'truncated-frame':
      return { fault: { kind: 'truncate-write', direction: 'to-board', afterBytes: at.truncatedAtByte }, injected: `host→board frame containing byte ${at.truncatedAtByte}${at.truncatedNote ?? ''} cut off there (rest of the frame never sent)` };
    case 'disconnect-mid-frame':
      return { fault: { kind: 'disconnect', direction: 'to-host', afterBytes: 1000 }, injected: `cable unplugged after board→host byte 1000 (mid result frame); replugged by the next open()${at.disconnectNote ?? ''}` };
    case 'garbage-before-frame':
      return { fault: { kind: 'garbage', direction: 'to-host', bytes: garbageBytes() }, injected: '97 garbage bytes (with a false sync pair) before the board\'s next frame' };
    default:
      return null;
  }
}

/** What the faulty run reported (the case fields it fills, and the error thrown, if any). */
export interface FaultyRun {
  readonly reported: string;
  readonly error: unknown;
  readonly errorName: string | null;
  readonly errorCode: string | null;
  readonly faultyRunBitIdentical: boolean | null;
  readonly hostLinkErrors: readonly string[];
  readonly retransmittedFrames: number | null;
}

/**
 * Run the faulty run and record it. `same` says whether a successful result equals the clean baseline (output, and
 * cycles where the target has them); `differs` names what differs in the report text (e.g. 'OUTPUT DIFFERS').
 */
export async function observeFaultyRun(run: () => Promise<BoardHeadResult>, same: (r: BoardHeadResult) => boolean, differs: string): Promise<FaultyRun> {
  try {
    const r = await run();
    const identical = same(r);
    return {
      reported: `ok${r.link.recoveredErrors.length || r.link.retransmittedFrames ? ` (recovered: ${r.link.retransmittedFrames} DATA frames retransmitted; link errors seen: ${r.link.recoveredErrors.join(', ') || 'none'})` : ' (no error seen)'}${identical ? '' : ` — ${differs} from the clean baseline`}`,
      error: null, errorName: null, errorCode: null, faultyRunBitIdentical: identical, hostLinkErrors: r.link.recoveredErrors, retransmittedFrames: r.link.retransmittedFrames,
    };
  } catch (e) {
    const d = describeError(e);
    return { reported: d.reported, error: e, errorName: d.name, errorCode: d.code, faultyRunBitIdentical: null, hostLinkErrors: [], retransmittedFrames: null };
  }
}

/** Run the clean run that follows a fault: ok only when it succeeds and `same` holds; `words` report either success. */
export async function observeNextRun(run: () => Promise<BoardHeadResult>, same: (r: BoardHeadResult) => boolean, words: { readonly identical: string; readonly differs: string }): Promise<{ nextRunOk: boolean; nextRun: string }> {
  try {
    const r2 = await run();
    const nextRunOk = same(r2);
    return { nextRunOk, nextRun: nextRunOk ? words.identical : words.differs };
  } catch (e) {
    return { nextRunOk: false, nextRun: describeError(e).reported };
  }
}

/** fired/evidence of a byte fault of the fake port: it fired when the port applied it. */
export function portFaultFired(portFired: readonly FiredFault[]): { fired: boolean; evidence: string } {
  const fired = portFired.length > 0;
  return { fired, evidence: fired ? `fake port applied it at ${portFired.map((f) => `${f.fault.direction} byte ${f.atByte}`).join(', ')}` : 'the fake port never reached the armed byte' };
}

/** What differs between targets in the specific outcomes: the board's rejection codes and some wording. */
export interface OracleTarget {
  /** Codes by which the board may reject the host→board frame damaged by 'flipped-bit-to-board' / 'dropped-bytes'. */
  readonly boardCorruptCodes: readonly string[];
  /** The specific outcome in words, where the target words it otherwise than the simulator's self-test. */
  readonly words?: Partial<Record<SelfTestFault, string>>;
}

/** The simulator target of {@link runSelfTest}. */
export const SIMULATOR_TARGET: OracleTarget = { boardCorruptCodes: ['frame-crc'] };

/** What the specific outcome of a fault is judged on (after the faulty run). */
export interface SpecificInputs {
  readonly faulty: FaultyRun;
  /** Board decoder rejections during the case, `Name(code)`. */
  readonly boardLinkErrors: readonly string[];
  /** The hash the board holds in 'wrong-program-hash' (hex). */
  readonly otherHash: string;
  /** 'abort': the host's RESET after the abort reached the board. */
  readonly resetAfterAbort: boolean;
}

/** The fault's own specified outcome (docs/protocol.md §10) after the faulty run, in words, and whether it was met. */
export function specificOutcome(fault: SelfTestFault, x: SpecificInputs, target: OracleTarget): { specific: string; specificOk: boolean } {
  const { faulty } = x;
  const retx = faulty.retransmittedFrames ?? 0;
  const r = (dflt: string, ok: boolean): { specific: string; specificOk: boolean } => ({ specific: target.words?.[fault] ?? dflt, specificOk: ok });
  switch (fault) {
    case 'flipped-bit-to-board':
    case 'dropped-bytes':
      return r('the board rejected a frame (frame-crc) and the host retransmitted ≥ 1 DATA frame', hasCode(x.boardLinkErrors, target.boardCorruptCodes) && retx >= 1);
    case 'truncated-frame':
      return r('the board rejected the cut frame (truncated-frame or frame-crc) and the host retransmitted ≥ 1 DATA frame', hasCode(x.boardLinkErrors, ['truncated-frame', 'frame-crc']) && retx >= 1);
    case 'flipped-bit-to-host':
    case 'duplicated-bytes':
      return r('the host rejected a result frame (frame-crc) and the board retransmitted ≥ 1 DATA frame', hasCode(faulty.hostLinkErrors, ['frame-crc']) && retx >= 1);
    case 'oversize-length':
      return r('the host rejected the 2 GiB header (frame-too-large) without buffering it and the board retransmitted ≥ 1 DATA frame', hasCode(faulty.hostLinkErrors, ['frame-too-large']) && retx >= 1);
    case 'garbage-before-frame':
      return r('the host skipped the garbage by resynchronisation (the false sync pair rejected as header-crc), no DATA frame retransmitted', hasCode(faulty.hostLinkErrors, ['header-crc']) && faulty.retransmittedFrames === 0);
    case 'wrong-version':
      return r(`the error names version ${PROTOCOL_VERSION + 1} (expected ${PROTOCOL_VERSION}, got ${PROTOCOL_VERSION + 1})`, faulty.reported.includes(`expected ${PROTOCOL_VERSION}, got ${PROTOCOL_VERSION + 1}`));
    case 'wrong-program-hash':
      return r('the error carries the hash the re-flashed board announced', faulty.error instanceof ProgramMismatchError && faulty.error.boardHash === x.otherHash);
    case 'silent-board':
      return r('the timeout is the handshake\'s or the run\'s own (code timeout)', faulty.errorCode === 'timeout');
    case 'disconnect-mid-frame':
      return r('the error code is disconnected', faulty.errorCode === 'disconnected');
    case 'abort':
      return r('the host sent RESET after the abort and the board received it', x.resetAfterAbort);
  }
}

/**
 * The part of the specific outcome judged after the next clean run: 'disconnect-mid-frame' — the next run re-opened
 * the port (`reopened`: the board saw a new connection); 'silent-board' — the next run succeeded and its RESET revived
 * the board (`revived`).
 */
export function specificAfterNextRun(fault: SelfTestFault, s: { specific: string; specificOk: boolean }, nextRunOk: boolean, after: { readonly reopened: boolean; readonly revived: boolean }): { specific: string; specificOk: boolean } {
  if (fault === 'disconnect-mid-frame') return { specific: `${s.specific}; the next run re-opened the port (a new board connection)`, specificOk: s.specificOk && after.reopened };
  if (fault === 'silent-board') return { specific: `${s.specific}; the next run's RESET revived the board`, specificOk: s.specificOk && nextRunOk && after.revived };
  return s;
}

/** What a target observed of a case besides the faulty run (see {@link SelfTestCase} for each field). */
export type CaseObservations = Pick<SelfTestCase, 'injected' | 'fired' | 'evidence' | 'boardLinkErrors' | 'specific' | 'specificOk' | 'nextRunOk' | 'nextRun' | 'wallMs'>;

/**
 * The case record with its verdict: fired, the expected outcome of {@link EXPECTED_OUTCOME} (recover: success and
 * bit-identical; error: that error), the specific outcome, and the next run.
 */
export function judgeCase(fault: SelfTestFault, faulty: FaultyRun, o: CaseObservations): SelfTestCase {
  const expected = EXPECTED_OUTCOME[fault];
  const outcomeOk = expected.kind === 'recover' ? faulty.errorName === null && faulty.faultyRunBitIdentical === true : faulty.errorName === expected.errorName;
  return {
    fault, injected: o.injected, expected, fired: o.fired, evidence: o.evidence, reported: faulty.reported, errorName: faulty.errorName, errorCode: faulty.errorCode,
    faultyRunBitIdentical: faulty.faultyRunBitIdentical, hostLinkErrors: faulty.hostLinkErrors, boardLinkErrors: o.boardLinkErrors, retransmittedFrames: faulty.retransmittedFrames,
    specific: o.specific, specificOk: o.specificOk, nextRunOk: o.nextRunOk, nextRun: o.nextRun, wallMs: o.wallMs,
    pass: o.fired && outcomeOk && o.specificOk && o.nextRunOk,
  };
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
      let boardFault: BoardFault | null = null;
      let signal: AbortSignal | undefined;
      const byteFault = portFaultInjection(fault, { droppedAtByte: 3001, truncatedAtByte: 4100 });
      if (byteFault) {
        link.inject(byteFault.fault);
        injected = byteFault.injected;
      }
      switch (fault) {
        case 'oversize-length':
          boardFault = 'oversize-length';
          injected = 'board sends a result DATA frame whose header (valid check) declares a 2 GiB payload';
          break;
        case 'wrong-version':
          boardFault = 'wrong-version';
          injected = `board sends its next frame with protocol version ${PROTOCOL_VERSION + 1} (valid checks)`;
          break;
        case 'wrong-program-hash':
          sim.setProgram(otherProgram);
          injected = `board re-flashed with another program (hash ${otherHash.slice(0, 16)}…), restored after this run`;
          break;
        case 'silent-board':
          boardFault = 'silent';
          injected = 'board stops answering until it receives a RESET';
          break;
        case 'abort':
          abortController = new AbortController();
          abortedInCompute = false;
          signal = abortController.signal;
          injected = 'AbortSignal aborted while the board computes (input sent, result pending)';
          break;
      }
      if (boardFault) sim.inject(boardFault);
      const resetsBefore = sim.stats.resetsReceived;
      const same = (r: BoardHeadResult): boolean => equal(r.output, baseline.output);
      const faulty = await observeFaultyRun(() => backend.run(program, frame, signal), same, 'OUTPUT DIFFERS');
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
          ({ fired, evidence } = portFaultFired(portFired));
      }

      const afterRun = specificOutcome(fault, { faulty, boardLinkErrors, otherHash, resetAfterAbort }, SIMULATOR_TARGET);
      const { nextRunOk, nextRun } = await observeNextRun(() => backend.run(program, frame), same, { identical: 'ok, bit-identical', differs: 'ok but the output DIFFERS from the clean baseline' });
      // the next run must have re-opened the port (the board saw a new connection) / its RESET revived the silent board
      const { specific, specificOk } = specificAfterNextRun(fault, afterRun, nextRunOk, { reopened: sim.stats.connections > connectionsBefore, revived: sim.stats.resetsReceived > resetsBefore });
      const c = judgeCase(fault, faulty, { injected, fired, evidence, boardLinkErrors, specific, specificOk, nextRunOk, nextRun, wallMs: performance.now() - t0 });
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
