/**
 * Board glue of the page: the real Web Serial port (`navigator.serial.requestPort()`, which Chromium only allows
 * from a user gesture such as a click) and the "simulated board" (the board simulator in a module worker,
 * workers/board-sim.worker.ts, reached through a MessagePort-backed serial port). Both are driven by the same
 * `SerialBoardBackend` (src/board/serial-backend.ts), so the page's board path is identical with and without hardware.
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { BoardSimInit, BoardSimWorkerApi } from '../workers/board-sim.worker';
import type { DhmProgram } from '../src/dhm/program';
import { DisconnectedError } from '../src/board/errors';
import { BytePipe } from '../src/board/fake-port';
import type { ByteReader, ByteWriter, SerialPortLike } from '../src/board/port';
import { SerialBoardBackend, type SerialBackendOptions } from '../src/board/serial-backend';

/** The Web Serial API subset used here (not in TypeScript's DOM lib). https://wicg.github.io/serial/ */
interface WebSerial {
  requestPort(options?: { filters?: readonly { usbVendorId?: number; usbProductId?: number }[] }): Promise<SerialPortLike & { getInfo?(): { usbVendorId?: number; usbProductId?: number } }>;
  getPorts(): Promise<SerialPortLike[]>;
}

/** Error when Web Serial is missing (Firefox, Safari, insecure context) or the user picked no port. */
export class WebSerialUnavailableError extends Error {
  override name = 'WebSerialUnavailableError';
}

/** Whether this page can use Web Serial (Chromium-based browser, secure context). */
export function webSerialAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'serial' in navigator && window.isSecureContext;
}

/**
 * Ask the user for a serial port. MUST be called from a user gesture handler (click); Chromium rejects otherwise.
 * `filters`: optional USB vendor/product ids (e.g. an FTDI or a USB-CDC bridge on the board).
 */
export async function requestSerialPort(filters?: readonly { usbVendorId?: number; usbProductId?: number }[]): Promise<SerialPortLike> {
  if (!webSerialAvailable()) throw new WebSerialUnavailableError('Web Serial is not available here (needs a Chromium-based browser and a secure context: https or localhost)');
  const serial = (navigator as unknown as { serial: WebSerial }).serial;
  try {
    return await serial.requestPort(filters ? { filters } : undefined);
  } catch (e) {
    throw new WebSerialUnavailableError(`no serial port selected: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** The board head backend over a real Web Serial port, opened at `baudRate` (default 921 600) on first use. */
export function webSerialBackend(port: SerialPortLike, options: SerialBackendOptions = {}): SerialBoardBackend {
  return new SerialBoardBackend(port, { linkName: 'web-serial', ...options });
}

/**
 * A SerialPortLike whose bytes travel over a MessagePort to the board-sim worker; open/close go through comlink.
 * The worker reports a link failure with a 'disconnect' message: the readable fails and 'disconnect' listeners run.
 */
export class MessagePortSerialPort implements SerialPortLike {
  private pipe: BytePipe | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: Remote<BoardSimWorkerApi>,
    private readonly bytePort: MessagePort,
  ) {
    bytePort.onmessage = (ev: MessageEvent<{ kind: 'data'; bytes: Uint8Array } | { kind: 'disconnect'; message: string }>) => {
      const m = ev.data;
      if (m.kind === 'data') this.pipe?.deliver({ bytes: m.bytes, at: performance.now() });
      else if (m.kind === 'disconnect') {
        this.pipe?.fail(new DisconnectedError('disconnected', `simulated board link lost: ${m.message}`));
        this.pipe = null;
        for (const l of [...this.listeners]) l();
      }
    };
  }

  get readable(): { getReader(): ByteReader } | null {
    const p = this.pipe;
    return p ? { getReader: () => p.reader() } : null;
  }

  get writable(): { getWriter(): ByteWriter } | null {
    if (!this.pipe) return null;
    const port = this.bytePort;
    return {
      getWriter: () => ({
        write: async (chunk: Uint8Array) => {
          const copy = chunk.slice();
          port.postMessage({ kind: 'data', bytes: copy }, [copy.buffer]);
        },
        releaseLock: () => undefined,
      }),
    };
  }

  async open(options: { baudRate: number }): Promise<void> {
    await this.api.open(options.baudRate);
    this.pipe = new BytePipe();
  }

  async close(): Promise<void> {
    this.pipe?.end();
    this.pipe = null;
    await this.api.close();
  }

  addEventListener(type: 'disconnect', listener: () => void): void {
    if (type === 'disconnect') this.listeners.add(listener);
  }

  removeEventListener(type: 'disconnect', listener: () => void): void {
    if (type === 'disconnect') this.listeners.delete(listener);
  }
}

/** A simulated board in a worker, its serial port, and the backend driving it. */
export interface SimulatedBoard {
  readonly backend: SerialBoardBackend;
  readonly port: MessagePortSerialPort;
  /** The worker's control API (fault injection, re-flash, stats). */
  readonly control: Remote<BoardSimWorkerApi>;
  readonly programHash: string;
  dispose(): Promise<void>;
}

/** Options of {@link startSimulatedBoard}. */
export interface SimulatedBoardOptions extends Omit<BoardSimInit, 'program'> {
  /** URL of the built worker (default `workers/board-sim.worker.js` next to the page, as build.mjs lays out dist/). */
  readonly workerUrl?: string | URL;
  readonly backend?: SerialBackendOptions;
}

/**
 * Start the simulated board for `program` (the page can offer it as "simulated board" so the whole board path is
 * visible without hardware). The link is paced in wall time at the backend's baud rate (default 921 600).
 */
export async function startSimulatedBoard(program: DhmProgram, options: SimulatedBoardOptions = { compute: 'wasm' }): Promise<SimulatedBoard> {
  const worker = new Worker(new URL(options.workerUrl ?? 'workers/board-sim.worker.js', location.href), { type: 'module', name: 'board-sim' });
  const control = wrap<BoardSimWorkerApi>(worker);
  const channel = new MessageChannel();
  const { workerUrl: _w, backend: beOpts, ...init } = options;
  const crashed = new Promise<never>((_, reject) => worker.addEventListener('error', (e) => reject(new Error(`board-sim worker failed: ${e.message || 'script failed to load'}`))));
  crashed.catch(() => undefined);
  const { programHash } = await Promise.race([control.init({ ...init, program }, transfer(channel.port2, [channel.port2])), crashed]);
  const port = new MessagePortSerialPort(control, channel.port1);
  const backend = new SerialBoardBackend(port, { linkName: 'simulated board (worker)', ...beOpts });
  return {
    backend,
    port,
    control,
    programHash,
    async dispose() {
      await backend.dispose();
      await control.shutdown().catch(() => undefined);
      control[releaseProxy]();
      worker.terminate();
      channel.port1.close();
    },
  };
}
