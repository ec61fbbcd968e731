/**
 * The RTL board (hdl/board/ around a generated head, Verilated with sim/board/harness.cpp, UART bit timing in RTL)
 * driven by the project's own board backend over the real protocol: a real head (MobileNetV2 cut 0 on a reduced
 * 32×32 frame) must return the reference executor's exact map and cycle counts; the endpoint's protocol checks
 * (INFO, BAD_SHAPE, NO_RUN); the result streaming while the input still arrives (the modest-buffering design); the
 * fault suite (`serial-selftest --target rtl --json`); and `board-rtl` writing a Quartus project whose sources lint.
 * Needs Verilator (Debian: apt-get install verilator) and the provisioned models (`npm run models`). One Verilator
 * build (cached by content under node_modules/.cache) serves every case.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { boardOptionsFromFlags, boardProgram } from '../../cli/commands/board-rtl';
import { rtlSimTimeouts } from '../../cli/commands/serial-selftest';
import { parseArgs } from '../../cli/args';
import { demoFrame } from '../../src/board/demo';
import { FakeSerialLink } from '../../src/board/fake-port';
import { PROTOCOL_VERSION } from '../../src/board/frame';
import { MessageLink } from '../../src/board/link';
import type { Message } from '../../src/board/messages';
import { programHash, programHashHex } from '../../src/board/program-hash';
import { runSelfTest } from '../../src/board/selftest';
import type { DhmProgram } from '../../src/dhm/program';
import { runReference } from '../../src/dhm/reference';
import { buildBoardSim, type BoardSim } from '../../sim/board/build';
import { headFolderFor } from '../../sim/board/head-folder';
import { RtlBoard } from '../../sim/board/rtl-board';
import { rtlBackend } from '../../sim/board/selftest-rtl';
import { captureLog } from './helpers/capture';

/** Run a CLI command module's `run()` capturing console.log output. */
const capture = (load: () => Promise<{ run(argv: string[]): Promise<number> }>, argv: string[]) => captureLog(async () => (await load()).run(argv));

function randomFrame(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const f = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f[i] = s >>> 24;
  }
  return f;
}

/** A running RTL board on a fake link, with the RTL target's backend. */
async function withBoard<T>(sim: BoardSim, fn: (b: { board: RtlBoard; link: FakeSerialLink; backend: ReturnType<typeof rtlBackend> }) => Promise<T>): Promise<T> {
  const link = new FakeSerialLink({ pacing: 'none' });
  const board = new RtlBoard(sim, link.board);
  await board.ready;
  const backend = rtlBackend(link, board);
  try {
    return await fn({ board, link, backend });
  } finally {
    await backend.dispose();
    link.shutdown();
    await board.stop();
  }
}

describe('RTL board (Verilated) behind the board backend', () => {
  let program: DhmProgram;
  let sim: BoardSim;
  before(() => {
    // the same program and build as `serial-selftest --target rtl` (defaults), so the build is shared
    program = boardProgram('mobilenetv2', 0, '32x32').program;
    const opts = boardOptionsFromFlags(parseArgs([], []), program, { clocksPerBit: 8 });
    sim = buildBoardSim(program, { ...opts, headDir: headFolderFor(program), ...rtlSimTimeouts(8, 4, 128) });
  });

  it('MobileNetV2 cut 0 on 32x32 frames: the board returns the reference executor\'s exact map and cycle counts (two frames)', async () => {
    await withBoard(sim, async ({ backend, board }) => {
      const { height: H, width: W } = program.input;
      for (const data of [demoFrame(H, W).data, randomFrame(H * W * 3, 7)]) {
        const ref = runReference(program, data);
        const r = await backend.run(program, { width: W, height: H, data });
        assert.equal(r.output.length, ref.output.length);
        assert.deepEqual(Array.from(r.output), Array.from(ref.output), 'feature map differs from the reference executor');
        assert.equal(r.cycles.firstOutput, ref.cycles.firstOutput);
        assert.equal(r.cycles.total, ref.cycles.total);
        assert.equal(r.link.clockKind, 'simulated-line');
        assert.equal(r.link.retransmittedFrames, 0, 'a clean run needs no retransmission');
        assert.ok(r.link.ms > 0 && r.link.ms < 1e4);
      }
      assert.ok(board.stats.framesFromBoard > 10);
    });
  });

  it('INFO announces protocol 2, the board\'s window, max payload, 100 MHz clock and the program hash', async () => {
    await withBoard(sim, async ({ backend }) => {
      const info = await backend.connect();
      assert.equal(info.protocolVersion, PROTOCOL_VERSION);
      assert.equal(info.windowFrames, sim.params.windowFrames);
      assert.equal(info.maxPayload, sim.params.maxPayload);
      assert.equal(info.clockKHz, 100_000);
      assert.equal(info.programHash, programHashHex(program));
      assert.match(info.boardId, /RTL/);
    });
  });

  it('the endpoint answers a RUN of another shape with ERROR BAD_SHAPE (detail = expected bytes) and input DATA without a run with NO_RUN', async () => {
    const link = new FakeSerialLink({ pacing: 'none' });
    const board = new RtlBoard(sim, link.board);
    await board.ready;
    await link.host.open({ baudRate: 921_600 });
    const ml = new MessageLink(link.host, { maxPayload: 65536, clock: () => board.nowMs(), isFatal: () => false, interByteTimeoutMs: 100 });
    const next = async (pred: (m: Message) => boolean): Promise<Message> => {
      for (;;) {
        const m = await ml.next(3000);
        assert.notEqual(m, 'timeout', 'the RTL board did not answer');
        if (pred(m as Message)) return m as Message;
      }
    };
    try {
      const { height: H, width: W } = program.input;
      await ml.send({ type: 'RESET', nonce: 42 });
      await next((m) => m.type === 'RESET_ACK' && m.nonce === 42);
      await ml.send({ type: 'RUN', runId: 5, programHash: programHash(program), height: H + 1, width: W, channels: 3, pixelFormat: 0, totalBytes: (H + 1) * W * 3 });
      const e = await next((m) => m.type === 'ERROR');
      assert.ok(e.type === 'ERROR' && e.code === 5 && e.runId === 5 && e.detail === H * W * 3, JSON.stringify(e));
      await ml.send({ type: 'DATA', runId: 6, stream: 0, totalBytes: H * W * 3, offset: 0, bytes: new Uint8Array(16) });
      const e2 = await next((m) => m.type === 'ERROR');
      assert.ok(e2.type === 'ERROR' && e2.code === 7 && e2.runId === 6, JSON.stringify(e2));
    } finally {
      await ml.release();
      link.shutdown();
      await board.stop();
    }
  });

  it('streams: the first result DATA frame leaves the board before its input is complete (no whole-map buffer)', async () => {
    await withBoard(sim, async ({ backend, board }) => {
      const { height: H, width: W } = program.input;
      const from = board.frameLog.length;
      await backend.run(program, demoFrame(H, W));
      const log = board.frameLog.slice(from);
      const firstData = log.findIndex((f) => f.type === 0x11);
      // the last input ACK is the last ACK frame the board sent before the result completed; the board sends ACKs
      // of the input (its only ACKs): find the last one
      let lastAck = -1;
      log.forEach((f, i) => {
        if (f.type === 0x12) lastAck = i;
      });
      assert.ok(firstData >= 0 && lastAck >= 0);
      assert.ok(firstData < lastAck, `first result frame #${firstData}, last input ACK #${lastAck}`);
      // the board's buffers: a WINDOW × CHUNK retransmit buffer, far smaller than the map
      const out = program.streams[program.output]!;
      assert.ok(sim.params.windowFrames * sim.params.chunkBytes < (out.channels * out.height * out.width) / 4);
    });
  });

  it('serial-selftest --target rtl --json: every fault fires, has its specified outcome and the next run is exact; same JSON shape as --target sim', async () => {
    const { code, out } = await capture(() => import('../../cli/commands/serial-selftest'), ['--target', 'rtl', '--json']);
    const r = JSON.parse(out);
    assert.equal(r.cases.length, 12);
    for (const c of r.cases) assert.ok(c.pass, `${c.fault}: fired=${c.fired} (${c.evidence}); ${c.reported}; specific ${c.specificOk}: ${c.specific}; next: ${c.nextRun}`);
    assert.equal(code, 0);
    assert.equal(r.failed, 0);
    const sim1 = await runSelfTest({ only: ['garbage-before-frame'] });
    assert.deepEqual(Object.keys(r).sort(), Object.keys(sim1).sort());
    assert.deepEqual(Object.keys(r.cases[0]).sort(), Object.keys(sim1.cases[0]!).sort());
  });

  it('board-rtl writes the design and a Quartus project for 10CX220YF780E5G whose Verilog elaborates (Verilator lint, top board_top); pins left unverified', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'board-rtl-'));
    const out = join(dir, 'board');
    try {
      const { code, out: text } = await capture(() => import('../../cli/commands/board-rtl'), ['mobilenetv2', '--cut', '0', '--out', out]);
      assert.equal(code, 0, text);
      const qsf = readFileSync(join(out, 'board_top.qsf'), 'utf8');
      assert.match(qsf, /DEVICE 10CX220YF780E5G/);
      assert.match(qsf, /TOP_LEVEL_ENTITY board_top/);
      assert.match(qsf, /SDC_FILE board_top\.sdc/);
      assert.doesNotMatch(qsf, /^set_location_assignment/m, 'no pin location may be asserted without verification');
      assert.match(qsf, /# set_location_assignment PIN_<unverified> -to uart_rx/);
      const files = qsf.match(/VERILOG_FILE (\S+)/g)!.map((l) => l.split(' ')[1]!);
      assert.ok(files.includes('dhm_head.v') && files.includes('board_endpoint.v') && files.includes('board_top.v'));
      assert.match(readFileSync(join(out, 'board_top.sdc'), 'utf8'), /create_clock -name clk_100m -period 10\.000/);
      execFileSync('verilator', ['--lint-only', '-Wno-fatal', '-Wno-lint', '-Wno-style', '--top-module', 'board_top', `-I${out}`, ...files.map((f) => join(out, f))], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
