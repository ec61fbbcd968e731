/**
 * A fake serial link for tests and the "simulated board": two byte pipes (host → board, board → host) shaped like
 * Web Serial streams, with baud-rate pacing and fault injection (docs/protocol.md §Fault model).
 *
 * Pacing: every byte occupies the line for `bitsPerByte / baudRate` seconds (10 bits: start + 8 data + stop, 8N1).
 * - `'wall'`: bytes are delivered in wall time (timers), as a real UART would deliver them;
 * - `'virtual'`: bytes are delivered at once but stamped with their simulated arrival time on a virtual line clock;
 *   `hostClock()` is the host's simulated "now" (the arrival time of the last bytes it read), so a backend given
 *   that clock measures the simulated line time (fast tests; reported as simulated, not as wall time);
 * - `'none'`: no pacing, no clock.
 */
import { DisconnectedError } from './errors';
import { forgeFrameHeader, FRAME_OVERHEAD_BYTES } from './frame';
import type { BoardEndpoint, ByteDuplex, ByteReader, ByteWriter, ReadResult, SerialPortLike } from './port';

/** Direction of a pipe. */
export type Direction = 'to-board' | 'to-host';
/** Pacing mode (see module doc). */
export type PacingMode = 'wall' | 'virtual' | 'none';

/** A byte-level fault, counted in bytes written in `direction` after the fault is armed. */
export type PortFault =
  | { readonly kind: 'flip-bit'; readonly direction: Direction; readonly afterBytes: number; readonly bit: number }
  | { readonly kind: 'drop-bytes'; readonly direction: Direction; readonly afterBytes: number; readonly count: number }
  | { readonly kind: 'duplicate-bytes'; readonly direction: Direction; readonly afterBytes: number; readonly count: number }
  /** Drop the rest of the write (one write = one frame for our senders) from this byte on. */
  | { readonly kind: 'truncate-write'; readonly direction: Direction; readonly afterBytes: number }
  /** Insert bytes before the next write. */
  | { readonly kind: 'garbage'; readonly direction: Direction; readonly bytes: Uint8Array }
  /** Deliver up to this byte, then unplug the cable (both pipes fail, `disconnect` fires). */
  | { readonly kind: 'disconnect'; readonly direction: Direction; readonly afterBytes: number }
  /**
   * Rewrite the header of the next write (one write = one frame) with valid checks: another protocol `version`
   * and/or another payload `length` (e.g. oversize). Models a peer that validly sends a wrong version / length.
   */
  | { readonly kind: 'forge-frame'; readonly direction: Direction; readonly version?: number; readonly length?: number }
  /** Drop the next `writes` writes entirely (a silent peer for that many frames). */
  | { readonly kind: 'drop-writes'; readonly direction: Direction; readonly writes: number };

/** A fault that has fired, with where. */
export interface FiredFault {
  readonly fault: PortFault;
  /** Byte index (in that direction, since the link was created) where it fired. */
  readonly atByte: number;
}

/** A delivered chunk with its arrival time. */
export interface Chunk {
  readonly bytes: Uint8Array;
  /** Arrival time of the chunk's last byte, ms (wall or virtual). */
  readonly at: number;
}

type Waiter = (r: { ok: true; value: ReadResult } | { ok: false; error: Error }) => void;

/**
 * One direction of a byte link: a queue with a single reader (WHATWG-reader-shaped), end and failure. Exported for
 * adapters that bridge a link over another channel (the worker simulator's MessagePort port).
 */
export class BytePipe {
  private readonly queue: Chunk[] = [];
  private waiter: Waiter | null = null;
  private ended = false;
  private error: Error | null = null;
  lineFreeAt = 0;
  /** Reader side's clock: arrival time of the last chunk it read. */
  readerNow = 0;
  written = 0;

  deliver(c: Chunk): void {
    if (this.ended || this.error) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      this.readerNow = Math.max(this.readerNow, c.at);
      w({ ok: true, value: { done: false, value: c.bytes } });
    } else this.queue.push(c);
  }

  end(): void {
    this.ended = true;
    this.flushWaiter();
  }

  fail(e: Error): void {
    if (this.ended) return;
    this.error = e;
    this.queue.length = 0;
    this.flushWaiter();
  }

  get closed(): boolean {
    return this.ended || this.error !== null;
  }

  private flushWaiter(): void {
    if (!this.waiter || this.queue.length > 0) return;
    const w = this.waiter;
    this.waiter = null;
    if (this.error) w({ ok: false, error: this.error });
    else w({ ok: true, value: { done: true } });
  }

  reader(): ByteReader {
    let released = false;
    return {
      read: () => {
        if (released) return Promise.reject(new TypeError('reader released'));
        const c = this.queue.shift();
        if (c) {
          this.readerNow = Math.max(this.readerNow, c.at);
          return Promise.resolve({ done: false, value: c.bytes });
        }
        if (this.error) return Promise.reject(this.error);
        if (this.ended) return Promise.resolve({ done: true });
        if (this.waiter) return Promise.reject(new TypeError('concurrent read()'));
        return new Promise<ReadResult>((resolve, reject) => {
          this.waiter = (r) => (r.ok ? resolve(r.value) : reject(r.error));
        });
      },
      cancel: async () => {
        this.queue.length = 0;
        this.ended = true;
        this.flushWaiter();
      },
      releaseLock: () => {
        released = true;
        if (this.waiter) {
          const w = this.waiter;
          this.waiter = null;
          w({ ok: false, error: new TypeError('reader released') });
        }
      },
    };
  }
}

/** Options of a fake link. */
export interface FakeLinkOptions {
  readonly pacing?: PacingMode;
  /** Bits on the line per byte (8N1 = 10). */
  readonly bitsPerByte?: number;
  /** Whether `open()` after a disconnect "plugs the cable back in" (default true). */
  readonly replugOnOpen?: boolean;
}

/**
 * A fake serial link: `host` is a `SerialPortLike` for the backend, `board` the endpoint the simulator serves.
 * The line rate is the `baudRate` the host passes to `open()`.
 */
export class FakeSerialLink {
  readonly pacing: PacingMode;
  readonly bitsPerByte: number;
  readonly host: FakeSerialPort;
  readonly board: BoardEndpoint;
  /** Faults that fired, in order. */
  readonly fired: FiredFault[] = [];
  private armed: { fault: PortFault; base: number }[] = [];
  private toBoard: BytePipe | null = null;
  private toHost: BytePipe | null = null;
  private baudRate = 0;
  private pluggedIn = true;
  private shutDown = false;
  private pendingConnection: ((d: ByteDuplex | null) => void) | null = null;
  private offered: ByteDuplex | null = null;
  private readonly disconnectListeners = new Set<() => void>();
  private wallTimer: unknown = null;
  private readonly wallQueue: { pipe: BytePipe; chunk: Chunk }[] = [];
  /** Total bytes written per direction since creation (fault positions are counted from arming). */
  private readonly totals: Record<Direction, number> = { 'to-board': 0, 'to-host': 0 };

  constructor(options: FakeLinkOptions = {}) {
    this.pacing = options.pacing ?? 'virtual';
    this.bitsPerByte = options.bitsPerByte ?? 10;
    const replug = options.replugOnOpen ?? true;
    const link = this;
    this.host = new FakeSerialPort(this, replug);
    this.board = {
      nextConnection(): Promise<ByteDuplex | null> {
        if (link.shutDown) return Promise.resolve(null);
        if (link.offered) {
          const d = link.offered;
          link.offered = null;
          return Promise.resolve(d);
        }
        return new Promise((resolve) => (link.pendingConnection = resolve));
      },
    };
  }

  /** Arm a fault; byte positions count from now. */
  inject(fault: PortFault): void {
    this.armed.push({ fault, base: this.totals[fault.direction] });
  }

  /** Disarm all faults not yet fired. */
  clearFaults(): void {
    this.armed = [];
  }

  /** The host's clock, ms: virtual line time in 'virtual' pacing, else wall time. */
  readonly hostClock = (): number => (this.pacing === 'virtual' ? Math.max(this.toHost?.readerNow ?? 0, this.hostWriteNow) : performance.now());
  private hostWriteNow = 0;

  /** Seconds one byte occupies the line at the current baud rate. */
  byteTimeMs(): number {
    return this.baudRate > 0 ? (this.bitsPerByte / this.baudRate) * 1000 : 0;
  }

  /** Unplug now (as the `disconnect` fault does). */
  unplug(): void {
    if (!this.pluggedIn) return;
    this.pluggedIn = false;
    const err = new DisconnectedError('disconnected', 'the device has been lost (serial link unplugged)');
    this.toBoard?.fail(err);
    this.toHost?.fail(err);
    this.toBoard = null;
    this.toHost = null;
    for (const l of [...this.disconnectListeners]) l();
  }

  /** Shut the link down for good: the board endpoint yields null, pipes end. */
  shutdown(): void {
    this.shutDown = true;
    this.toBoard?.end();
    this.toHost?.end();
    if (this.pendingConnection) {
      const p = this.pendingConnection;
      this.pendingConnection = null;
      p(null);
    }
    if (this.wallTimer !== null) clearTimeout(this.wallTimer);
  }

  /** @internal host port opened. */
  _open(baudRate: number, replug: boolean): { toBoard: BytePipe; toHost: BytePipe } {
    if (this.shutDown) throw new DisconnectedError('port', 'fake link is shut down');
    if (!this.pluggedIn) {
      if (!replug) throw new DisconnectedError('disconnected', 'the device is unplugged');
      this.pluggedIn = true;
    }
    this.baudRate = baudRate;
    if (!this.toBoard || !this.toHost || this.toBoard.closed || this.toHost.closed) {
      // a fresh connection: the board sees a new plug-in / power-up; the old pipes end
      this.toBoard?.end();
      this.toHost?.end();
      this.toBoard = new BytePipe();
      this.toHost = new BytePipe();
      const boardSide = this.boardSide(this.toBoard, this.toHost);
      if (this.pendingConnection) {
        const p = this.pendingConnection;
        this.pendingConnection = null;
        p(boardSide);
      } else this.offered = boardSide;
    }
    return { toBoard: this.toBoard, toHost: this.toHost };
  }

  /** @internal */
  _addDisconnect(l: () => void): void {
    this.disconnectListeners.add(l);
  }
  /** @internal */
  _removeDisconnect(l: () => void): void {
    this.disconnectListeners.delete(l);
  }

  private boardSide(toBoard: BytePipe, toHost: BytePipe): ByteDuplex {
    const link = this;
    return {
      readable: { getReader: () => toBoard.reader() },
      writable: {
        getWriter: (): ByteWriter => ({
          write: async (chunk) => link.transmit('to-host', toHost, chunk, () => toBoard.readerNow),
          releaseLock: () => undefined,
        }),
      },
    };
  }

  /** @internal write bytes into a pipe with faults and pacing. `writerNow` is the writer's clock (virtual mode). */
  transmit(direction: Direction, pipe: BytePipe, chunk: Uint8Array, writerNow: () => number): void {
    if (!this.pluggedIn || pipe.closed) throw new DisconnectedError('disconnected', `write failed: the serial link is ${this.pluggedIn ? 'closed' : 'unplugged'}`);
    const { bytes, disconnectAfter } = this.applyFaults(direction, chunk);
    const now = this.pacing === 'wall' ? performance.now() : this.pacing === 'virtual' ? writerNow() : 0;
    const start = Math.max(now, pipe.lineFreeAt);
    const at = start + bytes.length * this.byteTimeMs();
    pipe.lineFreeAt = at;
    if (bytes.length > 0) this.schedule(pipe, { bytes, at });
    if (disconnectAfter) {
      if (this.pacing === 'wall') this.scheduleAction(at, () => this.unplug());
      else this.unplug();
    }
  }

  private applyFaults(direction: Direction, input: Uint8Array): { bytes: Uint8Array; disconnectAfter: boolean } {
    let chunk = input;
    const start = this.totals[direction];
    this.totals[direction] += chunk.length;
    let out: number[] | null = null;
    let disconnectAfter = false;
    let prefix: Uint8Array | null = null;
    let dropWhole = false;
    const remaining: { fault: PortFault; base: number }[] = [];
    // process faults that land in this chunk
    const hits: { rel: number; fault: PortFault }[] = [];
    for (const a of this.armed) {
      if (a.fault.direction !== direction) {
        remaining.push(a);
        continue;
      }
      if (a.fault.kind === 'garbage') {
        prefix = prefix ? concat(prefix, a.fault.bytes) : a.fault.bytes;
        this.fired.push({ fault: a.fault, atByte: start });
        continue;
      }
      if (a.fault.kind === 'forge-frame') {
        if (chunk.length >= FRAME_OVERHEAD_BYTES) {
          chunk = forgeFrameHeader(chunk, { version: a.fault.version, length: a.fault.length });
          this.fired.push({ fault: a.fault, atByte: start });
        } else remaining.push(a);
        continue;
      }
      if (a.fault.kind === 'drop-writes') {
        this.fired.push({ fault: a.fault, atByte: start });
        dropWhole = true;
        if (a.fault.writes > 1) remaining.push({ fault: { ...a.fault, writes: a.fault.writes - 1 }, base: a.base });
        continue;
      }
      const pos = a.base + a.fault.afterBytes;
      if (pos >= start && pos < start + chunk.length) hits.push({ rel: pos - start, fault: a.fault });
      else remaining.push(a);
    }
    this.armed = remaining;
    if (dropWhole) return { bytes: prefix ?? new Uint8Array(0), disconnectAfter };
    if (hits.length === 0 && !prefix) return { bytes: chunk, disconnectAfter };
    // apply from the end so earlier positions stay valid
    hits.sort((a, b) => b.rel - a.rel);
    out = Array.from(chunk);
    for (const h of hits) {
      this.fired.push({ fault: h.fault, atByte: start + h.rel });
      switch (h.fault.kind) {
        case 'flip-bit':
          out[h.rel] = out[h.rel]! ^ (1 << (h.fault.bit & 7));
          break;
        case 'drop-bytes':
          out.splice(h.rel, h.fault.count);
          break;
        case 'duplicate-bytes':
          out.splice(h.rel, 0, ...out.slice(h.rel, h.rel + h.fault.count));
          break;
        case 'truncate-write':
          out.length = h.rel;
          break;
        case 'disconnect':
          out.length = h.rel;
          disconnectAfter = true;
          break;
        default:
          break;
      }
    }
    const body = Uint8Array.from(out);
    return { bytes: prefix ? concat(prefix, body) : body, disconnectAfter };
  }

  private schedule(pipe: BytePipe, chunk: Chunk): void {
    if (this.pacing !== 'wall') {
      pipe.deliver(chunk);
      return;
    }
    this.wallQueue.push({ pipe, chunk });
    this.pump();
  }

  private readonly actions: { at: number; fn: () => void }[] = [];
  private scheduleAction(at: number, fn: () => void): void {
    this.actions.push({ at, fn });
    this.pump();
  }

  private pump(): void {
    if (this.wallTimer !== null) return;
    const now = performance.now();
    while (this.wallQueue.length > 0 && this.wallQueue[0]!.chunk.at <= now + 1) {
      const { pipe, chunk } = this.wallQueue.shift()!;
      pipe.deliver(chunk);
    }
    for (let i = 0; i < this.actions.length; ) {
      if (this.actions[i]!.at <= now + 1) this.actions.splice(i, 1)[0]!.fn();
      else i++;
    }
    const next = Math.min(this.wallQueue[0]?.chunk.at ?? Infinity, ...this.actions.map((a) => a.at));
    if (next !== Infinity) {
      this.wallTimer = setTimeout(() => {
        this.wallTimer = null;
        this.pump();
      }, Math.max(0, next - now));
    }
  }

  /** @internal host write clock for virtual pacing. */
  _hostWriteNow(): number {
    this.hostWriteNow = Math.max(this.hostWriteNow, this.toHost?.readerNow ?? 0);
    return this.hostWriteNow;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a, 0);
  o.set(b, a.length);
  return o;
}

/** The host end of a {@link FakeSerialLink}: a `SerialPortLike`. */
export class FakeSerialPort implements SerialPortLike {
  private pipes: { toBoard: BytePipe; toHost: BytePipe } | null = null;
  private readonly listeners = new Map<() => void, () => void>();

  constructor(
    private readonly link: FakeSerialLink,
    private readonly replug: boolean,
  ) {}

  get readable(): { getReader(): ByteReader } | null {
    const p = this.pipes;
    return p && !p.toHost.closed ? { getReader: () => p.toHost.reader() } : null;
  }

  get writable(): { getWriter(): ByteWriter } | null {
    const p = this.pipes;
    const link = this.link;
    if (!p || p.toBoard.closed) return null;
    return {
      getWriter: () => ({
        write: async (chunk: Uint8Array) => link.transmit('to-board', p.toBoard, chunk, () => link._hostWriteNow()),
        releaseLock: () => undefined,
      }),
    };
  }

  async open(options: { baudRate: number }): Promise<void> {
    if (!(options.baudRate > 0)) throw new RangeError(`baudRate must be positive, got ${options.baudRate}`);
    this.pipes = this.link._open(options.baudRate, this.replug);
  }

  async close(): Promise<void> {
    this.pipes = null;
  }

  addEventListener(type: 'disconnect', listener: () => void): void {
    if (type !== 'disconnect') return;
    const l = (): void => listener();
    this.listeners.set(listener, l);
    this.link._addDisconnect(l);
  }

  removeEventListener(type: 'disconnect', listener: () => void): void {
    const l = this.listeners.get(listener);
    if (type === 'disconnect' && l) {
      this.link._removeDisconnect(l);
      this.listeners.delete(listener);
    }
  }
}
