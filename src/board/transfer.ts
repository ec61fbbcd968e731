/**
 * Reliable transfer of one stream (a run's input frame or its result) over the framed link: chunking into DATA
 * frames, cumulative ACKs, a sliding window for flow control and go-back-N retransmission (docs/protocol.md
 * §Transfers). The same code runs on the host (backend) and on the board (simulator).
 */
import { LinkError, LinkTimeoutError } from './errors';
import { DATA_HEADER_BYTES, type Message, type StreamId } from './messages';

/** What a transfer needs from its side of the link. */
export interface TransferIO {
  send(m: Message): Promise<void>;
  /** The next message, or 'timeout' after `timeoutMs`. Throws for fatal conditions (disconnect, abort). */
  next(timeoutMs: number): Promise<Message | 'timeout'>;
}

/** What to do with a message that is not part of this transfer. */
export type OtherAction = 'ignore' | 'interrupt';

/** Thrown (and caught by the caller) when `onOther` asked to interrupt; `message` is the interrupting message. */
export class TransferInterrupted extends Error {
  override name = 'TransferInterrupted';
  constructor(readonly interrupting: Message) {
    super(`transfer interrupted by ${interrupting.type}`);
  }
}

/** Counters of one transfer. */
export interface TransferStats {
  /** DATA frames sent (or accepted, on the receiving side). */
  frames: number;
  /** DATA frames sent again (go-back-N) / out-of-order frames dropped (receiving side). */
  retransmitted: number;
  /** Timeouts that were recovered from. */
  timeouts: number;
}

/** Parameters of {@link sendStream}. */
export interface SendParams {
  readonly runId: number;
  readonly stream: StreamId;
  readonly bytes: Uint8Array;
  /** Largest frame payload the receiver accepts, bytes (chunk = this − DATA header, rounded down to 4 bytes). */
  readonly maxPayload: number;
  /** DATA frames that may be unacknowledged. */
  readonly windowFrames: number;
  readonly ackTimeoutMs: number;
  readonly maxRetries: number;
  onOther(m: Message): OtherAction | Promise<OtherAction>;
}

/** Chunk size (data bytes per DATA frame) for a receiver's maximum payload: whole 32-bit words. */
export function chunkBytesFor(maxPayload: number): number {
  const n = Math.floor((maxPayload - DATA_HEADER_BYTES) / 4) * 4;
  if (n < 4) throw new RangeError(`max payload ${maxPayload} bytes leaves no room for DATA (header ${DATA_HEADER_BYTES} bytes)`);
  return n;
}

/** Send a stream reliably; resolves when the receiver has acknowledged every byte. */
export async function sendStream(io: TransferIO, p: SendParams): Promise<TransferStats> {
  const total = p.bytes.length;
  const chunk = chunkBytesFor(p.maxPayload);
  const windowBytes = Math.max(1, p.windowFrames) * chunk;
  const stats: TransferStats = { frames: 0, retransmitted: 0, timeouts: 0 };
  let acked = 0;
  let sent = 0;
  let highest = 0;
  let retries = 0;
  let dup = 0;
  while (acked < total) {
    while (sent < total && sent - acked < windowBytes) {
      const n = Math.min(chunk, total - sent);
      await io.send({ type: 'DATA', runId: p.runId, stream: p.stream, totalBytes: total, offset: sent, bytes: p.bytes.subarray(sent, sent + n) });
      stats.frames++;
      if (sent < highest) stats.retransmitted++;
      sent += n;
      highest = Math.max(highest, sent);
    }
    const m = await io.next(p.ackTimeoutMs);
    if (m === 'timeout') {
      retries++;
      stats.timeouts++;
      if (retries > p.maxRetries) {
        throw new LinkTimeoutError('timeout', `no acknowledgement of stream ${p.stream} of run ${p.runId} at byte ${acked} of ${total} after ${p.maxRetries} retransmissions (${p.ackTimeoutMs} ms each)`);
      }
      sent = acked;
      dup = 0;
      continue;
    }
    if (m.type === 'ACK' && m.runId === p.runId && m.stream === p.stream) {
      if (m.nextOffset > total || m.nextOffset > highest) {
        throw new LinkError('protocol', `ACK of stream ${p.stream} run ${p.runId} claims byte ${m.nextOffset}, only ${highest} of ${total} were sent`);
      }
      if (m.nextOffset > acked) {
        acked = m.nextOffset;
        retries = 0;
        dup = 0;
        if (sent < acked) sent = acked;
      } else if (m.nextOffset === acked && sent > acked) {
        dup++;
        if (dup >= 2) {
          sent = acked; // fast retransmit: the receiver is missing the chunk at `acked`
          dup = -Math.max(1, p.windowFrames); // ignore the duplicate ACKs of frames already in flight
        }
      }
      continue;
    }
    if ((await p.onOther(m)) === 'interrupt') throw new TransferInterrupted(m);
  }
  return stats;
}

/** Parameters of {@link receiveStream}. */
export interface ReceiveParams {
  readonly runId: number;
  readonly stream: StreamId;
  /** Expected total bytes (undefined: take it from the first DATA, bounded by `maxBytes`). */
  readonly totalBytes?: number;
  readonly maxBytes: number;
  /** Wait for the first DATA frame, ms (e.g. the board's compute time budget). */
  readonly firstTimeoutMs: number;
  /** Wait between DATA frames, ms; on expiry the receiver re-sends its ACK (asking for a go-back). */
  readonly idleTimeoutMs: number;
  readonly maxRetries: number;
  onOther(m: Message): OtherAction | Promise<OtherAction>;
  /** Called with the first DATA frame's arrival (for link timing). */
  onFirstData?(): void;
}

/**
 * The receiving side of one stream as a state machine: `accept()` each DATA frame of the stream (it appends
 * in-order chunks and answers every frame with a cumulative ACK). Used by {@link receiveStream}, and by the host
 * while it is still sending the input (protocol version 2: a streaming board may send its result meanwhile).
 */
export class StreamReceiver {
  readonly stats: TransferStats = { frames: 0, retransmitted: 0, timeouts: 0 };
  buf: Uint8Array | null = null;
  next = 0;
  /** Whether a frame was accepted since the last timeout (resets the retry count). */
  progressed = false;

  constructor(
    private readonly io: TransferIO,
    private readonly p: Pick<ReceiveParams, 'runId' | 'stream' | 'totalBytes' | 'maxBytes' | 'onFirstData'>,
  ) {}

  /** Whether every byte has arrived (and been acknowledged). */
  get complete(): boolean {
    return this.buf !== null && this.next === this.buf.length;
  }

  /** Whether `m` is a DATA frame of this stream. */
  matches(m: Message): m is Extract<Message, { type: 'DATA' }> {
    return m.type === 'DATA' && m.runId === this.p.runId && m.stream === this.p.stream;
  }

  /** Handle one DATA frame of this stream (see {@link matches}); sends the ACK. */
  async accept(m: Extract<Message, { type: 'DATA' }>): Promise<void> {
    const p = this.p;
    if (!this.buf) {
      if (p.totalBytes !== undefined && m.totalBytes !== p.totalBytes) {
        throw new LinkError('protocol', `stream ${p.stream} of run ${p.runId} announces ${m.totalBytes} bytes, expected ${p.totalBytes}`);
      }
      if (m.totalBytes > p.maxBytes || m.totalBytes === 0) {
        throw new LinkError('protocol', `stream ${p.stream} of run ${p.runId} announces ${m.totalBytes} bytes, allowed 1..${p.maxBytes}`);
      }
      this.buf = new Uint8Array(m.totalBytes);
      p.onFirstData?.();
    } else if (m.totalBytes !== this.buf.length) {
      throw new LinkError('protocol', `stream ${p.stream} of run ${p.runId} changed its length from ${this.buf.length} to ${m.totalBytes}`);
    }
    if (m.offset === this.next && m.bytes.length > 0) {
      this.buf.set(m.bytes, this.next);
      this.next += m.bytes.length;
      this.stats.frames++;
      this.progressed = true;
    } else this.stats.retransmitted++;
    await this.io.send({ type: 'ACK', runId: p.runId, stream: p.stream, nextOffset: this.next });
  }
}

/**
 * Receive a stream reliably; resolves with its bytes once complete (after acknowledging the last byte). `from`
 * continues a receiver that already accepted frames (e.g. while the host was sending the input).
 */
export async function receiveStream(io: TransferIO, p: ReceiveParams, from?: StreamReceiver): Promise<{ readonly bytes: Uint8Array; readonly stats: TransferStats }> {
  const r = from ?? new StreamReceiver(io, p);
  let retries = 0;
  while (!r.complete) {
    const m = await io.next(r.buf ? p.idleTimeoutMs : p.firstTimeoutMs);
    if (m === 'timeout') {
      retries++;
      r.stats.timeouts++;
      if (retries > p.maxRetries) {
        throw new LinkTimeoutError('timeout', r.buf
          ? `stream ${p.stream} of run ${p.runId} stalled at byte ${r.next} of ${r.buf.length} (${p.maxRetries} retries of ${p.idleTimeoutMs} ms)`
          : `no DATA of stream ${p.stream} for run ${p.runId} within ${p.firstTimeoutMs} ms (+${p.maxRetries} retries of ${p.idleTimeoutMs} ms)`);
      }
      await io.send({ type: 'ACK', runId: p.runId, stream: p.stream, nextOffset: r.next });
      continue;
    }
    if (r.matches(m)) {
      r.progressed = false;
      await r.accept(m);
      if (r.progressed) retries = 0;
      continue;
    }
    if ((await p.onOther(m)) === 'interrupt') throw new TransferInterrupted(m);
  }
  return { bytes: r.buf!, stats: r.stats };
}
