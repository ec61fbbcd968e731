/**
 * The board head backend: drives a board (real, over Web Serial, or simulated, over a fake port) through the
 * protocol of docs/protocol.md behind the common `HeadBackend` interface. Handshake (RESET → HELLO → INFO),
 * program check (SHA-256 of the canonical program vs the board's), RUN with the frame (input stream), RESULT
 * (result stream), timeouts with retransmission, `AbortSignal` cancellation, disconnect / read errors, and the
 * link's throughput measured on the clock it is given (wall clock by default).
 */
import type { DhmProgram } from '../dhm/program';
import { formatName } from '../dhm/program';
import { abortError } from '../backend/abort';
import { type FrameInput, type HeadBackend, type HeadResult, type LinkMeasurement } from '../backend/head-backend';
import { BoardError, DisconnectedError, LinkError, LinkTimeoutError, ProgramMismatchError, VersionMismatchError } from './errors';
import { packedBytes } from '../backend/featuremap';
import { decodeResultStream } from './featuremap';
import { MAX_PAYLOAD_LIMIT, PROTOCOL_VERSION } from './frame';
import { hostIsFatal, type LinkEvent, MessageLink } from './link';
import { ERROR_CODES, errorCodeName, type InfoMsg, type Message, PIXEL_FORMAT_RGB888, STREAM } from './messages';
import type { SerialPortLike } from './port';
import { programHash } from './program-hash';
import { toHex } from './sha256';
import { receiveStream, sendStream, StreamReceiver } from './transfer';

/**
 * How link time was measured: on the wall clock, or on a simulated line's clock (the fake port's virtual line
 * clock, or the RTL board simulation's clock cycles, sim/board/ — the link name says which).
 */
export type LinkClockKind = 'wall' | 'simulated-line';

/** Options of the board backend. All times in milliseconds. */
export interface SerialBackendOptions {
  /** Line rate passed to `port.open()`, baud. Default 921 600. */
  readonly baudRate?: number;
  /** Clock for link timing, ms. Default `performance.now`. */
  readonly clock?: () => number;
  /** What `clock` is (reported with the measurement). Default 'wall'. */
  readonly clockKind?: LinkClockKind;
  /** Human-readable name of the link for reports (default 'web-serial'). */
  readonly linkName?: string;
  /** Wait for RESET_ACK / INFO, per attempt. Default 1000. */
  readonly handshakeTimeoutMs?: number;
  /** Wait for an ACK / the next result frame before retransmitting. Default: max(300, 4 × window transmission time). */
  readonly ackTimeoutMs?: number;
  /** Wait for the first result frame after the input is acknowledged (board compute budget). Default 20 000. */
  readonly computeTimeoutMs?: number;
  /** A partial frame older than this is declared truncated. Default 100. */
  readonly interByteTimeoutMs?: number;
  /** Retransmission rounds before a TimeoutError. Default 4. */
  readonly maxRetries?: number;
  /** Largest frame payload the host accepts, bytes. Default 65 536. */
  readonly hostMaxPayload?: number;
}

/** What the board said about itself (INFO). */
export interface BoardInfo {
  readonly boardId: string;
  readonly protocolVersion: number;
  readonly clockKHz: number;
  readonly maxPayload: number;
  readonly windowFrames: number;
  /** Hex SHA-256 of the board's program. */
  readonly programHash: string;
}

/** The link measurement of a board run, with its parts. Times in ms on the backend's clock. */
export interface BoardLinkMeasurement extends LinkMeasurement {
  /** RUN sent → last input byte acknowledged (a streaming board's result may already be flowing meanwhile). */
  readonly uplinkMs: number;
  /** First result frame arrived → last result frame arrived (the first frame's own transfer time is not included). */
  readonly downlinkMs: number;
  readonly clockKind: LinkClockKind;
  readonly baudRate: number;
  /** Feature-map payload bytes (packed) in the result. */
  readonly featureMapBytes: number;
  /** DATA frames retransmitted (both ways) and link errors recovered from during the run. */
  readonly retransmittedFrames: number;
  readonly recoveredErrors: readonly string[];
}

/** A board run's result: the common HeadResult plus the board's identity and the link details. */
export interface BoardHeadResult extends HeadResult {
  readonly link: BoardLinkMeasurement;
  readonly board: BoardInfo;
}

/** The head backend for a board behind a serial port. */
export class SerialBoardBackend implements HeadBackend {
  readonly kind = 'board' as const;
  readonly description: string;
  private link: MessageLink | null = null;
  private info: BoardInfo | null = null;
  private needsResync = true;
  private opened = false;
  private runId = 0;
  private nonce = 1;
  private disposed = false;
  private busy = false;
  private readonly onDisconnect = (): void => {
    this.link?.kill(new DisconnectedError('disconnected', 'serial port disconnected (disconnect event)'));
  };
  readonly baudRate: number;
  private readonly clock: () => number;

  constructor(
    readonly port: SerialPortLike,
    private readonly opts: SerialBackendOptions = {},
  ) {
    this.baudRate = opts.baudRate ?? 921_600;
    this.clock = opts.clock ?? (() => performance.now());
    this.description = `${opts.linkName ?? 'web-serial'} board @${this.baudRate} baud`;
    port.addEventListener?.('disconnect', this.onDisconnect);
  }

  /** Link events (rejected frames, bad messages) of the current connection. */
  get linkEvents(): readonly LinkEvent[] {
    return this.link?.events ?? [];
  }

  /** Open the port if needed and handshake (RESET → RESET_ACK, HELLO → INFO). */
  async connect(signal?: AbortSignal): Promise<BoardInfo> {
    if (this.disposed) throw new LinkError('port', 'board backend is disposed');
    if (signal?.aborted) throw abortError(signal);
    if (this.link?.failed) await this.dropLink();
    if (!this.link) {
      if (this.opened) {
        await this.port.close().catch(() => undefined);
        this.opened = false;
      }
      try {
        await this.port.open({ baudRate: this.baudRate });
      } catch (e) {
        throw new LinkError(e instanceof DisconnectedError ? 'disconnected' : 'port', `cannot open the serial port at ${this.baudRate} baud: ${(e as Error)?.message ?? String(e)}`);
      }
      this.opened = true;
      this.link = new MessageLink(this.port, {
        maxPayload: this.opts.hostMaxPayload ?? MAX_PAYLOAD_LIMIT,
        clock: this.clock,
        isFatal: hostIsFatal,
        interByteTimeoutMs: this.opts.interByteTimeoutMs ?? 100,
      });
      this.needsResync = true;
    }
    const link = this.link;
    link.signal = signal;
    const timeout = this.opts.handshakeTimeoutMs ?? 1000;
    const retries = this.opts.maxRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      const nonce = (this.nonce = (this.nonce + 1) >>> 0);
      link.discardInbox(); // stale frames and decoder errors of an abandoned run
      await link.send({ type: 'RESET', nonce });
      const ack = await this.waitFor(link, (m) => m.type === 'RESET_ACK' && m.nonce === nonce, timeout);
      if (ack) {
        link.decoder.reset();
        await link.send({ type: 'HELLO', protocolVersion: PROTOCOL_VERSION, hostMaxPayload: this.opts.hostMaxPayload ?? MAX_PAYLOAD_LIMIT });
        const info = (await this.waitFor(link, (m) => m.type === 'INFO', timeout)) as InfoMsg | null;
        if (info) {
          if (info.protocolVersion !== PROTOCOL_VERSION) throw new VersionMismatchError(PROTOCOL_VERSION, info.protocolVersion);
          if (info.maxPayload < 64 || info.maxPayload > MAX_PAYLOAD_LIMIT) throw new LinkError('protocol', `board announces a max payload of ${info.maxPayload} bytes (allowed 64..${MAX_PAYLOAD_LIMIT})`);
          this.info = {
            boardId: info.boardId,
            protocolVersion: info.protocolVersion,
            clockKHz: info.clockKHz,
            maxPayload: info.maxPayload,
            windowFrames: Math.max(1, info.windowFrames),
            programHash: toHex(info.programHash),
          };
          this.needsResync = false;
          return this.info;
        }
      }
      if (attempt >= retries) {
        throw new LinkTimeoutError('timeout', `board did not answer the handshake (${ack ? 'HELLO → INFO' : 'RESET → RESET_ACK'}) within ${timeout} ms, ${retries + 1} attempts`);
      }
    }
  }

  /**
   * Wait for a message matching `pred`; every other one (stale results, acks) goes to `other`, which may throw
   * (default: dropped). null on timeout.
   */
  private async waitFor(link: MessageLink, pred: (m: Message) => boolean, timeoutMs: number, other: (m: Message) => void = () => undefined): Promise<Message | null> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return null;
      const m = await link.next(left);
      if (m === 'timeout') return null;
      if (pred(m)) return m;
      other(m);
    }
  }

  private async dropLink(): Promise<void> {
    const l = this.link;
    this.link = null;
    this.info = null;
    if (l) await l.release();
    if (this.opened) {
      await this.port.close().catch(() => undefined);
      this.opened = false;
    }
  }

  /** Run one frame on the board. Rejects with typed LinkErrors (see errors.ts) or an AbortError. */
  async run(program: DhmProgram, frame: FrameInput, signal?: AbortSignal): Promise<BoardHeadResult> {
    if (this.busy) throw new LinkError('protocol', 'board backend is busy with another run (runs are sequential)');
    this.busy = true;
    const wall0 = performance.now();
    try {
      if (signal?.aborted) throw abortError(signal);
      let fresh = false;
      if (!this.link || this.link.failed || this.needsResync || !this.info) {
        await this.connect(signal);
        fresh = true;
      }
      // the board may have been re-flashed since the last handshake: re-read INFO before declaring a mismatch
      if (!fresh && this.info!.programHash !== toHex(programHash(program))) await this.connect(signal);
      const link = this.link!;
      const info = this.info!;
      link.signal = signal;
      try {
        return await this.runOn(link, info, program, frame, wall0);
      } catch (e) {
        this.needsResync = true;
        if (signal?.aborted || (e as Error)?.name === 'AbortError') {
          // tell the board to drop the run; best effort, never waits
          link.send({ type: 'RESET', nonce: (this.nonce = (this.nonce + 1) >>> 0) }).catch(() => undefined);
          throw abortError(signal);
        }
        if (e instanceof DisconnectedError || link.failed) await this.dropLink();
        throw e;
      }
    } finally {
      this.busy = false;
    }
  }

  private async runOn(link: MessageLink, info: BoardInfo, program: DhmProgram, frame: FrameInput, wall0: number): Promise<BoardHeadResult> {
    const hostHash = programHash(program);
    const hostHex = toHex(hostHash);
    if (hostHex !== info.programHash) throw new ProgramMismatchError(hostHex, info.programHash);
    const { height, width } = program.input;
    if (frame.width !== width || frame.height !== height || frame.data.length !== width * height * 3) {
      throw new LinkError('protocol', `frame is ${frame.width}x${frame.height} (${frame.data.length} bytes), the program wants ${width}x${height}x3 RGB (${width * height * 3} bytes)`);
    }
    const out = program.streams[program.output];
    if (!out) throw new LinkError('protocol', `program output stream '${program.output}' is missing from program.streams`);
    const retries = this.opts.maxRetries ?? 4;
    const windowMs = ((info.windowFrames * (info.maxPayload + 16) * 10) / this.baudRate) * 1000;
    const ackTimeoutMs = this.opts.ackTimeoutMs ?? Math.max(300, 4 * windowMs);
    const runId = (this.runId = (this.runId + 1) & 0x7fff);
    const eventsBefore = link.events.length;
    const out0 = link.bytesOut;
    const t0 = this.clock();

    const onError = (m: Message): 'ignore' => {
      if (m.type === 'ERROR' && (m.runId === runId || m.runId === 0xffff)) {
        if (m.code === ERROR_CODES.WRONG_PROGRAM) throw new ProgramMismatchError(hostHex, m.text.replace(/^board program /, ''));
        throw new BoardError(m.code, errorCodeName(m.code), m.text);
      }
      return 'ignore';
    };

    // RUN → ACK(input, 0)
    let accepted = false;
    for (let attempt = 0; attempt <= retries && !accepted; attempt++) {
      await link.send({ type: 'RUN', runId, programHash: hostHash, height, width, channels: 3, pixelFormat: PIXEL_FORMAT_RGB888, totalBytes: width * height * 3 });
      accepted = (await this.waitFor(link, (m) => m.type === 'ACK' && m.runId === runId && m.stream === STREAM.INPUT, ackTimeoutMs, onError)) !== null;
    }
    if (!accepted) throw new LinkTimeoutError('timeout', `board did not accept RUN ${runId} within ${ackTimeoutMs} ms, ${retries + 1} attempts`);

    // Protocol version 2: a streaming board may send result DATA while the input is still arriving; those frames
    // are accepted (and acknowledged) during the input transfer, then the result transfer continues from there.
    let tFirst = 0;
    let in0 = link.bytesIn;
    let firstFrameBytes = 0;
    const expectedMap = packedBytes(out.channels, out.height, out.width, out.format);
    const resultParams = {
      runId,
      stream: STREAM.RESULT,
      maxBytes: expectedMap + 65536,
      firstTimeoutMs: this.opts.computeTimeoutMs ?? 20_000,
      idleTimeoutMs: ackTimeoutMs,
      maxRetries: retries,
      onOther: onError,
      onFirstData: () => {
        tFirst = link.lastAtMs;
        firstFrameBytes = link.lastWireBytes;
        in0 = link.bytesIn - link.lastWireBytes;
      },
    } as const;
    const result = new StreamReceiver(link, resultParams);
    const up = await sendStream(link, {
      runId,
      stream: STREAM.INPUT,
      bytes: frame.data,
      maxPayload: info.maxPayload,
      windowFrames: info.windowFrames,
      ackTimeoutMs,
      maxRetries: retries,
      onOther: async (m) => {
        if (result.matches(m)) {
          await result.accept(m);
          return 'ignore';
        }
        return onError(m);
      },
    });
    const t1 = this.clock();
    const bytesToBoard = link.bytesOut - out0;
    const down = await receiveStream(link, resultParams, result);
    const t2 = link.lastAtMs;
    const bytesFromBoard = link.bytesIn - in0;
    const decoded = decodeResultStream(down.bytes);
    const h = decoded.header;
    if (h.channels !== out.channels || h.height !== out.height || h.width !== out.width || formatName(h.format) !== formatName(out.format)) {
      throw new LinkError('protocol', `board result is ${h.channels}x${h.height}x${h.width} ${formatName(h.format)}, the program's output '${program.output}' is ${out.channels}x${out.height}x${out.width} ${formatName(out.format)}`);
    }
    const uplinkMs = t1 - t0;
    const downlinkMs = t2 - tFirst;
    // the run's link time without the board's compute gap (input done → first result frame); when the result
    // streamed during the input (a streaming board) there is no gap and the two intervals overlap
    const ms = t2 - t0 - Math.max(0, tFirst - t1);
    const clockKind = this.opts.clockKind ?? 'wall';
    const link2: BoardLinkMeasurement = {
      bytesToBoard,
      bytesFromBoard,
      ms,
      bytesPerSecond: ms > 0 ? ((bytesToBoard + bytesFromBoard - firstFrameBytes) / ms) * 1000 : 0,
      description: `${this.opts.linkName ?? 'web-serial'} @${this.baudRate} baud (${clockKind === 'wall' ? 'measured on the wall clock' : 'measured on the simulated line clock, not wall time'})`,
      uplinkMs,
      downlinkMs,
      clockKind,
      baudRate: this.baudRate,
      featureMapBytes: decoded.packedBytes,
      retransmittedFrames: up.retransmitted + down.stats.retransmitted,
      recoveredErrors: link.events.slice(eventsBefore).map((e) => `${e.error.name}(${e.error.code})`),
    };
    return {
      output: decoded.output,
      shape: [h.channels, h.height, h.width],
      format: h.format,
      cycles: h.cycles,
      backend: 'board',
      wallMs: performance.now() - wall0,
      link: link2,
      board: info,
    };
  }

  /** Close the port and stop listening. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.port.removeEventListener?.('disconnect', this.onDisconnect);
    await this.dropLink();
  }
}
