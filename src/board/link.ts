/**
 * One open connection as a message channel: a read pump (bytes → FrameDecoder → messages), a framed sender, and an
 * inbox with timeouts, cancellation and disconnect handling. Shared by the host backend and the board simulator.
 */
import { abortError } from '../backend/abort';
import { DisconnectedError, LinkError, VersionMismatchError } from './errors';
import { encodeFrame, FRAME_OVERHEAD_BYTES, FrameDecoder } from './frame';
import { decodeMessage, encodeMessage, type Message } from './messages';
import type { ByteDuplex, ByteReader, ByteWriter } from './port';
import type { TransferIO } from './transfer';

/** Something noteworthy the link saw (decoder rejections, unparseable messages): kept for reports. */
export interface LinkEvent {
  /** Clock time, ms. */
  readonly atMs: number;
  readonly error: LinkError;
}

/** Options of a {@link MessageLink}. */
export interface MessageLinkOptions {
  /** Largest payload the decoder accepts. */
  readonly maxPayload: number;
  /** Clock, ms (wall, or the fake link's virtual clock). */
  readonly clock: () => number;
  /** Whether a decoder error is fatal for the current wait (thrown by next()) or only recorded. */
  readonly isFatal: (e: LinkError) => boolean;
  /** Inter-byte timeout: a partial frame older than this is declared truncated, ms. */
  readonly interByteTimeoutMs: number;
}

/** Web Serial read errors after which the port stays usable (https://wicg.github.io/serial/#readable-attribute). */
const RECOVERABLE_READ_ERRORS: readonly string[] = ['BufferOverrunError', 'BreakError', 'FramingError', 'ParityError'];

/** Bounds: queued messages, and recorded link events (later events are only counted). */
const MAX_INBOX = 4096;
const MAX_EVENTS = 10_000;

type InboxItem = { readonly kind: 'msg'; readonly msg: Message; readonly atMs: number; readonly wireBytes: number } | { readonly kind: 'fatal'; readonly error: Error };

/** A message channel over one byte connection. */
export class MessageLink implements TransferIO {
  private reader: ByteReader;
  private readonly writer: ByteWriter;
  readonly decoder: FrameDecoder;
  private readonly inbox: InboxItem[] = [];
  private wake: (() => void) | null = null;
  private seq = 0;
  private dead: Error | null = null;
  /** Decoder rejections and bad messages since creation (the first 10 000; `eventCount` counts all). */
  readonly events: LinkEvent[] = [];
  eventCount = 0;
  /** Wire bytes written / read since creation. */
  bytesOut = 0;
  bytesIn = 0;
  /** Arrival time (clock) and wire size of the last message returned by next(). */
  lastAtMs = 0;
  lastWireBytes = 0;
  /** Optional tap on every message sent (for tests/faults). */
  sendHook: ((m: Message, frame: Uint8Array) => Uint8Array | null) | null = null;
  /** The signal the current waits honour. */
  signal: AbortSignal | undefined;
  private lastByteWall = 0;
  private readonly pumpDone: Promise<void>;

  constructor(
    private readonly duplex: ByteDuplex,
    private readonly opts: MessageLinkOptions,
  ) {
    if (!duplex.readable || !duplex.writable) throw new DisconnectedError('port', 'port is not open (no readable/writable stream)');
    this.reader = duplex.readable.getReader();
    this.writer = duplex.writable.getWriter();
    this.decoder = new FrameDecoder(opts.maxPayload);
    this.pumpDone = this.pump();
  }

  /** Whether the connection has failed (disconnect, read error, closed). */
  get failed(): Error | null {
    return this.dead;
  }

  private push(item: InboxItem): void {
    if (this.inbox.length >= MAX_INBOX) {
      // a peer that talks while nobody listens: drop the oldest message (never a fatal error)
      const i = this.inbox.findIndex((x) => x.kind === 'msg');
      if (i >= 0) this.inbox.splice(i, 1);
    }
    this.inbox.push(item);
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async pump(): Promise<void> {
    for (;;) {
      let r;
      try {
        r = await this.reader.read();
      } catch (e) {
        const name = (e as Error)?.name ?? '';
        // Web Serial: these read errors are not fatal — the port stays open and `port.readable` is a fresh stream.
        // The bytes lost are recovered by CRC rejection and retransmission.
        if (!this.dead && RECOVERABLE_READ_ERRORS.includes(name) && this.duplex.readable) {
          this.record({ atMs: this.opts.clock(), error: new LinkError('port', `serial read error ${name} (recovered: new reader): ${(e as Error).message}`) });
          try {
            this.reader.releaseLock();
          } catch {
            /* already released */
          }
          this.reader = this.duplex.readable.getReader();
          continue;
        }
        this.kill(e instanceof LinkError ? e : new DisconnectedError('disconnected', `serial read failed: ${(e as Error)?.message ?? String(e)}`));
        return;
      }
      if (r.done) {
        this.kill(new DisconnectedError('disconnected', 'serial stream closed by the other side'));
        return;
      }
      this.bytesIn += r.value.length;
      this.lastByteWall = performance.now();
      this.handleEvents(this.decoder.push(r.value));
    }
  }

  private handleEvents(events: ReturnType<FrameDecoder['push']>): void {
    const now = this.opts.clock();
    for (const ev of events) {
      if (ev.kind === 'error') {
        this.record({ atMs: now, error: ev.error });
        if (this.opts.isFatal(ev.error)) this.push({ kind: 'fatal', error: ev.error });
        continue;
      }
      try {
        const msg = decodeMessage(ev.frame.type, ev.frame.payload);
        this.push({ kind: 'msg', msg, atMs: now, wireBytes: ev.frame.payload.length + FRAME_OVERHEAD_BYTES });
      } catch (e) {
        const err = e instanceof LinkError ? e : new LinkError('bad-message', String(e));
        this.record({ atMs: now, error: err });
        if (this.opts.isFatal(err)) this.push({ kind: 'fatal', error: err });
      }
    }
  }

  private record(e: LinkEvent): void {
    this.eventCount++;
    if (this.events.length < MAX_EVENTS) this.events.push(e);
  }

  /** Mark the connection dead (disconnect event, read error). Waiters are woken with the error. */
  kill(error: Error): void {
    if (this.dead) return;
    this.dead = error;
    this.push({ kind: 'fatal', error });
  }

  /** Drop queued messages and fatal decoder errors (not a disconnect): used before a RESET handshake. */
  discardInbox(): void {
    const keep = this.inbox.filter((i) => i.kind === 'fatal' && i.error === this.dead);
    this.inbox.length = 0;
    this.inbox.push(...keep);
  }

  /** Send one message as one frame (one write). */
  async send(m: Message): Promise<void> {
    if (this.dead) throw this.dead;
    const { type, payload } = encodeMessage(m);
    let frame: Uint8Array | null = encodeFrame(type, this.seq, payload);
    this.seq = (this.seq + 1) & 0xffff;
    if (this.sendHook) frame = this.sendHook(m, frame);
    if (!frame) return;
    try {
      await this.writer.write(frame);
    } catch (e) {
      const err = e instanceof LinkError ? e : new DisconnectedError('disconnected', `serial write failed: ${(e as Error)?.message ?? String(e)}`);
      this.kill(err);
      throw err;
    }
    this.bytesOut += frame.length;
  }

  /** Next message; 'timeout' after `timeoutMs`; throws on disconnect, fatal decoder errors or abort of `this.signal`. */
  async next(timeoutMs: number): Promise<Message | 'timeout'> {
    const signal = this.signal;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (signal?.aborted) throw abortError(signal);
      const item = this.inbox.shift();
      if (item) {
        if (item.kind === 'fatal') {
          if (item.error === this.dead) this.inbox.unshift(item); // stays dead
          throw item.error;
        }
        this.lastAtMs = item.atMs;
        this.lastWireBytes = item.wireBytes;
        return item.msg;
      }
      const remaining = deadline - performance.now();
      // inter-byte timeout: a partial frame that stopped arriving is truncated; rescan what is buffered
      const stepMs = this.decoder.bufferedBytes > 0 ? Math.min(remaining, this.opts.interByteTimeoutMs) : remaining;
      if (remaining <= 0) {
        if (this.decoder.bufferedBytes > 0) {
          this.handleEvents(this.decoder.expirePartial());
          if (this.inbox.length > 0) continue;
        }
        return 'timeout';
      }
      const woke = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          cleanup();
          resolve(false);
        }, Math.max(0, stepMs));
        const onAbort = (): void => {
          cleanup();
          resolve(true);
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          this.wake = null;
          signal?.removeEventListener('abort', onAbort);
        };
        this.wake = () => {
          cleanup();
          resolve(true);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (!woke && this.decoder.bufferedBytes > 0 && performance.now() - this.lastByteWall >= this.opts.interByteTimeoutMs - 1) {
        this.handleEvents(this.decoder.expirePartial());
      }
    }
  }

  /** Release the reader and writer (the port can then be closed). Idempotent. */
  async release(): Promise<void> {
    this.kill(new DisconnectedError('disconnected', 'link released'));
    try {
      await this.reader.cancel();
    } catch {
      /* already failed */
    }
    try {
      this.reader.releaseLock();
    } catch {
      /* ignore */
    }
    try {
      this.writer.releaseLock();
    } catch {
      /* ignore */
    }
    await this.pumpDone.catch(() => undefined);
  }
}

/** Default policy: a valid frame of another protocol version is fatal for the host. */
export function hostIsFatal(e: LinkError): boolean {
  return e instanceof VersionMismatchError;
}
