/**
 * Benchmark (measured), Node half: throughput of the bit-exact Wasm DHM emulator (dist/dhm.wasm) on the first-layer head
 * of each network against onnxruntime-web's wasm EP running the same head as a float ONNX model, single thread, in the
 * same Node process, printed as a ratio of MAC/s. Heads, bit-exactness gate, timing loop, rows and text output are
 * shared with the Chromium half (bench/emulator-browser.ts, driven by bench/chromium.mjs) through bench/heads.ts; see
 * `timeRuns` there for exactly what each timed block includes (allocation, input copy, output copy).
 *
 * Headline ratio: ORT time / emulator time with a pooled output (the product's path: the page's worker and the
 * in-process backend write into an output array handed back through HeadBackend.recycle). Also printed: the ratio
 * with a fresh emulator output per run, and the cost of allocating and filling one fresh output-sized array here.
 *
 * Scaling (measured): `frames` frames of each head split evenly over 1 and over 2 Node worker_threads started together
 * (bench/emulator-bench.node-worker.ts: own emulator instance, reused output, 30 warm-up frames first), 1 worker then 2
 * workers repeated `rounds` times; median aggregate frames/s of 2 workers over that of 1 worker. A control row runs the
 * same harness on bench/control.ts's pure-JS loop: when it does not reach ~2x either, the machine had no free core for
 * the 2nd worker. The 1-minute load average and the idle cores in the second before each row are printed with it.
 *
 * Usage: `node --expose-gc --import tsx bench/emulator.ts [--runs 30] [--rounds 3] [--warmup 5] [--frames 240] [--wasm dist/dhm.wasm] [--no-workers] [--json]`
 * (`npm run bench` builds first). Each head: warm-up runs, then `rounds` rounds (over all heads, so a burst of load from
 * other processes does not hit one head only) of `runs` timed runs per block; medians and 25th–75th percentiles.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-web';
import { createEmulator } from '../src/dhm/wasm';
import { getModel } from '../src/models/registry';
import { nodeCalibrationFrames } from '../cli/calibration';
import {
  buildFittingHeads, formatRow, formatScaling, measureScaling, modelPath, resultRow, timeRuns, timedHead,
  type ScalingResult, type TimedHead,
} from './heads';
import type { NodeBenchWorkerData } from './emulator-bench.node-worker';
import { cpuInfo, formatCpu, freeCores } from './cpu-idle.mjs';
import { writeResults } from './results.mjs';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : dflt;
};
const RUNS = Number(opt('runs', '30'));
const ROUNDS = Number(opt('rounds', '3'));
const WARMUP = Number(opt('warmup', '5'));
const FRAMES = Number(opt('frames', '240'));
const WASM = resolve(opt('wasm', 'dist/dhm.wasm'));
const JSON_OUT = args.includes('--json');
/** --no-save: do not write bench/results/ (a quick look). */
const NO_SAVE = args.includes('--no-save');
const ROOT = resolve('.');
/** 1-minute load average (the 2 cores are shared with other processes). */
const load1m = (): number => Number(os.loadavg()[0]!.toFixed(2));
/** Bundles the worker_threads worker (they do not inherit the tsx loader) into a temporary folder; returns its path. */
async function workerScript(): Promise<string> {
  const out = join(mkdtempSync(join(os.tmpdir(), 'dhm-bench-')), 'worker.mjs');
  await build({ entryPoints: [resolve(ROOT, 'bench/emulator-bench.node-worker.ts')], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'error' });
  return out;
}

/** Frames/s of `n` workers running `frames` frames of `h` (null: the control loop) in total, split evenly, started together. */
async function workersFps(script: string, wasm: Uint8Array, h: TimedHead | null, n: number, frames: number): Promise<number> {
  const runs = Math.floor(frames / n);
  const data: NodeBenchWorkerData = { wasm, program: h?.program ?? null, frame: h?.frame ?? null, runs, warmup: Math.max(WARMUP, 30) };
  const ws = Array.from({ length: n }, () => new Worker(script, { workerData: data }));
  try {
    await Promise.all(ws.map((w) => new Promise<void>((res, rej) => { w.once('message', () => res()); w.once('error', rej); })));
    const t0 = performance.now();
    const done = ws.map((w) => new Promise<number>((res, rej) => { w.once('message', (ms: number) => res(ms)); w.once('error', rej); }));
    for (const w of ws) w.postMessage('go');
    await Promise.all(done);
    return (n * runs) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

async function main(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const emulator = await createEmulator(readFileSync(WASM));
  const gc = (globalThis as { gc?: () => void }).gc; // with node --expose-gc: start every block from a collected heap
  const heads: TimedHead[] = [];
  const built = buildFittingHeads((model) => new Uint8Array(readFileSync(resolve(ROOT, 'models', modelPath(model)))),
    (model) => nodeCalibrationFrames(getModel(model).preprocessing));
  for (const b of built) {
    const session = await ort.InferenceSession.create(b.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    heads.push(timedHead(emulator, b, session, { [session.inputNames[0]!]: new ort.Tensor('float32', b.input.data, [...b.input.dims]) }));
  }
  const idleAtStart = await freeCores();
  const loadTiming = [load1m()];
  for (const h of heads) await timeRuns(emulator, h, WARMUP, false, gc);
  for (let round = 0; round < ROUNDS; round++) for (const h of heads) await timeRuns(emulator, h, RUNS, true, gc);
  loadTiming.push(load1m());
  const rows: Record<string, unknown>[] = [];
  for (const h of heads) {
    await (h.session as unknown as ort.InferenceSession).release();
    const row = resultRow(emulator, h);
    rows.push({ ...row });
    if (!JSON_OUT) console.log(formatRow(row));
  }
  if (!JSON_OUT) console.log(`(single-thread rows on ${formatCpu(cpuInfo())}: 1-min load average ${loadTiming[0]} before, ${loadTiming[1]} after)`);
  let control: Record<string, unknown> | undefined;
  if (!args.includes('--no-workers')) {
    const script = await workerScript();
    const wasm = new Uint8Array(readFileSync(WASM));
    const note = async (run: () => Promise<ScalingResult>, label: string, what: string, macs?: number): Promise<Record<string, unknown>> => {
      const before = load1m();
      const idle = await freeCores();
      const s = await run();
      const after = load1m();
      const extra = { loadAverage1m: [before, after], idleCoresBefore: idle };
      if (!JSON_OUT) console.log(formatScaling(label, what, s, macs, `(load average ${before} before, ${after} after; ${idle === null ? '?' : idle.toFixed(2)} of ${os.cpus().length} cores idle just before)`));
      return { ...s, ...extra };
    };
    control = await note(() => measureScaling(FRAMES, ROUNDS, (n) => workersFps(script, wasm, null, n, FRAMES)), 'control: JS integer loop', 'worker_threads');
    for (const [i, h] of heads.entries()) {
      rows[i]!.workers = await note(() => measureScaling(FRAMES, ROUNDS, (n) => workersFps(script, wasm, h, n, FRAMES)), h.label, 'worker_threads', h.macs);
    }
  }
  const cpu = cpuInfo();
  const machine = { node: process.version, cpu: cpu.model, cores: cpu.cores, caches: cpu.caches, loadAverage1m: load1m(), loadAverage1mTiming: loadTiming, idleCoresAtStart: idleAtStart, runs: RUNS, rounds: ROUNDS, warmup: WARMUP };
  const result = { kind: 'measured', bench: 'node', date: new Date().toISOString(), machine, rows, workersControl: control };
  const file = NO_SAVE ? null : writeResults(resolve(ROOT, 'bench/results'), 'node', result);
  if (JSON_OUT) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(`measured: median of ${ROUNDS} rounds x ${RUNS} runs per block after ${WARMUP} warm-up, single thread, Node ${machine.node}; ${formatCpu(cpu)}; ` +
      `load average ${loadTiming[0]} before / ${machine.loadAverage1m.toFixed(2)} at the end, ${idleAtStart === null ? '?' : idleAtStart.toFixed(2)} of ${cpu.cores} cores idle at the start — other processes share these cores`);
    if (file) console.log(`raw results: ${file} (README tables: node bench/readme-tables.mjs)`);
  }
}

await main();
