/**
 * The page's head backends, chosen by a closed union:
 * - `emulator`: the Wasm DHM emulator in a module worker (www/worker-backend.ts);
 * - `sim-board`: the simulated board of www/serial.ts (simulator + emulator in a worker, UART-paced link), driven by
 *   the real board protocol (src/board/serial-backend.ts);
 * - `board`: a real board through Web Serial (`navigator.serial.requestPort()`, needs a user gesture).
 * Cross-check: the same program and frame on a second backend, compared bit for bit (src/board/crosscheck.ts).
 */
import type { DhmProgram } from '../src/dhm/program';
import type { FrameInput, HeadBackend, HeadResult } from '../src/backend/head-backend';
import type { SerialBoardBackend, BoardInfo } from '../src/board/serial-backend';
import { requestSerialPort, startSimulatedBoard, webSerialBackend, type SimulatedBoard } from './serial';
import { compareHeads, type ComparedHead, type HeadComparison } from '../src/board/crosscheck';
import { workerBackend } from './worker-backend';

/** Backends offered by the page (closed union); `reference` is the TypeScript reference executor on the main thread (slow, for checking). */
export type PageBackendKind = 'emulator' | 'sim-board' | 'board' | 'reference';

/** Line rate of the (simulated or real) board link, baud (a common USB-UART maximum; an assumption, shown in the page). */
export const BOARD_BAUD = 921_600;

/** The emulator worker backend (one per page, workers restarted after failures by worker-backend.ts itself); `warm` starts it early. */
export function emulatorBackend(): HeadBackend & { warm(): Promise<void> } {
  return workerBackend();
}

/**
 * The simulated board of www/serial.ts: the board simulator (and its Wasm emulator compute) in a module worker behind a
 * MessagePort serial port paced like a real UART at {@link BOARD_BAUD} (so the link time is measured on a simulated
 * line, in wall time), driven by the same SerialBoardBackend as a real board. Started on the first run; each run
 * "flashes" the board with the run's program first.
 */
export function simulatedBoardBackend(): HeadBackend {
  let board: Promise<SimulatedBoard> | null = null;
  let flashed: DhmProgram | null = null;
  return {
    kind: 'board',
    description: `simulated board (worker, UART pacing @${BOARD_BAUD} baud)`,
    async run(program: DhmProgram, frame: FrameInput, signal?: AbortSignal): Promise<HeadResult> {
      if (!board) {
        board = startSimulatedBoard(program, { compute: 'wasm', pacing: 'wall', backend: { baudRate: BOARD_BAUD } });
        board.catch(() => (board = null));
        flashed = program;
      }
      const b = await board;
      if (flashed !== program) {
        await b.control.setProgram(program);
        flashed = program;
      }
      return b.backend.run(program, frame, signal);
    },
    async dispose() {
      const b = board;
      board = null;
      if (b) await (await b).dispose().catch(() => undefined);
    },
  };
}

/** Error of the real-board path, naming what went wrong (no Web Serial, no port chosen, handshake failed). */
export class BoardConnectError extends Error {
  override name = 'BoardConnectError';
}

/** Ask the user for a serial port (must run inside a click handler) and handshake with the board on it. */
export async function connectRealBoard(signal?: AbortSignal): Promise<{ backend: SerialBoardBackend; info: BoardInfo }> {
  const port = await requestSerialPort(); // WebSerialUnavailableError names the cause
  const backend = webSerialBackend(port, { baudRate: BOARD_BAUD });
  try {
    const info = await backend.connect(signal);
    return { backend, info };
  } catch (e) {
    await backend.dispose().catch(() => undefined);
    throw new BoardConnectError(`the board did not answer the handshake at ${BOARD_BAUD} baud: ${(e as Error).name}: ${(e as Error).message}`);
  }
}

/** Result of comparing the head output of two backends on the same program and frame. */
export interface PageCrossCheck extends HeadComparison {
  readonly backends: readonly [string, string];
}

/** Compare a head output already computed (`a`, from backend `aName`; format by name) with a fresh run on `b`. */
export async function crossCheckWith(
  program: DhmProgram, frame: FrameInput,
  a: ComparedHead,
  aName: string, b: HeadBackend, signal?: AbortSignal,
): Promise<PageCrossCheck> {
  const rb = await b.run(program, frame, signal);
  const cmp = compareHeads(a, rb);
  b.recycle?.(rb.output); // compared: b may write a later output into this memory
  return { ...cmp, backends: [aName, b.description] };
}
