/**
 * The board side of the protocol (docs/protocol.md), as a board design would implement it, with the DHM compute
 * injected: `(program, frame) → { output, cycles }` — the TypeScript reference executor, the Wasm emulator, or a
 * stub. It serves every connection its endpoint yields (one per plug-in / power-up) until the endpoint closes.
 * Message-level faults (a wrong protocol version, an oversize length, a silent board) are injectable here; byte
 * faults live in the fake port.
 */
import type { DhmProgram, HeadCycles } from '../dhm/program';
import type { FrameInput } from '../backend/head-backend';
import { DisconnectedError, LinkError } from './errors';
import { encodeResultStream } from './featuremap';
import { forgeFrameHeader, MAX_PAYLOAD_LIMIT, PROTOCOL_VERSION } from './frame';
import { MessageLink } from './link';
import { ERROR_CODES, PIXEL_FORMAT_RGB888, type Message, type RunMsg, STREAM } from './messages';
import type { BoardEndpoint, ByteDuplex } from './port';
import { programHash } from './program-hash';
import { toHex } from './sha256';
import { receiveStream, sendStream, TransferInterrupted } from './transfer';

/** The injected DHM compute: NCHW Int32Array output in the program output's format, plus cycle counts. */
export type BoardCompute = (program: DhmProgram, frame: FrameInput) => { readonly output: Int32Array; readonly cycles: HeadCycles } | Promise<{ readonly output: Int32Array; readonly cycles: HeadCycles }>;

/** Message-level faults of the simulated board (each fires once). */
export type BoardFault =
  /** The next frame the board sends carries protocol version PROTOCOL_VERSION + 1 (valid checks). */
  | 'wrong-version'
  /** The next result DATA frame's header declares a 2 GiB payload (valid header check). */
  | 'oversize-length'
  /** The board ignores everything until it receives a RESET (a hung board the host must reset). */
  | 'silent';

/** Options of the simulated board. */
export interface BoardSimulatorOptions {
  readonly program: DhmProgram;
  readonly compute: BoardCompute;
  readonly boardId?: string;
  /** DHM clock announced in INFO, kHz. Default 100 000 (the dev kit's 100 MHz oscillator, Intel Cyclone 10 GX dev-kit user guide). */
  readonly clockKHz?: number;
  /** Largest frame payload the board accepts, bytes. Default 8204 = 2048 32-bit words of data + 12-byte DATA header (the authors' 2048-word PCIe chunk). */
  readonly maxPayload?: number;
  /** Flow-control window, DATA frames. Default 4 (a 32 KiB receive buffer). */
  readonly windowFrames?: number;
  /** Wait for an ACK before going back, ms. Default 500. */
  readonly ackTimeoutMs?: number;
  /** Retransmission rounds before a transfer is abandoned. Default 4. */
  readonly maxRetries?: number;
}

/** Counters of a simulated board. */
export interface BoardSimulatorStats {
  connections: number;
  runs: number;
  resultsSent: number;
  errorsSent: number;
  /** Frames the board's decoder rejected and messages it could not parse, all connections. */
  decoderErrors: number;
  /** RESET messages the board received (and answered). */
  resetsReceived: number;
}

/** Default board frame payload: 2048 words of data + DATA header (see {@link BoardSimulatorOptions.maxPayload}). */
export const DEFAULT_BOARD_MAX_PAYLOAD = 2048 * 4 + 12;

/** A simulated board serving a {@link BoardEndpoint}. */
export class BoardSimulator {
  private program: DhmProgram;
  private hash: Uint8Array;
  private readonly faults: BoardFault[] = [];
  /** Faults that have fired (for reports): 'silent' fires when the first message is ignored. */
  readonly firedFaults: BoardFault[] = [];
  private silent = false;
  private silentFired = false;
  private stopped = false;
  private current: MessageLink | null = null;
  readonly stats: BoardSimulatorStats = { connections: 0, runs: 0, resultsSent: 0, errorsSent: 0, decoderErrors: 0, resetsReceived: 0 };
  /** Hex program hash the board announced on the link, in order: in every INFO and every ERROR WRONG_PROGRAM it sent. */
  readonly hashesAnnounced: string[] = [];
  /**
   * The simulator's own failures (a bug in it or in its injected compute's output, not a link fault), in order. Each
   * is also reported to the host as ERROR COMPUTE_FAILED with a text naming the simulator, so the host raises a
   * `BoardError` instead of waiting into a `TimeoutError`.
   */
  readonly internalErrors: Error[] = [];
  private readonly pastLinkErrors: string[] = [];
  private pastEventCount = 0;
  /** Resolves when the endpoint yields no more connections (or stop()). */
  readonly done: Promise<void>;
  private readonly maxPayload: number;
  private readonly windowFrames: number;
  private readonly ackTimeoutMs: number;
  private readonly maxRetries: number;

  constructor(
    private readonly endpoint: BoardEndpoint,
    private readonly opts: BoardSimulatorOptions,
  ) {
    this.program = opts.program;
    this.hash = programHash(opts.program);
    this.maxPayload = opts.maxPayload ?? DEFAULT_BOARD_MAX_PAYLOAD;
    if (this.maxPayload > MAX_PAYLOAD_LIMIT) throw new RangeError(`board maxPayload ${this.maxPayload} exceeds the protocol limit ${MAX_PAYLOAD_LIMIT}`);
    this.windowFrames = opts.windowFrames ?? 4;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 500;
    this.maxRetries = opts.maxRetries ?? 4;
    this.done = this.serveAll();
  }

  /** "Re-flash" the board with another program (its INFO hash and RUN check follow). */
  setProgram(program: DhmProgram): void {
    this.program = program;
    this.hash = programHash(program);
  }

  /** Hex SHA-256 of the program the board holds. */
  get programHashHex(): string {
    return toHex(this.hash);
  }

  /**
   * What the board's frame decoder rejected (and messages it could not parse), on every connection so far, as
   * `Name(code)` strings, e.g. `FrameError(frame-crc)` (the first 10 000 per connection).
   */
  get linkErrors(): readonly string[] {
    const cur = this.current?.events.map((e) => `${e.error.name}(${e.error.code})`) ?? [];
    return [...this.pastLinkErrors, ...cur];
  }

  /** Arm a message-level fault (fires once). */
  inject(fault: BoardFault): void {
    if (fault === 'silent') this.silent = true;
    else this.faults.push(fault);
  }

  /** Stop serving (the current connection is released). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.release();
  }

  private async serveAll(): Promise<void> {
    while (!this.stopped) {
      const conn = await this.endpoint.nextConnection();
      if (!conn || this.stopped) return;
      this.stats.connections++;
      await this.serve(conn).catch((e) => this.internalError(e, null));
    }
  }

  /** Record an internal failure; tell the host (best effort) with an ERROR naming the simulator. */
  private async internalError(e: unknown, link: MessageLink | null, runId = 0xffff): Promise<void> {
    const err = e instanceof Error ? e : new Error(String(e));
    this.internalErrors.push(err);
    if (!link || link.failed) return;
    this.stats.errorsSent++;
    const text = `BoardSimulator internal error (a bug in the simulated board, not a link fault): ${err.name}: ${err.message}`.slice(0, 255);
    await link.send({ type: 'ERROR', code: ERROR_CODES.COMPUTE_FAILED, runId, detail: 0, text }).catch(() => undefined);
  }

  private takeFault(f: BoardFault): boolean {
    const i = this.faults.indexOf(f);
    if (i < 0) return false;
    this.faults.splice(i, 1);
    this.firedFaults.push(f);
    return true;
  }

  private async serve(conn: ByteDuplex): Promise<void> {
    const link = new MessageLink(conn, { maxPayload: this.maxPayload, clock: () => performance.now(), isFatal: () => false, interByteTimeoutMs: 100 });
    this.current = link;
    link.sendHook = (m, frame) => {
      if (this.takeFault('wrong-version')) return forgeFrameHeader(frame, { version: PROTOCOL_VERSION + 1 });
      if (m.type === 'DATA' && m.stream === STREAM.RESULT && this.takeFault('oversize-length')) return forgeFrameHeader(frame, { length: 0x80000000 });
      return frame;
    };
    let hostMaxPayload = this.maxPayload;
    let pending: Message | null = null;
    const sendError = async (code: number, runId: number, detail: number, text: string): Promise<void> => {
      this.stats.errorsSent++;
      await link.send({ type: 'ERROR', code, runId, detail, text });
    };
    try {
      for (;;) {
        let m: Message | 'timeout';
        if (pending) {
          m = pending;
          pending = null;
        } else m = await link.next(60_000);
        this.stats.decoderErrors = this.pastEventCount + link.eventCount;
        if (m === 'timeout') continue;
        if (this.silent) {
          if (!this.silentFired) {
            this.firedFaults.push('silent');
            this.silentFired = true;
          }
          if (m.type !== 'RESET') continue;
          this.silent = false;
          this.silentFired = false;
        }
        switch (m.type) {
          case 'HELLO':
            hostMaxPayload = Math.min(MAX_PAYLOAD_LIMIT, Math.max(64, m.hostMaxPayload));
            this.hashesAnnounced.push(toHex(this.hash));
            await link.send({ type: 'INFO', protocolVersion: PROTOCOL_VERSION, windowFrames: this.windowFrames, maxPayload: this.maxPayload, clockKHz: this.opts.clockKHz ?? 100_000, programHash: this.hash, boardId: this.opts.boardId ?? 'hybrid-dhm simulated Cyclone 10 GX' });
            break;
          case 'RESET':
            this.stats.resetsReceived++;
            link.decoder.reset();
            await link.send({ type: 'RESET_ACK', nonce: m.nonce });
            break;
          case 'RUN':
            try {
              pending = await this.run(link, m, hostMaxPayload, sendError);
            } catch (e) {
              if (e instanceof DisconnectedError) throw e;
              await this.internalError(e, link, m.runId); // then keep serving: the next RESET starts afresh
            }
            break;
          case 'DATA':
            if (m.stream === STREAM.INPUT) await sendError(ERROR_CODES.NO_RUN, m.runId, 0, `no RUN ${m.runId} in progress`);
            break;
          default:
            break; // stale ACKs, or messages only a board sends: ignored
        }
      }
    } catch (e) {
      if (!(e instanceof DisconnectedError)) throw e;
    } finally {
      this.pastEventCount += link.eventCount; // all of them (events keeps only the first 10 000)
      this.stats.decoderErrors = this.pastEventCount;
      this.pastLinkErrors.push(...link.events.map((e) => `${e.error.name}(${e.error.code})`));
      await link.release();
      if (this.current === link) this.current = null;
    }
  }

  /** Handle one RUN; returns a message that interrupted it (to be handled next), if any. */
  private async run(link: MessageLink, m: RunMsg, hostMaxPayload: number, sendError: (code: number, runId: number, detail: number, text: string) => Promise<void>): Promise<Message | null> {
    const program = this.program;
    if (toHex(m.programHash) !== toHex(this.hash)) {
      this.hashesAnnounced.push(toHex(this.hash));
      await sendError(ERROR_CODES.WRONG_PROGRAM, m.runId, 0, `board program ${toHex(this.hash)}`);
      return null;
    }
    const { height, width } = program.input;
    const total = height * width * 3;
    if (m.height !== height || m.width !== width || m.channels !== 3 || m.pixelFormat !== PIXEL_FORMAT_RGB888 || m.totalBytes !== total) {
      await sendError(ERROR_CODES.BAD_SHAPE, m.runId, total, `expected ${height}x${width}x3 RGB888 (${total} bytes), got ${m.height}x${m.width}x${m.channels} format ${m.pixelFormat} (${m.totalBytes} bytes)`);
      return null;
    }
    this.stats.runs++;
    await link.send({ type: 'ACK', runId: m.runId, stream: STREAM.INPUT, nextOffset: 0 });
    const interruptOn = (x: Message): boolean => x.type === 'HELLO' || x.type === 'RESET' || (x.type === 'RUN' && x.runId !== m.runId);
    try {
      const { bytes } = await receiveStream(link, {
        runId: m.runId,
        stream: STREAM.INPUT,
        totalBytes: total,
        maxBytes: total,
        firstTimeoutMs: this.ackTimeoutMs,
        idleTimeoutMs: this.ackTimeoutMs,
        maxRetries: this.maxRetries,
        onOther: async (x) => {
          if (interruptOn(x)) return 'interrupt';
          if (x.type === 'RUN') await link.send({ type: 'ACK', runId: m.runId, stream: STREAM.INPUT, nextOffset: 0 });
          return 'ignore';
        },
      });
      let result;
      try {
        result = await this.opts.compute(program, { width, height, data: bytes });
      } catch (e) {
        await sendError(ERROR_CODES.COMPUTE_FAILED, m.runId, 0, `compute failed: ${(e as Error)?.message ?? String(e)}`.slice(0, 255));
        return null;
      }
      const out = program.streams[program.output];
      if (!out) throw new Error(`program output stream '${program.output}' is not in program.streams`);
      const stream = encodeResultStream({ format: out.format, channels: out.channels, height: out.height, width: out.width, cycles: result.cycles }, result.output);
      await sendStream(link, {
        runId: m.runId,
        stream: STREAM.RESULT,
        bytes: stream,
        maxPayload: Math.min(hostMaxPayload, this.maxPayload),
        windowFrames: this.windowFrames,
        ackTimeoutMs: this.ackTimeoutMs,
        maxRetries: this.maxRetries,
        onOther: async (x) => {
          if (interruptOn(x)) return 'interrupt';
          if (x.type === 'DATA' && x.stream === STREAM.INPUT && x.runId === m.runId) await link.send({ type: 'ACK', runId: m.runId, stream: STREAM.INPUT, nextOffset: total });
          return 'ignore';
        },
      });
      this.stats.resultsSent++;
      return null;
    } catch (e) {
      if (e instanceof TransferInterrupted) return e.interrupting;
      // a transfer abandoned by the protocol (the host went silent): wait for the host; anything else is the board's own
      if (e instanceof LinkError && (e.code === 'timeout' || e.code === 'protocol')) return null;
      throw e;
    }
  }
}
