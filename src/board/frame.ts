/**
 * Link framing (docs/protocol.md §Framing) — pure encoder and incremental, bounded, resynchronising decoder.
 *
 * Frame layout (all multi-byte fields little-endian):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 2 | sync `0xA5 0x5A` |
 * | 2 | 1 | protocol version (2) |
 * | 3 | 1 | message type |
 * | 4 | 2 | sequence number (uint16, per sender, wraps) |
 * | 6 | 4 | payload length L (uint32) |
 * | 10 | 2 | header check: low 16 bits of CRC-32 over bytes 0..9 |
 * | 12 | L | payload |
 * | 12+L | 4 | CRC-32 over bytes 0..12+L-1 (sync, header and payload) |
 */
import { crc32 } from './crc32';
import { FrameError, VersionMismatchError, type LinkError } from './errors';

/** First sync byte. */
export const SYNC0 = 0xa5;
/** Second sync byte. */
export const SYNC1 = 0x5a;
/** The protocol version this code speaks (2: RESULT trailer, result may stream during the input; docs/protocol.md). */
export const PROTOCOL_VERSION = 2;
/** Bytes before the payload (sync + header + header check). */
export const HEADER_BYTES = 12;
/** Bytes after the payload (CRC-32). */
export const TRAILER_BYTES = 4;
/** Framing overhead per frame, bytes. */
export const FRAME_OVERHEAD_BYTES = HEADER_BYTES + TRAILER_BYTES;
/** Largest payload any receiver of the protocol must accept (boards announce their own, smaller or equal). */
export const MAX_PAYLOAD_LIMIT = 65536;

/** A decoded frame. */
export interface Frame {
  readonly version: number;
  readonly type: number;
  readonly seq: number;
  readonly payload: Uint8Array;
  /** Offset of the frame's first sync byte in the decoder's received byte stream. */
  readonly byteOffset: number;
}

/** Encode one frame. `payload.length` must be ≤ MAX_PAYLOAD_LIMIT; `version` is overridable only to test rejection. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array, version: number = PROTOCOL_VERSION): Uint8Array {
  if (payload.length > MAX_PAYLOAD_LIMIT) throw new RangeError(`frame payload ${payload.length} bytes exceeds the protocol limit ${MAX_PAYLOAD_LIMIT}`);
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new RangeError(`message type ${type} is not a byte`);
  const out = new Uint8Array(FRAME_OVERHEAD_BYTES + payload.length);
  const dv = new DataView(out.buffer);
  out[0] = SYNC0;
  out[1] = SYNC1;
  out[2] = version;
  out[3] = type;
  dv.setUint16(4, seq & 0xffff, true);
  dv.setUint32(6, payload.length, true);
  dv.setUint16(10, crc32(out, 0, 10) & 0xffff, true);
  out.set(payload, HEADER_BYTES);
  dv.setUint32(HEADER_BYTES + payload.length, crc32(out, 0, HEADER_BYTES + payload.length), true);
  return out;
}

/**
 * Re-encode the header fields of an already encoded frame (length field and/or version) with valid checks.
 * Used only by fault injection to model a peer that *validly* sends a wrong version or an oversize length.
 */
export function forgeFrameHeader(frame: Uint8Array, fields: { readonly version?: number; readonly length?: number }): Uint8Array {
  const out = frame.slice();
  const dv = new DataView(out.buffer);
  if (fields.version !== undefined) out[2] = fields.version;
  if (fields.length !== undefined) dv.setUint32(6, fields.length >>> 0, true);
  dv.setUint16(10, crc32(out, 0, 10) & 0xffff, true);
  const payloadLen = out.length - FRAME_OVERHEAD_BYTES;
  dv.setUint32(HEADER_BYTES + payloadLen, crc32(out, 0, HEADER_BYTES + payloadLen), true);
  return out;
}

/** One decoder output: a frame, or a typed error for bytes that were rejected (the decoder has resynchronised). */
export type DecodeEvent = { readonly kind: 'frame'; readonly frame: Frame } | { readonly kind: 'error'; readonly error: LinkError };

/** Counters of a decoder since creation. */
export interface DecoderStats {
  /** Bytes pushed. */
  receivedBytes: number;
  /** Bytes skipped while hunting for sync (garbage, or bytes of rejected frames). */
  skippedBytes: number;
  frames: number;
  errors: number;
}

/**
 * Incremental frame decoder. `push()` any byte chunks; it returns the frames and errors completed by them.
 * Memory is bounded: at most HEADER_BYTES + maxPayload + TRAILER_BYTES bytes are buffered, whatever arrives.
 * After any rejected frame (bad header check, version, length or CRC) scanning restarts one byte after that
 * frame's first sync byte, so a valid frame hidden inside corrupted bytes is still found.
 */
export class FrameDecoder {
  private readonly buf: Uint8Array;
  private len = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  readonly stats: DecoderStats = { receivedBytes: 0, skippedBytes: 0, frames: 0, errors: 0 };

  /** `maxPayload`: largest payload accepted (≤ MAX_PAYLOAD_LIMIT); `version`: the protocol version accepted. */
  constructor(
    readonly maxPayload: number = MAX_PAYLOAD_LIMIT,
    readonly version: number = PROTOCOL_VERSION,
  ) {
    if (!Number.isInteger(maxPayload) || maxPayload < 0 || maxPayload > MAX_PAYLOAD_LIMIT) {
      throw new RangeError(`decoder maxPayload must be an integer in 0..${MAX_PAYLOAD_LIMIT}, got ${maxPayload}`);
    }
    this.buf = new Uint8Array(HEADER_BYTES + maxPayload + TRAILER_BYTES);
  }

  /** Bytes currently buffered (a partial frame or an undecided sync byte). Never exceeds the buffer size. */
  get bufferedBytes(): number {
    return this.len;
  }

  /** Feed received bytes; returns the events they complete, in stream order. */
  push(chunk: Uint8Array): DecodeEvent[] {
    const events: DecodeEvent[] = [];
    this.stats.receivedBytes += chunk.length;
    let off = 0;
    while (off < chunk.length) {
      const n = Math.min(this.buf.length - this.len, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + n), this.len);
      this.len += n;
      off += n;
      this.drain(events, false);
    }
    return events;
  }

  /**
   * The line went idle with a partial frame buffered (inter-byte timeout): report it as truncated and rescan the
   * buffered bytes for a later frame. Returns the events (empty when nothing was pending).
   */
  expirePartial(): DecodeEvent[] {
    const events: DecodeEvent[] = [];
    if (this.len === 0) return events;
    this.drain(events, true);
    return events;
  }

  /** Drop everything buffered (after a RESET). */
  reset(): void {
    this.stats.skippedBytes += this.len;
    this.base += this.len;
    this.len = 0;
  }

  private fail(events: DecodeEvent[], error: LinkError): void {
    this.stats.errors++;
    this.stats.skippedBytes++; // the rejected sync byte
    events.push({ kind: 'error', error });
  }

  private drain(events: DecodeEvent[], expire: boolean): void {
    const b = this.buf;
    let p = 0;
    for (;;) {
      let s = p;
      while (s < this.len && !(b[s] === SYNC0 && (s + 1 >= this.len || b[s + 1] === SYNC1))) s++;
      this.stats.skippedBytes += s - p;
      p = s;
      const avail = this.len - p;
      if (avail === 0) break;
      const at = this.base + p;
      if (avail < HEADER_BYTES) {
        if (!expire) break;
        if (avail === 1) break; // a lone trailing sync byte: keep it, it may start a frame
        this.fail(events, new FrameError('truncated-frame', `frame header cut short: ${avail} of ${HEADER_BYTES} header bytes arrived before the line went idle`, at));
        p++;
        continue;
      }
      const dv = new DataView(b.buffer, b.byteOffset + p);
      const hcheck = dv.getUint16(10, true);
      const hwant = crc32(b, p, p + 10) & 0xffff;
      if (hcheck !== hwant) {
        this.fail(events, new FrameError('header-crc', `frame header check mismatch: expected 0x${hwant.toString(16).padStart(4, '0')}, got 0x${hcheck.toString(16).padStart(4, '0')}`, at));
        p++;
        continue;
      }
      const version = b[p + 2]!;
      if (version !== this.version) {
        this.fail(events, new VersionMismatchError(this.version, version, at));
        p++;
        continue;
      }
      const length = dv.getUint32(6, true);
      if (length > this.maxPayload) {
        this.fail(events, new FrameError('frame-too-large', `frame (type 0x${b[p + 3]!.toString(16)}) declares a ${length}-byte payload, the maximum is ${this.maxPayload}`, at));
        p++;
        continue;
      }
      const total = HEADER_BYTES + length + TRAILER_BYTES;
      if (avail < total) {
        if (!expire) break;
        this.fail(events, new FrameError('truncated-frame', `frame (type 0x${b[p + 3]!.toString(16)}, ${length}-byte payload) cut short: ${avail} of ${total} bytes arrived before the line went idle`, at));
        p++;
        continue;
      }
      const crcGot = dv.getUint32(HEADER_BYTES + length, true);
      const crcWant = crc32(b, p, p + HEADER_BYTES + length);
      if (crcGot !== crcWant) {
        this.fail(events, new FrameError('frame-crc', `frame (type 0x${b[p + 3]!.toString(16)}) CRC-32 mismatch: expected 0x${crcWant.toString(16).padStart(8, '0')}, got 0x${crcGot.toString(16).padStart(8, '0')}`, at));
        p++;
        continue;
      }
      this.stats.frames++;
      events.push({ kind: 'frame', frame: { version, type: b[p + 3]!, seq: dv.getUint16(4, true), payload: b.slice(p + HEADER_BYTES, p + HEADER_BYTES + length), byteOffset: at } });
      p += total;
    }
    if (p > 0) {
      b.copyWithin(0, p, this.len);
      this.len -= p;
      this.base += p;
    }
  }
}
