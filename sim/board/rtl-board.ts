/**
 * The Verilated RTL board behind the project's board backend: a server that takes the board side of a byte link
 * (a `BoardEndpoint`, e.g. `FakeSerialLink.board`, whose byte faults then apply on the wire) and carries its bytes
 * to and from the simulation process (sim/board/harness.cpp), which shifts them bit by bit through the board's
 * UART pins. The board keeps running across host disconnects (unplugging a USB-UART adapter does not reset it).
 *
 * Time: the harness pauses after every frame the board sends until the host side has reacted (so host reaction
 * takes zero simulated time) and does not advance while the board is idle and nothing is queued. `nowMs()` is the
 * simulated time of the last board frame, in ms at the board clock: a clock for the backend's link measurement.
 * Host timeouts stay on the wall clock; callers give the RTL target generous ones (see sim/board/selftest-rtl.ts).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { BoardEndpoint, ByteDuplex } from '../../src/board/port';
import type { BoardSim } from './build';

/** Message-level faults of the RTL board (test-only inputs of the RTL; tied to 0 on the FPGA). */
export type RtlBoardFault = 'silent' | 'wrong-version' | 'oversize-length';

/** Rejection codes of hdl/board/frame_decoder.v, by number. */
const REJECT_CODES: Readonly<Record<number, string>> = { 1: 'header-crc', 2: 'bad-version', 3: 'frame-too-large', 4: 'frame-crc', 5: 'truncated-frame' };

/** Counters of the RTL board server. */
export interface RtlBoardStats {
  connections: number;
  framesFromBoard: number;
  bytesToBoard: number;
  bytesFromBoard: number;
}

function toHexBytes(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

function fromHexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

/** A running RTL board simulation serving a board endpoint. */
export class RtlBoard {
  private readonly proc: ChildProcessWithoutNullStreams;
  private current: { duplex: ByteDuplex; writer: { write(c: Uint8Array): Promise<void> } | null } | null = null;
  private lineBuf = '';
  private stopped = false;
  private exitError: Error | null = null;
  /** Simulated clock cycles at the last board frame. */
  cycle = 0;
  /** Resolves when the harness is ready. */
  readonly ready: Promise<void>;
  /** Resolves when the endpoint yields no more connections or stop() is called. */
  readonly done: Promise<void>;
  readonly firedFaults: RtlBoardFault[] = [];
  /** The RTL frame decoder's rejections, `FrameError(code)` as the TypeScript decoder names them. */
  readonly linkErrors: string[] = [];
  readonly stats: RtlBoardStats = { connections: 0, framesFromBoard: 0, bytesToBoard: 0, bytesFromBoard: 0 };
  /** Every board frame with the cycle its last bit left the TX pin (bounded to the last 10 000). */
  readonly frameLog: { cycle: number; bytes: number; version: number; type: number; declaredLength: number }[] = [];
  /** Called with every frame the board sends, before it goes on the wire (tests: abort at a given frame). */
  onBoardFrame: ((f: { readonly type: number; readonly bytes: Uint8Array }) => void) | null = null;

  constructor(
    readonly sim: BoardSim,
    private readonly endpoint: BoardEndpoint,
  ) {
    this.proc = spawn(sim.binPath, [`--cpb=${sim.params.clocksPerBit}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.proc.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      this.proc.stdout.on('data', (d: Buffer) => {
        this.lineBuf += d.toString('latin1');
        let i;
        while ((i = this.lineBuf.indexOf('\n')) >= 0) {
          const line = this.lineBuf.slice(0, i);
          this.lineBuf = this.lineBuf.slice(i + 1);
          if (line.startsWith('READY')) resolve();
          else if (line.startsWith('R ')) this.onFrame(line);
          else if (line.startsWith('E ')) this.linkErrors.push(`FrameError(${REJECT_CODES[Number(line.split(' ')[2])] ?? 'unknown'})`);
          else if (process.env['HYBRID_DHM_SIM_DEBUG']) process.stderr.write(`[rtl] ${line}\n`);
        }
      });
      this.proc.on('exit', (code, sig) => {
        this.exitError = new Error(`RTL board simulation ${sim.binPath} exited (code ${code}, signal ${sig})${stderr ? `: ${stderr}` : ''}`);
        // the board is gone: say so (the host only sees a silent line and times out)
        if (!this.stopped) process.stderr.write(`${this.exitError.message}\n`);
        reject(this.exitError);
        const c = this.current;
        this.current = null;
        void c;
      });
      this.proc.on('error', (e) => reject(new Error(`cannot start the RTL board simulation ${sim.binPath}: ${e.message}`)));
    });
    this.proc.stdin.on('error', () => undefined);
    this.done = this.serveAll();
  }

  /** Simulated time of the last board frame, ms at the board clock. */
  nowMs(): number {
    return this.cycle / this.sim.params.clockKHz;
  }

  /** Arm a message-level fault (a one-cycle pulse on the board's test input). */
  inject(f: RtlBoardFault): void {
    this.command(`F ${f === 'silent' ? 'silent' : f === 'wrong-version' ? 'version' : 'oversize'}`);
    this.firedFaults.push(f);
  }

  /** Make the board hold another program (its hash with bit 255 flipped) or restore it. */
  setWrongProgram(on: boolean): void {
    this.command(`H ${on ? 1 : 0}`);
  }

  private command(line: string): void {
    if (this.exitError) throw this.exitError;
    this.proc.stdin.write(line + '\n');
  }

  private onFrame(line: string): void {
    const sp = line.indexOf(' ', 2);
    this.cycle = Number(line.slice(2, sp));
    const bytes = fromHexBytes(line.slice(sp + 1));
    this.stats.framesFromBoard++;
    this.stats.bytesFromBoard += bytes.length;
    if (this.frameLog.length >= 10_000) this.frameLog.shift();
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const type = bytes.length > 3 ? bytes[3]! : -1;
    this.frameLog.push({ cycle: this.cycle, bytes: bytes.length, version: bytes[2] ?? -1, type, declaredLength: bytes.length >= 10 ? dv.getUint32(6, true) : -1 });
    this.onBoardFrame?.({ type, bytes });
    const c = this.current;
    if (c?.writer) {
      c.writer.write(bytes).catch(() => {
        if (this.current === c) this.current.writer = null; // unplugged: the bytes are lost on the wire
      });
    }
    // let the host react (its microtasks run before the check phase), then let the simulation go on
    setImmediate(() => {
      if (!this.exitError && !this.stopped) this.proc.stdin.write('G\n');
    });
  }

  private async serveAll(): Promise<void> {
    await this.ready;
    while (!this.stopped) {
      const conn = await this.endpoint.nextConnection();
      if (!conn || this.stopped) return;
      this.stats.connections++;
      await this.serve(conn).catch(() => undefined);
    }
  }

  /** Host frames that reached the board, by message type byte (each host write is one frame). */
  readonly hostFrameTypes: number[] = [];

  private async serve(conn: ByteDuplex): Promise<void> {
    if (!conn.readable || !conn.writable) return;
    const reader = conn.readable.getReader();
    const writer = conn.writable.getWriter();
    this.current = { duplex: conn, writer };
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done || this.stopped) return;
        this.stats.bytesToBoard += r.value.length;
        if (r.value.length > 3 && r.value[0] === 0xa5 && r.value[1] === 0x5a) this.hostFrameTypes.push(r.value[3]!);
        this.command(`W ${toHexBytes(r.value)}`);
      }
    } finally {
      if (this.current?.duplex === conn) this.current = null;
      try {
        reader.releaseLock();
        writer.releaseLock();
      } catch {
        /* released */
      }
    }
  }

  /** Stop the simulation process. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.exitError) {
      const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
      this.proc.stdin.write('Q\n');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
    }
  }
}
