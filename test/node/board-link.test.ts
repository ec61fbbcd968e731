/**
 * Board link end to end in Node: the serial backend against the simulated board through the fake port — bit-exact
 * runs (vs the reference executor), every fault of the spec, timeouts/abort/disconnect, a measured 224x224 frame at
 * 921 600 baud and at a USB-CDC rate, golden vectors and cross-check. Pacing is the fake link's *virtual* line
 * clock (10 bits per byte) so the tests stay fast; the link times printed are simulated line time, not wall time.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { crossCheck } from '../../src/board/crosscheck';
import { referenceBackend } from '../../src/pipeline/backends';
import { demoFrame, demoProgram, referenceCompute } from '../../src/board/demo';
import { BoardError, DisconnectedError, LinkError, LinkTimeoutError, ProgramMismatchError } from '../../src/board/errors';
import { FakeSerialLink } from '../../src/board/fake-port';
import { encodeFrame, PROTOCOL_VERSION } from '../../src/board/frame';
import { encodeMessage } from '../../src/board/messages';
import { buildGoldenVectors } from '../../src/board/golden';
import { decodeResultStream } from '../../src/board/featuremap';
import { runSelfTest, SELFTEST_FAULTS, type SelfTestCase, type SelfTestFault, type SelfTestReport } from '../../src/board/selftest';
import { SerialBoardBackend, type SerialBackendOptions } from '../../src/board/serial-backend';
import { BoardSimulator, type BoardSimulatorOptions } from '../../src/board/simulator';
import { sha256Int32LE } from '../../src/board/sha256';
import { randomFrame, randomProgram } from '../../src/dhm/random';
import { runReference } from '../../src/dhm/reference';
import type { DhmProgram } from '../../src/dhm/program';
import type { SerialPortLike } from '../../src/board/port';

function setup(program: DhmProgram, sim: Partial<BoardSimulatorOptions> = {}, be: SerialBackendOptions = {}, pacing: 'virtual' | 'wall' = 'virtual') {
  const link = new FakeSerialLink({ pacing });
  const board = new BoardSimulator(link.board, { program, compute: referenceCompute, ackTimeoutMs: 150, ...sim });
  const backend = new SerialBoardBackend(link.host, { clock: pacing === 'virtual' ? link.hostClock : undefined, clockKind: pacing === 'virtual' ? 'simulated-line' : 'wall', linkName: 'fake serial', ackTimeoutMs: 150, handshakeTimeoutMs: 300, maxRetries: 3, ...be });
  const close = async (): Promise<void> => {
    await backend.dispose();
    link.shutdown();
    await board.stop();
  };
  return { link, board, backend, close };
}

const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

describe('board link: runs', () => {
  it('returns the reference executor\'s exact integers and cycles for random programs (seeds 1..12)', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const program = randomProgram(seed, { maxSize: 14 });
      const frame = { width: program.input.width, height: program.input.height, data: randomFrame(seed, program.input.height, program.input.width) };
      const { backend, close } = setup(program, { maxPayload: 64 + 12, windowFrames: 2 });
      try {
        const r = await backend.run(program, frame);
        const ref = runReference(program, frame.data);
        assert.ok(same(r.output, ref.output), `seed ${seed}: output differs from the reference`);
        assert.deepEqual(r.cycles, ref.cycles, `seed ${seed}: cycles`);
        assert.deepEqual(r.format, program.streams[program.output]!.format, `seed ${seed}: format`);
        assert.equal(r.backend, 'board');
      } finally {
        await close();
      }
    }
  });

  for (const [name, baudRate] of [['921600 baud UART', 921_600], ['USB-CDC full speed, 12 Mbit/s', 12_000_000]] as const) {
    it(`a full 224x224 frame through the simulated board at ${name}: link time reported`, async () => {
      const program = demoProgram(224, 16);
      const frame = demoFrame(224, 224);
      const { backend, close } = setup(program, {}, { baudRate });
      try {
        const r = await backend.run(program, frame);
        assert.ok(same(r.output, runReference(program, frame.data).output), 'bit-identical to the reference');
        const l = r.link;
        const lineBytesPerS = baudRate / 10;
        console.log(
          `[board-link] 224x224x3 frame (${frame.data.length} B) → ${r.shape.join('x')} map (${l.featureMapBytes} B packed) over ${l.description}: ` +
            `uplink ${l.uplinkMs.toFixed(1)} ms (${l.bytesToBoard} wire B), downlink ${l.downlinkMs.toFixed(1)} ms (${l.bytesFromBoard} wire B), ` +
            `link ${l.ms.toFixed(1)} ms, ${(l.bytesPerSecond / 1000).toFixed(1)} kB/s (line limit ${(lineBytesPerS / 1000).toFixed(1)} kB/s); run wall time ${r.wallMs.toFixed(0)} ms`,
        );
        assert.equal(l.clockKind, 'simulated-line');
        assert.ok(l.bytesToBoard > frame.data.length && l.bytesToBoard < frame.data.length * 1.01 + 200, `uplink wire bytes ${l.bytesToBoard}`);
        // the simulated line moves 10 bits per byte: the measured rate must be close to (and never above) the line rate
        assert.ok(l.bytesPerSecond <= lineBytesPerS * 1.0001, `rate ${l.bytesPerSecond} ≤ ${lineBytesPerS}`);
        assert.ok(l.bytesPerSecond > lineBytesPerS * 0.9, `rate ${l.bytesPerSecond} within 10 % of the line rate`);
        const expectUpMs = (l.bytesToBoard / lineBytesPerS) * 1000;
        assert.ok(Math.abs(l.uplinkMs - expectUpMs) / expectUpMs < 0.05, `uplink ${l.uplinkMs} ms vs ${expectUpMs} ms of line time`);
      } finally {
        await close();
      }
    });
  }

  it('measures wall time with wall pacing (small frame at 2 Mbaud)', async () => {
    const program = demoProgram(48, 4);
    const frame = demoFrame(48, 48);
    const { backend, close } = setup(program, {}, { baudRate: 2_000_000 }, 'wall');
    try {
      const r = await backend.run(program, frame);
      const lineMs = ((r.link.bytesToBoard) * 10 / 2_000_000) * 1000;
      assert.equal(r.link.clockKind, 'wall');
      assert.ok(r.link.uplinkMs >= lineMs * 0.9, `wall uplink ${r.link.uplinkMs} ms ≥ line time ${lineMs} ms`);
      assert.ok(same(r.output, runReference(program, frame.data).output));
    } finally {
      await close();
    }
  });
});

describe('board link: the self-test fault list (docs/protocol.md §10)', () => {
  let report: SelfTestReport;
  let wallMs = 0;
  const caseOf = (f: SelfTestFault): SelfTestCase => {
    const c = report.cases.find((x) => x.fault === f);
    assert.ok(c, `no case for ${f}`);
    return c;
  };
  /** Spec: a recover fault ends in success with a map bit-identical to the clean run's. */
  const recovered = (c: SelfTestCase): void => {
    assert.equal(c.errorName, null, `${c.fault}: the faulty run must succeed, got ${c.reported}`);
    assert.equal(c.faultyRunBitIdentical, true, `${c.fault}: the faulty run's map must be bit-identical to the clean run's`);
  };
  /** Spec: an error fault ends in its named error. */
  const failedWith = (c: SelfTestCase, name: string): void => {
    assert.equal(c.errorName, name, `${c.fault}: ${c.reported}`);
    assert.equal(c.faultyRunBitIdentical, null);
  };
  /** Every case: the fault was observed on the link, and the following clean run succeeded bit-identically. */
  const firedThenNextRunOk = (c: SelfTestCase): void => {
    assert.equal(c.fired, true, `${c.fault}: fault not observed on the link (${c.evidence})`);
    assert.equal(c.nextRunOk, true, `${c.fault}: next run: ${c.nextRun}`);
  };

  before(async () => {
    const t0 = performance.now();
    report = await runSelfTest();
    wallMs = performance.now() - t0;
  });

  it('runs each fault of the list once, in order, within 60 s, and counts a case passed only when all its checks hold', () => {
    assert.deepEqual(report.cases.map((c) => c.fault), [...SELFTEST_FAULTS]);
    assert.ok(wallMs < 60_000, `self-test took ${wallMs} ms`);
    for (const c of report.cases) assert.equal(c.pass, c.fired && c.specificOk && c.nextRunOk && (c.expected.kind === 'recover' ? c.errorName === null && c.faultyRunBitIdentical === true : c.errorName === c.expected.errorName), c.fault);
    assert.equal(report.failed, report.cases.filter((c) => !c.pass).length);
  });

  it('flipped bit host→board: the board rejects the frame (frame-crc), the host retransmits, success bit-identical', () => {
    const c = caseOf('flipped-bit-to-board');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.boardLinkErrors.includes('FrameError(frame-crc)'), `board rejections: ${c.boardLinkErrors.join()}`);
    assert.ok(c.retransmittedFrames! >= 1, `retransmitted ${c.retransmittedFrames}`);
    assert.deepEqual(c.hostLinkErrors, [], 'the host\'s direction was clean');
    assert.ok(c.pass, c.reported);
  });

  it('flipped bit board→host: the host rejects the result frame (frame-crc), the board retransmits, success bit-identical', () => {
    const c = caseOf('flipped-bit-to-host');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.hostLinkErrors.includes('FrameError(frame-crc)'), `host rejections: ${c.hostLinkErrors.join()}`);
    assert.ok(c.retransmittedFrames! >= 1, `retransmitted ${c.retransmittedFrames}`);
    assert.deepEqual(c.boardLinkErrors, [], 'the board\'s direction was clean');
    assert.ok(c.pass, c.reported);
  });

  it('dropped bytes host→board: the shortened frame fails its CRC at the board (frame-crc), retransmission, success bit-identical', () => {
    const c = caseOf('dropped-bytes');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.boardLinkErrors.includes('FrameError(frame-crc)'), `board rejections: ${c.boardLinkErrors.join()}`);
    assert.ok(c.retransmittedFrames! >= 1);
    assert.ok(c.pass, c.reported);
  });

  it('duplicated bytes board→host: the lengthened frame fails its CRC at the host (frame-crc), retransmission, success bit-identical', () => {
    const c = caseOf('duplicated-bytes');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.hostLinkErrors.includes('FrameError(frame-crc)'), `host rejections: ${c.hostLinkErrors.join()}`);
    assert.ok(c.retransmittedFrames! >= 1);
    assert.ok(c.pass, c.reported);
  });

  it('truncated frame host→board: the board rejects it (truncated-frame or frame-crc), retransmission, success bit-identical', () => {
    const c = caseOf('truncated-frame');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.boardLinkErrors.some((e) => e === 'FrameError(truncated-frame)' || e === 'FrameError(frame-crc)'), `board rejections: ${c.boardLinkErrors.join()}`);
    assert.ok(c.retransmittedFrames! >= 1);
    assert.ok(c.pass, c.reported);
  });

  it('oversize length board→host: the host rejects the 2 GiB header (frame-too-large), retransmission, success bit-identical', () => {
    const c = caseOf('oversize-length');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.hostLinkErrors.includes('FrameError(frame-too-large)'), `host rejections: ${c.hostLinkErrors.join()}`);
    assert.ok(c.retransmittedFrames! >= 1);
    assert.ok(c.pass, c.reported);
  });

  it('garbage before a frame: the host resynchronises past the false sync pair (header-crc) with no retransmission, success bit-identical', () => {
    const c = caseOf('garbage-before-frame');
    firedThenNextRunOk(c);
    recovered(c);
    assert.ok(c.hostLinkErrors.includes('FrameError(header-crc)'), `host rejections: ${c.hostLinkErrors.join()}`);
    assert.equal(c.retransmittedFrames, 0, 'resynchronisation alone recovers: no DATA frame is lost');
    assert.ok(c.pass, c.reported);
  });

  it('wrong protocol version: VersionMismatchError naming our version and the forged one; the next run succeeds', () => {
    const c = caseOf('wrong-version');
    firedThenNextRunOk(c);
    failedWith(c, 'VersionMismatchError');
    assert.ok(c.reported.includes(`expected ${PROTOCOL_VERSION}, got ${PROTOCOL_VERSION + 1}`), c.reported);
    assert.ok(c.pass, c.reported);
  });

  it('wrong program hash: ProgramMismatchError carrying the hash the re-flashed board announced; the next run succeeds', () => {
    const c = caseOf('wrong-program-hash');
    firedThenNextRunOk(c);
    failedWith(c, 'ProgramMismatchError');
    assert.equal(c.errorCode, 'program-mismatch');
    assert.ok(c.specificOk, c.specific);
    assert.ok(c.pass, c.reported);
  });

  it('silent board: TimeoutError; the next run\'s RESET revives the board', () => {
    const c = caseOf('silent-board');
    firedThenNextRunOk(c);
    failedWith(c, 'TimeoutError');
    assert.equal(c.errorCode, 'timeout');
    assert.ok(c.specificOk, c.specific);
    assert.ok(c.pass, c.reported);
  });

  it('disconnect mid-frame: DisconnectedError; the next run re-opens the port', () => {
    const c = caseOf('disconnect-mid-frame');
    firedThenNextRunOk(c);
    failedWith(c, 'DisconnectedError');
    assert.equal(c.errorCode, 'disconnected');
    assert.ok(c.specificOk, c.specific);
    assert.ok(c.pass, c.reported);
  });

  it('abort while the board computes: AbortError, and the host\'s RESET reaches the board; the next run succeeds', () => {
    const c = caseOf('abort');
    firedThenNextRunOk(c);
    failedWith(c, 'AbortError');
    assert.ok(c.specificOk, c.specific);
    assert.ok(c.pass, c.reported);
  });
});

describe('board link: faults outside the self-test list', () => {
  it('port-level forged headers and dropped writes: wrong version → VersionMismatchError, oversize → recovered, silence → TimeoutError; next runs succeed', async () => {
    const program = demoProgram(32, 4);
    const frame = demoFrame(32, 32);
    const want = runReference(program, frame.data).output;
    const { backend, link, close } = setup(program, { maxPayload: 256 + 12 });
    try {
      await backend.run(program, frame);
      link.inject({ kind: 'forge-frame', direction: 'to-host', version: PROTOCOL_VERSION + 7 });
      await assert.rejects(backend.run(program, frame), (e: unknown) => e instanceof LinkError && e.name === 'VersionMismatchError' && e.message.includes(`expected ${PROTOCOL_VERSION}, got ${PROTOCOL_VERSION + 7}`));
      assert.ok(same((await backend.run(program, frame)).output, want), 'after wrong version');
      link.inject({ kind: 'forge-frame', direction: 'to-host', length: 1 << 30 });
      const r = await backend.run(program, frame);
      assert.ok(same(r.output, want), 'after oversize length');
      assert.ok(r.link.recoveredErrors.includes('FrameError(frame-too-large)'), r.link.recoveredErrors.join());
      link.inject({ kind: 'drop-writes', direction: 'to-host', writes: 1000 });
      await assert.rejects(backend.run(program, frame), (e: unknown) => e instanceof LinkTimeoutError);
      link.clearFaults();
      assert.ok(same((await backend.run(program, frame)).output, want), 'after silence');
    } finally {
      await close();
    }
  });

  it('a board that never answers: handshake TimeoutError within the stated budget', async () => {
    const link = new FakeSerialLink({ pacing: 'virtual' });
    const backend = new SerialBoardBackend(link.host, { handshakeTimeoutMs: 100, maxRetries: 1 });
    const t0 = performance.now();
    await assert.rejects(backend.run(demoProgram(16, 2), demoFrame(16, 16)), (e: unknown) => e instanceof LinkTimeoutError && /RESET → RESET_ACK\) within 100 ms, 2 attempts/.test(e.message));
    assert.ok(performance.now() - t0 < 1000);
    await backend.dispose();
    link.shutdown();
  });

  it('a wrong program is refused before any frame is sent (INFO hash), then runs after re-flash', async () => {
    const program = demoProgram(16, 2);
    const { backend, board, link, close } = setup(demoProgram(16, 2, 99));
    try {
      const before = link.fired.length;
      await assert.rejects(backend.run(program, demoFrame(16, 16)), (e: unknown) => e instanceof ProgramMismatchError && e.boardHash === board.programHashHex);
      assert.equal(link.fired.length, before);
      board.setProgram(program);
      const r = await backend.run(program, demoFrame(16, 16));
      assert.equal(r.board.programHash, board.programHashHex);
      // re-flash between runs of one session: the backend re-reads INFO instead of trusting its cached hash
      const other = demoProgram(16, 2, 5);
      board.setProgram(other);
      const r2 = await backend.run(other, demoFrame(16, 16));
      assert.equal(r2.board.programHash, board.programHashHex);
    } finally {
      await close();
    }
  });

  it('abort before start rejects with AbortError without touching the port; a frame of the wrong size is a typed error', async () => {
    const program = demoProgram(16, 2);
    const { backend, close } = setup(program);
    try {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(backend.run(program, demoFrame(16, 16), ac.signal), { name: 'AbortError' });
      await assert.rejects(backend.run(program, demoFrame(8, 8)), (e: unknown) => e instanceof LinkError && /frame is 8x8 \(192 bytes\), the program wants 16x16x3/.test(e.message));
      assert.ok((await backend.run(program, demoFrame(16, 16))).output.length > 0);
    } finally {
      await close();
    }
  });

  it('a recoverable Web Serial read error (FramingError) loses bytes but not the port: the run still succeeds', async () => {
    const program = demoProgram(32, 4);
    const link = new FakeSerialLink({ pacing: 'virtual' });
    const board = new BoardSimulator(link.board, { program, compute: referenceCompute, maxPayload: 256 + 12, ackTimeoutMs: 150 });
    let reads = 0;
    let thrown = 0;
    const port: SerialPortLike = {
      get readable() {
        const r = link.host.readable;
        return r && {
          getReader: () => {
            const inner = r.getReader();
            return {
              read: async () => {
                const x = await inner.read();
                if (++reads === 12 && thrown === 0) {
                  thrown++;
                  const e = new Error('framing error on the UART');
                  e.name = 'FramingError';
                  throw e; // the chunk just read is lost
                }
                return x;
              },
              cancel: (reason?: unknown) => inner.cancel(reason),
              releaseLock: () => inner.releaseLock(),
            };
          },
        };
      },
      get writable() {
        return link.host.writable;
      },
      open: (o) => link.host.open(o),
      close: () => link.host.close(),
    };
    const backend = new SerialBoardBackend(port, { ackTimeoutMs: 150, handshakeTimeoutMs: 300 });
    try {
      const frame = demoFrame(32, 32);
      const r = await backend.run(program, frame);
      assert.equal(thrown, 1, 'the read error was injected');
      assert.ok(same(r.output, runReference(program, frame.data).output));
      assert.ok(r.link.recoveredErrors.includes('LinkError(port)'), `the run reports the read error it recovered from (${r.link.recoveredErrors.join() || 'none'})`);
      assert.ok(backend.linkEvents.some((e) => e.error.code === 'port' && /FramingError/.test(e.error.message)), 'the link event names the Web Serial error');
    } finally {
      await backend.dispose();
      link.shutdown();
      await board.stop();
    }
  });

  it('a simulated board\'s own failure (its compute returns a map of the wrong size) reaches the host as a BoardError naming the simulator, not a TimeoutError; the board keeps serving', async () => {
    const program = demoProgram(16, 2);
    let broken = true;
    const { backend, board, close } = setup(program, {
      compute: (p, f) => {
        const r = runReference(p, f.data);
        return broken ? { output: r.output.subarray(0, 5), cycles: r.cycles } : r; // 5 values: the result encoder throws
      },
    }, { computeTimeoutMs: 5000 });
    try {
      const t0 = performance.now();
      await assert.rejects(backend.run(program, demoFrame(16, 16)), (e: unknown) => e instanceof BoardError && e.boardCode === 8 && /BoardSimulator internal error/.test(e.message));
      assert.ok(performance.now() - t0 < 2000, 'reported at once, not after the compute timeout');
      assert.equal(board.internalErrors.length, 1);
      broken = false;
      const frame = demoFrame(16, 16);
      assert.ok(same((await backend.run(program, frame)).output, runReference(program, frame.data).output), 'next run after the internal error');
    } finally {
      await close();
    }
  });

  it('a disconnect event with no replug: DisconnectedError, then a typed error opening the port', async () => {
    const program = demoProgram(16, 2);
    const link = new FakeSerialLink({ pacing: 'virtual', replugOnOpen: false });
    const board = new BoardSimulator(link.board, { program, compute: referenceCompute });
    const backend = new SerialBoardBackend(link.host, { handshakeTimeoutMs: 200 });
    await backend.run(program, demoFrame(16, 16));
    link.inject({ kind: 'disconnect', direction: 'to-board', afterBytes: 30 });
    await assert.rejects(backend.run(program, demoFrame(16, 16)), (e: unknown) => e instanceof DisconnectedError);
    await assert.rejects(backend.run(program, demoFrame(16, 16)), (e: unknown) => e instanceof LinkError && e.code === 'disconnected' && /cannot open the serial port/.test(e.message));
    await backend.dispose();
    link.shutdown();
    await board.stop();
  });
});

describe('golden vectors and cross-check', () => {
  it('golden vectors: the expected checksum is sha256 of the little-endian int32 NCHW output, and a simulated board reproduces every file', async () => {
    const program = randomProgram(7, { maxSize: 12 });
    const frames = [1, 2].map((s) => ({ source: `random-${s}`, frame: { width: program.input.width, height: program.input.height, data: randomFrame(s, program.input.height, program.input.width) } }));
    const { manifest, files } = await buildGoldenVectors(program, frames, referenceCompute);
    assert.equal(manifest.vectors.length, 2);
    const { backend, close } = setup(program);
    try {
      for (const v of manifest.vectors) {
        const input = files.get(v.input.file)!;
        const r = await backend.run(program, { width: v.input.shape[1], height: v.input.shape[0], data: input });
        assert.equal(sha256Int32LE(r.output), v.expected.sha256);
        const i32 = files.get(v.expected.file)!;
        assert.ok(same(new Int32Array(i32.buffer.slice(i32.byteOffset, i32.byteOffset + i32.byteLength)), r.output));
        assert.deepEqual(r.cycles, v.cycles);
        const stream = decodeResultStream(files.get(v.resultStream.file)!);
        assert.ok(same(stream.output, r.output));
        const hexLines = Buffer.from(files.get(v.packed.hexFile)!).toString('ascii').trim().split('\n');
        assert.equal(hexLines.length, v.packed.words);
      }
      const m = JSON.parse(Buffer.from(files.get('manifest.json')!).toString('utf8'));
      assert.equal(m.format, 'hybrid-dhm-golden/1');
      assert.equal(m.program.hash.length, 64);
    } finally {
      await close();
    }
  });

  it('cross-check: reference vs simulated board are bit-identical; a corrupted board reports the first differing (c, y, x)', async () => {
    const program = demoProgram(20, 3);
    const frame = demoFrame(20, 20);
    const ref = referenceBackend();
    const { backend, close } = setup(program);
    const bad = setup(program, {
      compute: (p, f) => {
        const r = runReference(p, f.data);
        const out = r.output.slice();
        out[1 * 10 * 10 + 4 * 10 + 7] ^= 1; // c=1, y=4, x=7
        out[2 * 10 * 10] ^= 1;
        return { output: out, cycles: r.cycles };
      },
    });
    try {
      const ok = await crossCheck(program, frame, ref, backend);
      assert.equal(ok.bitIdentical, true);
      assert.equal(ok.firstDifference, null);
      assert.equal(ok.sameCycles, true);
      const ko = await crossCheck(program, frame, ref, bad.backend);
      assert.equal(ko.bitIdentical, false);
      assert.equal(ko.differing, 2);
      assert.deepEqual({ c: ko.firstDifference!.c, y: ko.firstDifference!.y, x: ko.firstDifference!.x }, { c: 1, y: 4, x: 7 });
    } finally {
      await close();
      await bad.close();
    }
  });

  it('wire bytes of a clean run\'s uplink = RUN frame (16 + 44) + per DATA frame (16 + 12 + chunk), as docs/protocol.md §2/§4 lay them out', async () => {
    // 16x16 RGB = 768 bytes; board maxPayload 64 + 12 → 64-byte chunks → 12 DATA frames; no faults → no retransmission
    const program = demoProgram(16, 2);
    const { backend, close } = setup(program, { maxPayload: 64 + 12, windowFrames: 2 });
    try {
      const r = await backend.run(program, demoFrame(16, 16));
      assert.equal(r.link.retransmittedFrames, 0);
      assert.equal(r.link.bytesToBoard, 16 + 44 + 12 * (16 + 12 + 64));
      const data = encodeMessage({ type: 'DATA', runId: 1, stream: 0, totalBytes: 768, offset: 0, bytes: new Uint8Array(64) });
      assert.equal(encodeFrame(data.type, 0, data.payload).length, 16 + 12 + 64);
    } finally {
      await close();
    }
  });
});
