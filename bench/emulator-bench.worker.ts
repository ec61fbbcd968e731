/**
 * Module worker for the Chromium scaling benchmark (bench/emulator-browser.ts), driven through comlink: holds one
 * emulator instance, one program and one frame, and runs the frame `n` times back to back into a reused output array
 * (no per-frame message), returning the elapsed ms — the emulator's own compute throughput per worker, without the
 * per-frame comlink round trip that workers/dhm.worker.ts (also measured) pays.
 */
import { expose } from 'comlink';
import { createEmulator, type DhmEmulator } from '../src/dhm/wasm';
import type { DhmProgram } from '../src/dhm/program';
import { controlSpin } from './control';

let emulator: DhmEmulator | null = null;
let sink = 0; // keeps the control loop's result alive
/** Last control-loop result (never read by the bench; stops the loop being optimised away). */
export const lastSink = (): number => sink;
let job: { program: DhmProgram; frame: Uint8Array; output: Int32Array } | null = null;

const api = {
  /** Instantiates the emulator from the bytes of dist/dhm.wasm. */
  async init(wasm: Uint8Array): Promise<void> {
    emulator = await createEmulator(wasm);
  },
  /** Sets the program and the frame (HWC RGB bytes) that `runMany` runs. */
  load(program: DhmProgram, frame: Uint8Array): void {
    if (!emulator) throw new Error('bench worker: init() first');
    job = { program, frame, output: new Int32Array(emulator.run(program, frame).output.length) };
  },
  /** Control: `n` frames of bench/control.ts's pure-JS loop (about 1 ms of one core each); returns the elapsed ms. */
  spin(n: number): number {
    const t0 = performance.now();
    sink = controlSpin(n);
    return performance.now() - t0;
  },
  /** Runs the loaded frame `n` times; returns the elapsed ms (performance.now in the worker). */
  runMany(n: number): number {
    if (!emulator || !job) throw new Error('bench worker: init() and load() first');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) emulator.run(job.program, job.frame, { output: job.output });
    return performance.now() - t0;
  },
};

/** The comlink API of this worker. */
export type BenchWorkerApi = typeof api;

expose(api);
