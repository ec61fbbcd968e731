/**
 * The board path in Chromium: the simulated board (Wasm emulator compute) in a module worker, reached through a
 * MessagePort-backed serial port, driven by the same SerialBoardBackend as a real Web Serial port. The link is paced
 * in wall time (10 bits per byte at the baud rate), so the link times here are measured on the wall clock.
 * Needs the build (dist/workers/board-sim.worker.js, dist/dhm.wasm).
 */
import { arraysEqual, equal, ok, rejects } from './util/assert';
import { demoFrame, demoProgram } from '../../src/board/demo';
import { DisconnectedError } from '../../src/board/errors';
import { runReference } from '../../src/dhm/reference';
import { requestSerialPort, startSimulatedBoard, webSerialAvailable, WebSerialUnavailableError, type SimulatedBoard } from '../../www/serial';

describe('simulated board in a worker (Chromium)', () => {
  const program = demoProgram(48, 8);
  const frame = demoFrame(48, 48);
  const ref = runReference(program, frame.data);
  let board: SimulatedBoard;

  before(async () => {
    board = await startSimulatedBoard(program, {
      compute: 'wasm',
      workerUrl: '/dist/workers/board-sim.worker.js',
      wasmUrl: '/dist/dhm.wasm',
      boardMaxPayload: 1024 + 12,
      backend: { baudRate: 921_600, ackTimeoutMs: 400, handshakeTimeoutMs: 1000, maxRetries: 3 },
    });
  });
  after(async () => {
    await board?.dispose();
  });

  it('asking for a real port outside a user gesture rejects with WebSerialUnavailableError naming the cause (no hang)', async () => {
    ok(webSerialAvailable(), 'Chromium on localhost offers Web Serial');
    await rejects(requestSerialPort(), (e: unknown) => e instanceof WebSerialUnavailableError && /no serial port selected/.test((e as Error).message));
  });

  it('runs a frame bit-identical to the reference; link time measured on the wall clock at 921600 baud', async () => {
    const r = await board.backend.run(program, frame);
    arraysEqual(r.output, ref.output, 'board output vs reference');
    equal(r.cycles.total, ref.cycles.total, 'cycles');
    equal(r.link.clockKind, 'wall');
    equal(r.board.programHash, board.programHash);
    const lineMs = ((r.link.bytesToBoard * 10) / 921_600) * 1000;
    ok(r.link.downlinkMs > 0, `downlink measured (${r.link.downlinkMs} ms)`);
    ok(r.link.uplinkMs >= lineMs * 0.9, `uplink ${r.link.uplinkMs} ms should take at least the line time ${lineMs} ms`);
    console.log(`[board-sim worker] ${frame.data.length} B frame → ${r.link.featureMapBytes} B map: uplink ${r.link.uplinkMs.toFixed(1)} ms, downlink ${r.link.downlinkMs.toFixed(1)} ms, ${(r.link.bytesPerSecond / 1000).toFixed(1)} kB/s measured (line limit 92.2 kB/s), wall ${r.wallMs.toFixed(0)} ms`);
  });

  it('recovers from a flipped bit and from garbage; bit-identical', async () => {
    await board.control.injectPortFault({ kind: 'flip-bit', direction: 'to-board', afterBytes: 3000, bit: 2 });
    const r1 = await board.backend.run(program, frame);
    arraysEqual(r1.output, ref.output, 'after a flipped bit');
    ok(r1.link.retransmittedFrames > 0, 'frames were retransmitted');
    await board.control.injectPortFault({ kind: 'garbage', direction: 'to-host', bytes: Uint8Array.from([0xa5, 0x5a, 1, 2, 3, 0xa5, 0, 0xff]) });
    const r2 = await board.backend.run(program, frame);
    arraysEqual(r2.output, ref.output, 'after garbage');
    const stats = await board.control.stats();
    ok(stats.firedPortFaults >= 2, `both faults fired (${stats.firedPortFaults})`);
  });

  it('a disconnect mid-frame is a DisconnectedError; the next run re-opens and succeeds', async () => {
    await board.control.injectPortFault({ kind: 'disconnect', direction: 'to-host', afterBytes: 500 });
    await rejects(board.backend.run(program, frame), (e) => e instanceof DisconnectedError, 'expected DisconnectedError');
    const r = await board.backend.run(program, frame);
    arraysEqual(r.output, ref.output, 'after reconnect');
  });

  it('abort rejects with AbortError; a silent board times out; the next runs succeed', async () => {
    const ac = new AbortController();
    const p = board.backend.run(program, frame, ac.signal);
    setTimeout(() => ac.abort(), 30);
    await rejects(p, (e) => e.name === 'AbortError', 'expected AbortError');
    arraysEqual((await board.backend.run(program, frame)).output, ref.output, 'after abort');
    await board.control.injectBoardFault('silent');
    await rejects(board.backend.run(program, frame), (e) => e.name === 'TimeoutError', 'expected TimeoutError');
    arraysEqual((await board.backend.run(program, frame)).output, ref.output, 'after the silent board');
  });
});
