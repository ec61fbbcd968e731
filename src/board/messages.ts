/**
 * Message payloads of the board link (docs/protocol.md §Messages). Each message is one frame whose `type` byte
 * selects the payload layout below; all multi-byte fields are little-endian; strings are ASCII with a length byte.
 */
import { MessageError } from './errors';

/** Message type codes (the frame's `type` byte). */
export const MSG = {
  HELLO: 0x01,
  INFO: 0x02,
  RESET: 0x03,
  RESET_ACK: 0x04,
  ERROR: 0x05,
  RUN: 0x10,
  DATA: 0x11,
  ACK: 0x12,
} as const;
export type MessageTypeName = keyof typeof MSG;

/** Board ERROR codes. */
export const ERROR_CODES = {
  BAD_MESSAGE: 1,
  UNSUPPORTED_VERSION: 2,
  UNKNOWN_TYPE: 3,
  WRONG_PROGRAM: 4,
  BAD_SHAPE: 5,
  BUSY: 6,
  NO_RUN: 7,
  COMPUTE_FAILED: 8,
  TOO_LARGE: 9,
} as const;
export type ErrorCodeName = keyof typeof ERROR_CODES;

/** Name of an ERROR code (or `UNKNOWN_<n>`). */
export function errorCodeName(code: number): string {
  for (const [k, v] of Object.entries(ERROR_CODES)) if (v === code) return k;
  return `UNKNOWN_${code}`;
}

/** Transfer streams carried by DATA/ACK. */
export const STREAM = { INPUT: 0, RESULT: 1 } as const;
export type StreamId = (typeof STREAM)[keyof typeof STREAM];

/** Pixel formats of RUN (only RGB888, HWC row-major, R,G,B byte order). */
export const PIXEL_FORMAT_RGB888 = 0;

/** host → board: start/restart a session. */
export interface HelloMsg {
  readonly type: 'HELLO';
  readonly protocolVersion: number;
  /** Largest frame payload the host accepts, bytes. */
  readonly hostMaxPayload: number;
}
/** board → host: who the board is and what it runs. */
export interface InfoMsg {
  readonly type: 'INFO';
  readonly protocolVersion: number;
  /** Flow-control window: DATA frames the host may have unacknowledged. */
  readonly windowFrames: number;
  /** Largest frame payload the board accepts, bytes (its receive buffer per frame). */
  readonly maxPayload: number;
  /** DHM clock, kHz (0 = unknown). */
  readonly clockKHz: number;
  /** SHA-256 of the canonical program the board implements (32 bytes; all zero = none). */
  readonly programHash: Uint8Array;
  /** Board identifier, ASCII, ≤ 255 bytes. */
  readonly boardId: string;
}
/** host → board: abandon everything, clear buffers. */
export interface ResetMsg {
  readonly type: 'RESET';
  readonly nonce: number;
}
/** board → host: RESET done (echoes the nonce). */
export interface ResetAckMsg {
  readonly type: 'RESET_ACK';
  readonly nonce: number;
}
/** either way: an error code about a run (runId 0xFFFF = none). */
export interface ErrorMsg {
  readonly type: 'ERROR';
  readonly code: number;
  readonly runId: number;
  /** Code-specific number (e.g. the expected byte count). */
  readonly detail: number;
  readonly text: string;
}
/** host → board: announce a frame. */
export interface RunMsg {
  readonly type: 'RUN';
  readonly runId: number;
  readonly programHash: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly pixelFormat: number;
  /** Bytes of the input stream (height·width·channels). */
  readonly totalBytes: number;
}
/** either way: a chunk of a transfer stream. */
export interface DataMsg {
  readonly type: 'DATA';
  readonly runId: number;
  readonly stream: StreamId;
  /** Total bytes of the stream. */
  readonly totalBytes: number;
  /** Offset of this chunk in the stream. */
  readonly offset: number;
  readonly bytes: Uint8Array;
}
/** either way: cumulative acknowledgement of a transfer stream (all bytes before `nextOffset` received). */
export interface AckMsg {
  readonly type: 'ACK';
  readonly runId: number;
  readonly stream: StreamId;
  readonly nextOffset: number;
}

/** Closed union of messages. */
export type Message = HelloMsg | InfoMsg | ResetMsg | ResetAckMsg | ErrorMsg | RunMsg | DataMsg | AckMsg;

/** Bytes of a DATA payload before the chunk bytes. */
export const DATA_HEADER_BYTES = 12;

function ascii(s: string, what: string): Uint8Array {
  if (s.length > 255) throw new RangeError(`${what} longer than 255 characters`);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c < 0x20 || c > 0x7e ? 0x3f : c; // non-printable / non-ASCII → '?'
  }
  return out;
}

/** Encode a message to `{ type byte, payload }`. */
export function encodeMessage(m: Message): { readonly type: number; readonly payload: Uint8Array } {
  switch (m.type) {
    case 'HELLO': {
      const p = new Uint8Array(5);
      const dv = new DataView(p.buffer);
      p[0] = m.protocolVersion;
      dv.setUint32(1, m.hostMaxPayload, true);
      return { type: MSG.HELLO, payload: p };
    }
    case 'INFO': {
      if (m.programHash.length !== 32) throw new RangeError('INFO programHash must be 32 bytes');
      const id = ascii(m.boardId, 'board id');
      const p = new Uint8Array(48 + id.length);
      const dv = new DataView(p.buffer);
      p[0] = m.protocolVersion;
      p[1] = 0;
      dv.setUint16(2, m.windowFrames, true);
      dv.setUint32(4, m.maxPayload, true);
      dv.setUint32(8, m.clockKHz, true);
      p.set(m.programHash, 12);
      p[44] = id.length;
      p.set(id, 48);
      return { type: MSG.INFO, payload: p };
    }
    case 'RESET':
    case 'RESET_ACK': {
      const p = new Uint8Array(4);
      new DataView(p.buffer).setUint32(0, m.nonce >>> 0, true);
      return { type: m.type === 'RESET' ? MSG.RESET : MSG.RESET_ACK, payload: p };
    }
    case 'ERROR': {
      const t = ascii(m.text, 'error text');
      const p = new Uint8Array(9 + t.length);
      const dv = new DataView(p.buffer);
      dv.setUint16(0, m.code, true);
      dv.setUint16(2, m.runId, true);
      dv.setUint32(4, m.detail >>> 0, true);
      p[8] = t.length;
      p.set(t, 9);
      return { type: MSG.ERROR, payload: p };
    }
    case 'RUN': {
      if (m.programHash.length !== 32) throw new RangeError('RUN programHash must be 32 bytes');
      const p = new Uint8Array(44);
      const dv = new DataView(p.buffer);
      dv.setUint16(0, m.runId, true);
      p.set(m.programHash, 2);
      dv.setUint16(34, m.height, true);
      dv.setUint16(36, m.width, true);
      p[38] = m.channels;
      p[39] = m.pixelFormat;
      dv.setUint32(40, m.totalBytes, true);
      return { type: MSG.RUN, payload: p };
    }
    case 'DATA': {
      const p = new Uint8Array(DATA_HEADER_BYTES + m.bytes.length);
      const dv = new DataView(p.buffer);
      dv.setUint16(0, m.runId, true);
      p[2] = m.stream;
      p[3] = 0;
      dv.setUint32(4, m.totalBytes, true);
      dv.setUint32(8, m.offset, true);
      p.set(m.bytes, DATA_HEADER_BYTES);
      return { type: MSG.DATA, payload: p };
    }
    case 'ACK': {
      const p = new Uint8Array(8);
      const dv = new DataView(p.buffer);
      dv.setUint16(0, m.runId, true);
      p[2] = m.stream;
      p[3] = 0;
      dv.setUint32(4, m.nextOffset, true);
      return { type: MSG.ACK, payload: p };
    }
  }
}

function need(p: Uint8Array, n: number, what: string, exact = false): DataView {
  if (p.length < n || (exact && p.length !== n)) {
    throw new MessageError('bad-message', `${what} payload is ${p.length} bytes, expected ${exact ? '' : 'at least '}${n}`);
  }
  return new DataView(p.buffer, p.byteOffset, p.byteLength);
}

function readAscii(p: Uint8Array, start: number, len: number, what: string): string {
  if (start + len > p.length) throw new MessageError('bad-message', `${what}: string of ${len} bytes overruns the ${p.length}-byte payload`);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(p[start + i]!);
  return s;
}

function streamId(v: number, what: string): StreamId {
  if (v !== STREAM.INPUT && v !== STREAM.RESULT) throw new MessageError('bad-message', `${what}: unknown stream ${v} (0 = input, 1 = result)`);
  return v;
}

/** Decode a frame's type and payload into a message; throws MessageError ('unknown-type' / 'bad-message'). */
export function decodeMessage(type: number, p: Uint8Array): Message {
  switch (type) {
    case MSG.HELLO: {
      const dv = need(p, 5, 'HELLO', true);
      return { type: 'HELLO', protocolVersion: p[0]!, hostMaxPayload: dv.getUint32(1, true) };
    }
    case MSG.INFO: {
      const dv = need(p, 48, 'INFO');
      const idLen = p[44]!;
      if (p.length !== 48 + idLen) throw new MessageError('bad-message', `INFO payload is ${p.length} bytes, expected ${48 + idLen} for a ${idLen}-byte board id`);
      return {
        type: 'INFO',
        protocolVersion: p[0]!,
        windowFrames: dv.getUint16(2, true),
        maxPayload: dv.getUint32(4, true),
        clockKHz: dv.getUint32(8, true),
        programHash: p.slice(12, 44),
        boardId: readAscii(p, 48, idLen, 'INFO board id'),
      };
    }
    case MSG.RESET:
    case MSG.RESET_ACK: {
      const dv = need(p, 4, type === MSG.RESET ? 'RESET' : 'RESET_ACK', true);
      return { type: type === MSG.RESET ? 'RESET' : 'RESET_ACK', nonce: dv.getUint32(0, true) };
    }
    case MSG.ERROR: {
      const dv = need(p, 9, 'ERROR');
      const len = p[8]!;
      if (p.length !== 9 + len) throw new MessageError('bad-message', `ERROR payload is ${p.length} bytes, expected ${9 + len}`);
      return { type: 'ERROR', code: dv.getUint16(0, true), runId: dv.getUint16(2, true), detail: dv.getUint32(4, true), text: readAscii(p, 9, len, 'ERROR text') };
    }
    case MSG.RUN: {
      const dv = need(p, 44, 'RUN', true);
      return {
        type: 'RUN',
        runId: dv.getUint16(0, true),
        programHash: p.slice(2, 34),
        height: dv.getUint16(34, true),
        width: dv.getUint16(36, true),
        channels: p[38]!,
        pixelFormat: p[39]!,
        totalBytes: dv.getUint32(40, true),
      };
    }
    case MSG.DATA: {
      const dv = need(p, DATA_HEADER_BYTES, 'DATA');
      const totalBytes = dv.getUint32(4, true);
      const offset = dv.getUint32(8, true);
      const bytes = p.subarray(DATA_HEADER_BYTES);
      if (offset + bytes.length > totalBytes) {
        throw new MessageError('bad-message', `DATA chunk [${offset}, ${offset + bytes.length}) overruns the ${totalBytes}-byte stream`);
      }
      return { type: 'DATA', runId: dv.getUint16(0, true), stream: streamId(p[2]!, 'DATA'), totalBytes, offset, bytes };
    }
    case MSG.ACK: {
      const dv = need(p, 8, 'ACK', true);
      return { type: 'ACK', runId: dv.getUint16(0, true), stream: streamId(p[2]!, 'ACK'), nextOffset: dv.getUint32(4, true) };
    }
    default:
      throw new MessageError('unknown-type', `unknown message type 0x${type.toString(16).padStart(2, '0')}`);
  }
}
