/**
 * Module worker running the simulated board (src/board/simulator.ts) behind a fake serial link
 * (src/board/fake-port.ts, wall-clock pacing at the baud rate the page opens it with). Control through comlink;
 * the serial bytes flow over a dedicated MessagePort that the page wraps as a SerialPortLike (www/serial.ts,
 * `simulatedBoardPort`). Wire protocol on that MessagePort (structured-clone messages):
 *   page → worker: { kind: 'data', bytes: Uint8Array }            (host → board bytes)
 *   worker → page: { kind: 'data', bytes: Uint8Array }            (board → host bytes, transferred)
 *                  { kind: 'disconnect', message: string }          (link unplugged: the page port fires 'disconnect')
 * Compute: 'wasm' (the bit-exact emulator, dist/dhm.wasm) or 'reference' (the TypeScript reference executor).
 */
import { expose } from 'comlink';
import type { DhmProgram } from '../src/dhm/program';
import { createEmulator } from '../src/dhm/wasm';
import { FakeSerialLink, type PacingMode, type PortFault } from '../src/board/fake-port';
import type { ByteWriter } from '../src/board/port';
import { emulatorCompute, referenceCompute } from '../src/board/demo';
import { fetchDistWasm } from './dist-wasm';
import { BoardSimulator, type BoardCompute, type BoardFault, type BoardSimulatorStats } from '../src/board/simulator';

/** Options of {@link api.init}. */
export interface BoardSimInit {
  readonly program: DhmProgram;
  readonly compute: 'wasm' | 'reference';
  /** URL of dist/dhm.wasm for 'wasm' (default: ../dhm.wasm next to this worker's folder). */
  readonly wasmUrl?: string;
  /** 'wall' (default: real-time UART pacing) or 'none'. */
  readonly pacing?: Exclude<PacingMode, 'virtual'>;
  readonly boardMaxPayload?: number;
  readonly windowFrames?: number;
  readonly boardId?: string;
}

let link: FakeSerialLink | null = null;
let sim: BoardSimulator | null = null;
let port: MessagePort | null = null;
let hostWriter: ByteWriter | null = null;
let pumpStop: (() => void) | null = null;

async function makeCompute(init: BoardSimInit): Promise<BoardCompute> {
  if (init.compute === 'reference') return referenceCompute;
  return emulatorCompute(await createEmulator(await fetchDistWasm('board-sim worker', 'dhm.wasm', init.wasmUrl)));
}

/** Pump board→host bytes of the open host end into the MessagePort. */
function startPump(): void {
  const l = link!;
  const reader = l.host.readable!.getReader();
  let stopped = false;
  pumpStop = () => {
    stopped = true;
    reader.releaseLock();
  };
  void (async () => {
    for (;;) {
      try {
        const r = await reader.read();
        if (stopped) return;
        if (r.done) return;
        const copy = r.value.slice();
        port?.postMessage({ kind: 'data', bytes: copy }, [copy.buffer]);
      } catch (e) {
        if (!stopped) port?.postMessage({ kind: 'disconnect', message: (e as Error)?.message ?? String(e) });
        return;
      }
    }
  })();
}

const api = {
  /** Create the link and the board; `bytePort` carries the serial bytes (see module doc). */
  async init(init: BoardSimInit, bytePort: MessagePort): Promise<{ readonly programHash: string }> {
    const compute = await makeCompute(init);
    link = new FakeSerialLink({ pacing: init.pacing ?? 'wall' });
    sim = new BoardSimulator(link.board, { program: init.program, compute, maxPayload: init.boardMaxPayload, windowFrames: init.windowFrames, boardId: init.boardId ?? 'hybrid-dhm simulated board (worker)' });
    port = bytePort;
    port.onmessage = (ev: MessageEvent<{ kind: 'data'; bytes: Uint8Array }>) => {
      if (ev.data?.kind !== 'data' || !hostWriter) return;
      hostWriter.write(ev.data.bytes).catch((e: unknown) => port?.postMessage({ kind: 'disconnect', message: (e as Error)?.message ?? String(e) }));
    };
    return { programHash: sim.programHashHex };
  },

  /** The page opened its port: open the fake link's host end at `baudRate` (replugs after a disconnect). */
  async open(baudRate: number): Promise<void> {
    if (!link) throw new Error('board-sim worker: init() first');
    pumpStop?.();
    await link.host.open({ baudRate });
    hostWriter = link.host.writable!.getWriter();
    startPump();
  },

  /** The page closed its port. */
  async close(): Promise<void> {
    pumpStop?.();
    pumpStop = null;
    hostWriter = null;
    await link?.host.close();
  },

  /** Arm a byte-level fault on the link. */
  injectPortFault(fault: PortFault): void {
    link?.inject(fault);
  },

  /** Arm a board-level fault. */
  injectBoardFault(fault: BoardFault): void {
    sim?.inject(fault);
  },

  /** Re-flash the simulated board. Returns its new program hash. */
  setProgram(program: DhmProgram): string {
    sim!.setProgram(program);
    return sim!.programHashHex;
  },

  /** Counters of the board and the faults that fired. */
  stats(): { readonly board: BoardSimulatorStats; readonly firedPortFaults: number; readonly firedBoardFaults: readonly BoardFault[] } {
    return { board: { ...sim!.stats }, firedPortFaults: link?.fired.length ?? 0, firedBoardFaults: [...(sim?.firedFaults ?? [])] };
  },

  /** Stop the board and the link. */
  async shutdown(): Promise<void> {
    pumpStop?.();
    link?.shutdown();
    await sim?.stop();
    port?.close();
    link = null;
    sim = null;
  },
};

/** The comlink API of this worker. */
export type BoardSimWorkerApi = typeof api;

expose(api);
