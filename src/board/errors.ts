/**
 * Typed errors of the board link (docs/protocol.md §Errors). Every error carries a closed-union `code` so callers
 * (the self-test, the page) can branch on it, and a message naming the cause: which frame/message, the byte offset
 * in the received stream, expected vs got.
 */

/** Closed union of link error codes. */
export type LinkErrorCode =
  | 'header-crc' // header check (CRC-32 low 16 bits) mismatch
  | 'frame-crc' // trailing CRC-32 mismatch
  | 'bad-version' // frame protocol version is not ours
  | 'frame-too-large' // declared payload length exceeds the receiver's maximum
  | 'truncated-frame' // a frame stopped arriving (inter-byte timeout)
  | 'bad-message' // payload does not parse as the message its type says
  | 'unknown-type' // unknown message type
  | 'protocol' // a valid message at the wrong time / inconsistent with the run
  | 'program-mismatch' // board runs another program (hash differs)
  | 'board-error' // the board answered ERROR
  | 'timeout' // no answer within the stated timeout (after retries)
  | 'disconnected' // the port went away (disconnect event, read error, stream closed)
  | 'port' // the port could not be opened / written
  | 'aborted'; // cancelled by AbortSignal (name is 'AbortError')

/** Base class of every board-link error. */
export class LinkError extends Error {
  override name = 'LinkError';
  constructor(
    readonly code: LinkErrorCode,
    message: string,
    /** Byte offset in the received byte stream where the problem was found, when known. */
    readonly byteOffset?: number,
  ) {
    super(byteOffset === undefined ? message : `${message} (at received byte ${byteOffset})`);
  }
}

/** A frame failed a check in the decoder (CRC, version, length, truncation). Recoverable: the decoder resynchronises. */
export class FrameError extends LinkError {
  override name = 'FrameError';
}

/** A decoded frame's payload is not a valid message. */
export class MessageError extends LinkError {
  override name = 'MessageError';
}

/** The board answered with an ERROR message (its code and text are kept). */
export class BoardError extends LinkError {
  override name = 'BoardError';
  constructor(
    readonly boardCode: number,
    readonly boardCodeName: string,
    message: string,
  ) {
    super('board-error', `board reported ${boardCodeName} (${boardCode}): ${message}`);
  }
}

/** The board's program hash differs from the host's. */
export class ProgramMismatchError extends LinkError {
  override name = 'ProgramMismatchError';
  constructor(
    readonly hostHash: string,
    readonly boardHash: string,
  ) {
    super('program-mismatch', `board runs program ${boardHash.slice(0, 16)}…, host compiled ${hostHash.slice(0, 16)}… (SHA-256 of the canonical program)`);
  }
}

/** The board speaks another protocol version. */
export class VersionMismatchError extends LinkError {
  override name = 'VersionMismatchError';
  constructor(
    readonly expected: number,
    readonly got: number,
    byteOffset?: number,
  ) {
    super('bad-version', `protocol version mismatch: expected ${expected}, got ${got}`, byteOffset);
  }
}

/** No answer in time. */
export class LinkTimeoutError extends LinkError {
  override name = 'TimeoutError';
}

/** The port disconnected or its stream failed. */
export class DisconnectedError extends LinkError {
  override name = 'DisconnectedError';
}
