/**
 * In-process head backends: the TypeScript reference executor and the Wasm emulator on the calling thread (used by
 * the Node CLI and tests). The page runs the emulator in a worker instead (www/worker-backend.ts), and a board —
 * real or simulated — through src/board.
 */
import type { DhmProgram } from '../dhm/program';
import { runReference } from '../dhm/reference';
import { createEmulator, type DhmEmulator, type DhmWasmSource } from '../dhm/wasm';
import { abortError } from '../backend/abort';
import { type FrameInput, type HeadBackend, type HeadResult } from '../backend/head-backend';
import { OutputPool } from './output-pool';

function shapeOf(program: DhmProgram): [number, number, number] {
  const s = program.streams[program.output]!;
  return [s.channels, s.height, s.width];
}

/** A backend that runs `exec` on the calling thread, timing it and honouring the abort signal before and after. */
function inProcessBackend(kind: 'reference' | 'wasm', description: string,
  exec: (program: DhmProgram, frame: Uint8Array) => { output: Int32Array; cycles: HeadResult['cycles'] },
  recycle?: (output: Int32Array) => void): HeadBackend {
  return {
    ...(recycle ? { recycle } : {}),
    kind,
    description,
    async run(program, frame: FrameInput, signal?: AbortSignal): Promise<HeadResult> {
      if (signal?.aborted) throw abortError(signal);
      const t0 = performance.now();
      const r = exec(program, frame.data);
      if (signal?.aborted) throw abortError(signal);
      return { output: r.output, shape: shapeOf(program), format: program.streams[program.output]!.format, cycles: r.cycles, backend: kind, wallMs: performance.now() - t0 };
    },
    async dispose() {},
  };
}

/** The TypeScript reference executor (src/dhm/reference.ts): clarity over speed. */
export function referenceBackend(): HeadBackend {
  return inProcessBackend('reference', 'TypeScript reference executor', (program, frame) => runReference(program, frame));
}

/** The Wasm emulator on the calling thread, from the bytes (or compiled module) of dist/dhm.wasm; recycles outputs handed back. */
export async function wasmInProcessBackend(source: DhmWasmSource): Promise<HeadBackend> {
  const emu: DhmEmulator = await createEmulator(source);
  const pool = new OutputPool();
  return inProcessBackend('wasm', 'Wasm emulator (in process)', (program, frame) => {
    const s = program.streams[program.output];
    const spare = s ? pool.take(s.channels * s.height * s.width) : undefined;
    return emu.run(program, frame, spare ? { output: spare } : {});
  }, (output) => pool.put(output));
}
