/**
 * Benchmark (measured), in-page half of the Chromium run (driven by bench/chromium.mjs, which bundles this file with
 * esbuild and opens it in headless Chromium): the bit-exact Wasm DHM emulator (dist/dhm.wasm) against onnxruntime-web's
 * wasm EP (`onnxruntime-web/wasm` build, ort-wasm-simd-threaded.wasm, numThreads 1) on the first-layer head of each
 * network, both in the same page (main thread), single thread, printed as a ratio of MAC/s — the same heads, MAC
 * count, output handling and statistics as bench/emulator.ts (see bench/heads.ts):
 *  - emulator, fresh output: `run(program, frame)` returns a new NCHW Int32Array per run;
 *  - emulator, reused output: `run(program, frame, { output })`;
 *  - ORT: `session.run(feeds)` with the output copied out of ORT's heap into a new Float32Array (ORT web's default
 *    for CPU outputs); input tensor created once.
 * Each head: `warmup` runs, then `rounds` rounds over all heads of `runs` timed runs per side; median and IQR per run.
 *
 * Scaling, two figures, both as throughput ratio 2 workers / 1 worker over the same `frames` frames split evenly
 * (1 worker, then 2 workers, repeated `rounds` times; median frames/s of each):
 *  - compute: bench/emulator-bench.worker.ts (module worker, comlink) runs its share of frames back to back in one call
 *    (reused output) — the emulator's own scaling;
 *    plus a control: the same harness on a pure-JS integer loop (no emulator) — when it does not reach ~2x either,
 *    the machine had no free core for the 2nd worker;
 *  - page pipeline: the page's production worker (workers/dhm.worker.ts, a module worker driven through comlink) in 1 and in 2
 * instances; `frames` frames split evenly over the workers, each worker fed through comlink with up to 2 calls in
 * flight (so it never idles waiting for the next message); throughput ratio 2 workers / 1 worker. It includes the
 * comlink round trip (structured clone of program and frame, output transferred back) — what the page pays.
 *
 * Query parameters: runs (30), rounds (3), warmup (5), frames (240, for scaling), workers (1 = do scaling, 0 = skip),
 * workerUrl (URL of the bundled dhm.worker.js), wasmUrl (dist/dhm.wasm), ortWasmUrl (ort-wasm-simd-threaded.wasm),
 * models (URL of models/). Results land in `window.__bench` = { done, error?, result? } and on the console.
 */
import * as ort from 'onnxruntime-web/wasm';
import { wrap, type Remote } from 'comlink';
import { createEmulator, type DhmEmulator, type DhmEmulatorResult } from '../src/dhm/wasm';
import type { DhmProgram } from '../src/dhm/program';
import type { BenchWorkerApi } from './emulator-bench.worker';
import { HEADS, SAMPLE_IMAGES, buildHead, checkBitExact, iqr, median, modelPath, type BuiltHead } from './heads';

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

interface Head extends BuiltHead {
  readonly session: ort.InferenceSession;
  readonly feeds: Record<string, ort.Tensor>;
  readonly cycles: number;
  readonly reused: Int32Array;
  readonly te: number[];
  readonly tr: number[];
  readonly to: number[];
}

/**
 * The part of workers/dhm.worker.ts's comlink API (DhmWorkerApi) this bench uses, restated here because bench/'s
 * TypeScript project does not include workers/ (the driver bundles the real worker).
 */
interface DhmWorkerApi {
  init(source: Uint8Array): Promise<void>;
  run(program: DhmProgram, frame: Uint8Array): DhmEmulatorResult;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.(); // Chromium with --js-flags=--expose-gc

async function timeRuns(emulator: DhmEmulator, h: Head, n: number, record: boolean): Promise<void> {
  gc();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    emulator.run(h.program, h.frame);
    if (record) h.te.push(performance.now() - t0);
  }
  gc();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    emulator.run(h.program, h.frame, { output: h.reused });
    if (record) h.tr.push(performance.now() - t0);
  }
  gc();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await h.session.run(h.feeds);
    const out = r[h.session.outputNames[0]!]!;
    void (out.data as Float32Array)[0];
    if (record) h.to.push(performance.now() - t0);
    for (const v of Object.values(r)) v.dispose();
  }
}

/** Frames/s of `workers` running `frames` frames of `h` in total (split evenly), up to 2 comlink calls in flight each. */
async function workersFps(workers: readonly Remote<DhmWorkerApi>[], h: BuiltHead, frames: number): Promise<number> {
  const per = Math.floor(frames / workers.length);
  const t0 = performance.now();
  await Promise.all(workers.map(async (w) => {
    let sent = 0;
    const lane = async (): Promise<void> => {
      while (sent < per) {
        sent++;
        await w.run(h.program, h.frame);
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

async function main(): Promise<unknown> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = { wasm: new URL(ORT_WASM_URL, location.href).href };
  ort.env.logLevel = 'error';
  const wasmBytes = await fetchBytes(WASM_URL);
  const emulator = await createEmulator(wasmBytes);
  const images = await Promise.all(SAMPLE_IMAGES.map((f) => fetchBytes(`${MODELS_URL}images/${f}`)));
  const heads: Head[] = [];
  for (const { model, label } of HEADS) {
    state.progress = `setting up ${label}`;
    const b = buildHead(model, label, await fetchBytes(MODELS_URL + modelPath(model)), images);
    const cycles = checkBitExact(emulator, b);
    const session = await ort.InferenceSession.create(b.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', b.input.data, [...b.input.dims]) };
    heads.push({ ...b, session, feeds, cycles, reused: new Int32Array(emulator.run(b.program, b.frame).output.length), te: [], tr: [], to: [] });
  }
  state.progress = 'timing';
  for (const h of heads) await timeRuns(emulator, h, WARMUP, false);
  for (let round = 0; round < ROUNDS; round++) for (const h of heads) await timeRuns(emulator, h, RUNS, true);
  const rows: Record<string, unknown>[] = [];
  for (const h of heads) {
    await h.session.release();
    const emuMs = median(h.te);
    const reusedMs = median(h.tr);
    const ortMs = median(h.to);
    rows.push({
      head: h.label, cut: h.cut, macs: h.macs, emulatorMs: emuMs, ortMs, emulatorReusedOutputMs: reusedMs,
      emulatorIqrMs: iqr(h.te), ortIqrMs: iqr(h.to), emulatorReusedIqrMs: iqr(h.tr),
      emulatorGmacPerS: h.macs / emuMs / 1e6, ortGmacPerS: h.macs / ortMs / 1e6, emulatorReusedGmacPerS: h.macs / reusedMs / 1e6,
      ratio: ortMs / emuMs, ratioReusedOutput: ortMs / reusedMs,
      datapath: [...emulator.prepare(h.program).values()].join(','), cycles: h.cycles,
    });
  }
  let control: Record<string, unknown> | undefined;
  if (DO_WORKERS) {
    state.progress = 'workers-compute';
    const rawBench = [0, 1].map(() => new Worker(BENCH_WORKER_URL, { type: 'module' }));
    try {
      const ws = rawBench.map((w) => wrap<BenchWorkerApi>(w));
      await Promise.all(ws.map((w) => w.init(wasmBytes.slice())));
      {
        // control: a pure-JS loop through the same harness shows how much a 2nd worker can get from the machine now
        const spinFps = async (set: readonly Remote<BenchWorkerApi>[]): Promise<number> => {
          const per = Math.floor(FRAMES / set.length);
          const t0 = performance.now();
          await Promise.all(set.map((w) => w.spin(per)));
          return (per * set.length) / ((performance.now() - t0) / 1000);
        };
        await Promise.all(ws.map((w) => w.spin(30)));
        const ones: number[] = [];
        const twos: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          ones.push(await spinFps(ws.slice(0, 1)));
          twos.push(await spinFps(ws));
        }
        control = { frames: FRAMES, rounds: ROUNDS, oneFps: median(ones), twoFps: median(twos), scaling: median(twos) / median(ones) };
      }
      for (const [i, h] of heads.entries()) {
        await Promise.all(ws.map(async (w) => { await w.load(h.program, h.frame); await w.runMany(Math.max(WARMUP, 30)); }));
        const ones: number[] = [];
        const twos: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          ones.push(await batchFps(ws.slice(0, 1), FRAMES));
          twos.push(await batchFps(ws, FRAMES));
        }
        const one = median(ones);
        const two = median(twos);
        rows[i]!.computeWorkers = { frames: FRAMES, rounds: ROUNDS, oneFps: one, twoFps: two, scaling: two / one, oneFpsAll: ones, twoFpsAll: twos };
      }
    } finally {
      for (const w of rawBench) w.terminate();
    }
    state.progress = 'workers-pipeline';
    const raw = [0, 1].map(() => new Worker(WORKER_URL, { type: 'module' }));
    try {
      const ws = raw.map((w) => wrap<DhmWorkerApi>(w));
      await Promise.all(ws.map((w) => w.init(wasmBytes.slice())));
      for (const [i, h] of heads.entries()) {
        // warm-up: 30 frames in each worker, then the timed runs
        await Promise.all(ws.map(async (w) => { for (let k = 0; k < Math.max(WARMUP, 30); k++) await w.run(h.program, h.frame); }));
        const ones: number[] = [];
        const twos: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          ones.push(await workersFps(ws.slice(0, 1), h, FRAMES));
          twos.push(await workersFps(ws, h, FRAMES));
        }
        const one = median(ones);
        const two = median(twos);
        rows[i]!.workers = { frames: FRAMES, rounds: ROUNDS, oneFps: one, twoFps: two, scaling: two / one, oneFpsAll: ones, twoFpsAll: twos };
      }
    } finally {
      for (const w of raw) w.terminate();
    }
  }
  return {
    kind: 'measured',
    page: { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated, ortVersion: ort.env.versions.web, runs: RUNS, rounds: ROUNDS, warmup: WARMUP },
    rows, workersControl: control,
  };
}

main().then(
  (result) => { state.result = result; state.done = true; console.log('bench done'); },
  (e: unknown) => { state.error = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e); state.done = true; console.error(state.error); },
);
