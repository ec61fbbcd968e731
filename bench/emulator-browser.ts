/**
 * Benchmark (measured), Chromium half (driven by bench/chromium.mjs, which bundles this file with esbuild and opens it in
 * headless Chromium): the bit-exact Wasm DHM emulator (dist/dhm.wasm) against onnxruntime-web's wasm EP
 * (`onnxruntime-web/wasm` build, ort-wasm-simd-threaded.wasm, numThreads 1) on the first-layer head of each network, both
 * in the same page (main thread), single thread, printed as a ratio of MAC/s. Heads, bit-exactness gate, timing loop
 * (what each timed block includes: `timeRuns` in bench/heads.ts), rows and text lines are shared with the Node half
 * (bench/emulator.ts) through bench/heads.ts. Headline ratio: emulator with a pooled output (the product's path).
 *
 * Scaling, two figures, both as throughput ratio 2 workers / 1 worker over the same `frames` frames split evenly
 * (1 worker, then 2 workers, repeated `rounds` times; median frames/s of each):
 *  - compute: bench/emulator-bench.worker.ts (module worker, comlink) runs its share of frames back to back in one call
 *    (reused output) — the emulator's own scaling; plus a control: the same harness on bench/control.ts's pure-JS loop
 *    (no emulator) — when it does not reach ~2x either, the machine had no free core for the 2nd worker;
 *  - page worker: the page's production worker (workers/dhm.worker.ts through comlink), per frame: program and frame
 *    structured-cloned in, the previous output of that lane transferred back in for reuse (as www/worker-backend.ts does
 *    with recycled outputs), the output transferred out; up to 2 calls in flight per worker so it never idles.
 * `window.__bench.progress` names the phase (and head) so that the driver can sample the load average per phase.
 *
 * Query parameters: runs (30), rounds (3), warmup (5), frames (240, for scaling), workers (1 = do scaling, 0 = skip),
 * workerUrl (URL of the bundled dhm.worker.js), benchWorkerUrl, wasmUrl (dist/dhm.wasm), ortWasmUrl
 * (ort-wasm-simd-threaded.wasm), models (URL of models/). Results land in `window.__bench` = { done, error?, result? }.
 */
import * as ort from 'onnxruntime-web/wasm';
import { transfer, wrap, type Remote } from 'comlink';
import { createEmulator, type DhmEmulatorResult } from '../src/dhm/wasm';
import { getModel } from '../src/models/registry';
import { loadCalibrationFrames } from '../src/dhm/calibration-set';
import type { RgbFrame } from '../src/image/preprocess';
import { decodeImageUrl } from '../www/image';
import type { DhmProgram } from '../src/dhm/program';
import type { BenchWorkerApi } from './emulator-bench.worker';
import type { ModelId } from '../src/models/registry';
import {
  BENCH_MODELS, buildFittingHeads, formatRow, formatScaling, measureScaling, modelPath, resultRow, timeRuns, timedHead,
  type ResultRow, type ScalingResult, type TimedHead,
} from './heads';

interface BenchState { done: boolean; error?: string; result?: unknown; progress?: string }
const state: BenchState = { done: false };
(globalThis as unknown as { __bench: BenchState }).__bench = state;

const q = new URLSearchParams(location.search);
const num = (k: string, d: number): number => (q.has(k) ? Number(q.get(k)) : d);
const RUNS = num('runs', 30);
const ROUNDS = num('rounds', 3);
const WARMUP = num('warmup', 5);
const FRAMES = num('frames', 240);
const DO_WORKERS = num('workers', 1) !== 0;
const WASM_URL = q.get('wasmUrl') ?? '/dist/dhm.wasm';
const ORT_WASM_URL = q.get('ortWasmUrl') ?? '/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
const WORKER_URL = q.get('workerUrl') ?? '/bench-build/dhm.worker.js';
const BENCH_WORKER_URL = q.get('benchWorkerUrl') ?? '/bench-build/emulator-bench.worker.js';
const MODELS_URL = q.get('models') ?? '/models/';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetching ${url} failed: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

/**
 * The part of workers/dhm.worker.ts's comlink API (DhmWorkerApi) this bench uses, restated here because bench/'s
 * TypeScript project does not include workers/ (the driver bundles the real worker).
 */
interface DhmWorkerApi {
  init(source: Uint8Array): Promise<void>;
  run(program: DhmProgram, frame: Uint8Array, recycled?: Int32Array): DhmEmulatorResult;
}

const gc = (globalThis as { gc?: () => void }).gc; // Chromium with --js-flags=--expose-gc

/** Frames/s of `workers` running `frames` frames of `h` in total (split evenly), 2 lanes per worker recycling their outputs. */
async function pageWorkersFps(workers: readonly Remote<DhmWorkerApi>[], h: TimedHead, frames: number): Promise<number> {
  const per = Math.floor(frames / workers.length);
  const t0 = performance.now();
  await Promise.all(workers.map(async (w) => {
    let sent = 0;
    const lane = async (): Promise<void> => {
      let spare: Int32Array | undefined;
      while (sent < per) {
        sent++;
        const frame = h.frame.slice(); // the page's backend sends its own copy, transferred
        const list = spare ? [frame.buffer, spare.buffer] : [frame.buffer];
        spare = (await w.run(h.program, transfer(frame, list), spare)).output;
      }
    };
    await Promise.all([lane(), lane()]);
  }));
  return (per * workers.length) / ((performance.now() - t0) / 1000);
}

/** Frames/s of bench workers running `frames` frames of the loaded head in total (split evenly), one batch call each. */
async function batchFps(workers: readonly Remote<BenchWorkerApi>[], frames: number): Promise<number> {
  const per = Math.floor(frames / workers.length);
  const t0 = performance.now();
  await Promise.all(workers.map((w) => w.runMany(per)));
  return (per * workers.length) / ((performance.now() - t0) / 1000);
}

/** Frames/s of the control loop in `workers` over `frames` frames in total (split evenly). */
async function spinFps(workers: readonly Remote<BenchWorkerApi>[], frames: number): Promise<number> {
  const per = Math.floor(frames / workers.length);
  const t0 = performance.now();
  await Promise.all(workers.map((w) => w.spin(per)));
  return (per * workers.length) / ((performance.now() - t0) / 1000);
}

async function main(): Promise<unknown> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = { wasm: new URL(ORT_WASM_URL, location.href).href };
  ort.env.logLevel = 'error';
  const wasmBytes = await fetchBytes(WASM_URL);
  const emulator = await createEmulator(wasmBytes);
  const heads: TimedHead[] = [];
  const modelBytes = new Map<ModelId, Uint8Array>();
  const frames = new Map<ModelId, readonly RgbFrame[]>();
  for (const model of BENCH_MODELS) {
    modelBytes.set(model, await fetchBytes(MODELS_URL + modelPath(model)));
    frames.set(model, await loadCalibrationFrames(getModel(model).preprocessing, (img) => decodeImageUrl(MODELS_URL + img.file.path)));
  }
  state.progress = 'setting up heads';
  for (const b of buildFittingHeads((model) => modelBytes.get(model)!, (model) => frames.get(model)!)) {
    state.progress = `setting up ${b.label}`;
    const session = await ort.InferenceSession.create(b.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    heads.push(timedHead(emulator, b, session, { [session.inputNames[0]!]: new ort.Tensor('float32', b.input.data, [...b.input.dims]) }));
  }
  state.progress = 'timing';
  for (const h of heads) await timeRuns(emulator, h, WARMUP, false, gc);
  for (let round = 0; round < ROUNDS; round++) for (const h of heads) await timeRuns(emulator, h, RUNS, true, gc);
  const rows: (ResultRow & { computeWorkers?: ScalingResult; workers?: ScalingResult })[] = [];
  for (const h of heads) {
    await (h.session as unknown as ort.InferenceSession).release();
    rows.push({ ...resultRow(emulator, h) });
  }
  const lines = rows.map(formatRow);
  let control: ScalingResult | undefined;
  if (DO_WORKERS) {
    state.progress = 'workers-control';
    const rawBench = [0, 1].map(() => new Worker(BENCH_WORKER_URL, { type: 'module' }));
    try {
      const ws = rawBench.map((w) => wrap<BenchWorkerApi>(w));
      await Promise.all(ws.map((w) => w.init(wasmBytes.slice())));
      await Promise.all(ws.map((w) => w.spin(30)));
      control = await measureScaling(FRAMES, ROUNDS, (n) => spinFps(ws.slice(0, n), FRAMES));
      lines.push(formatScaling('control: JS integer loop', 'compute workers, batch', control));
      for (const [i, h] of heads.entries()) {
        state.progress = `workers-compute ${h.label}`;
        await Promise.all(ws.map(async (w) => { await w.load(h.program, h.frame); await w.runMany(Math.max(WARMUP, 30)); }));
        const s = await measureScaling(FRAMES, ROUNDS, (n) => batchFps(ws.slice(0, n), FRAMES));
        rows[i]!.computeWorkers = s;
        lines.push(formatScaling(h.label, 'compute workers, batch', s, h.macs));
      }
    } finally {
      for (const w of rawBench) w.terminate();
    }
    const raw = [0, 1].map(() => new Worker(WORKER_URL, { type: 'module' }));
    try {
      const ws = raw.map((w) => wrap<DhmWorkerApi>(w));
      await Promise.all(ws.map((w) => w.init(wasmBytes.slice())));
      for (const [i, h] of heads.entries()) {
        state.progress = `workers-page ${h.label}`;
        await Promise.all(ws.map(async (w) => { for (let k = 0; k < Math.max(WARMUP, 30); k++) await w.run(h.program, h.frame); }));
        const s = await measureScaling(FRAMES, ROUNDS, (n) => pageWorkersFps(ws.slice(0, n), h, FRAMES));
        rows[i]!.workers = s;
        lines.push(formatScaling(h.label, 'page dhm.worker, per-frame comlink, recycled outputs', s, h.macs));
      }
    } finally {
      for (const w of raw) w.terminate();
    }
  }
  return {
    kind: 'measured',
    page: { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated, ortVersion: ort.env.versions.web, runs: RUNS, rounds: ROUNDS, warmup: WARMUP },
    rows, workersControl: control, lines,
  };
}

main().then(
  (result) => { state.result = result; state.done = true; console.log('bench done'); },
  (e: unknown) => { state.error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e); state.done = true; console.error(state.error); },
);
