/**
 * worker_threads worker of the Node scaling benchmark (bench/emulator.ts bundles it with esbuild, since workers do not
 * inherit the tsx loader): one emulator instance running `runs` frames of one head back to back into a reused output
 * array, or, with `program: null`, the control loop of bench/control.ts. Posts 'ready' after the warm-up, waits for a
 * message, runs, and posts the elapsed ms.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEmulator } from '../src/dhm/wasm';
import type { DhmProgram } from '../src/dhm/program';
import { controlSpin } from './control';

/** What bench/emulator.ts passes as `workerData`. */
export interface NodeBenchWorkerData {
  readonly wasm: Uint8Array;
  readonly program: DhmProgram | null;
  readonly frame: Uint8Array | null;
  readonly runs: number;
  readonly warmup: number;
}

const { wasm, program, frame, runs, warmup } = workerData as NodeBenchWorkerData;
let sink = 0;
let step: () => void;
if (program === null || frame === null) {
  step = () => { sink ^= controlSpin(1); };
} else {
  const emu = await createEmulator(wasm);
  const out = new Int32Array(emu.run(program, frame).output.length);
  step = () => { emu.run(program, frame, { output: out }); };
}
for (let i = 0; i < warmup; i++) step();
parentPort!.postMessage('ready');
parentPort!.once('message', () => {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) step();
  parentPort!.postMessage(performance.now() - t0);
  (globalThis as { __sink?: number }).__sink = sink;
});
