/**
 * Benchmark (measured): throughput of the bit-exact Wasm DHM emulator (dist/dhm.wasm) on the first-layer head of
 * each network, against onnxruntime-web's wasm EP running the same head as a float ONNX model, single thread,
 * in the same Node process, printed as a ratio of MAC/s.
 *
 * Heads: squeezenet1.1 conv1+relu, mobilenetv2 conv1+relu6, shufflenetv2 conv1+relu — cut 0 of each model
 * (src/graph listCuts), compiled to a DhmProgram with the default 8-bit options (src/dhm/quantize.ts, calibrated on
 * the two BMP sample images) and serialised as the float head ONNX for ORT (splitToOnnx). MACs = Cout·Hout·Wout·
 * (Cin/groups)·kH·kW (the ORT-style count, bias and activation not counted), the same number for both sides.
 * Main ratio: both sides return a fresh output array per run (ORT copies its output tensor out of its heap into a
 * new Float32Array; the emulator copies its NCHW output into a new Int32Array) — on this machine allocating and
 * filling a fresh 3 MB array costs 0.3–1.5 ms, a large share of both sides' time. Second ratio: the emulator writing
 * into a reused output array (`run(..., { output })`; ORT's wasm EP has no equivalent for CPU outputs and is timed
 * as before). The emulator's figures include its data-valid/cycle emulation of every pixel.
 *
 * Scaling (measured): the same heads in 1 and in 2 Node worker_threads at once (each its own emulator instance,
 * reused output, 30 warm-up then 10·`runs` frames each); aggregate frames/s of 2 workers over 1 worker. The machine's 2 cores are
 * shared with other processes, so this is an upper-bounded, noisy figure.
 *
 * Usage: `node --expose-gc --import tsx bench/emulator.ts [--runs 30] [--rounds 3] [--warmup 5] [--wasm dist/dhm.wasm] [--no-workers] [--json]`
 * (run `npm run build` or `npx asc wasm-dhm/index.ts --config wasm-dhm/asconfig.json --target release` first).
 * Each head: warm-up runs, then `rounds` rounds (over all heads, so a burst of load from other processes does not
 * hit one head only) of `runs` timed runs per side, side after side; the median per-run time over all rounds is
 * reported, with the 25th–75th percentile range (IQR).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import * as ort from 'onnxruntime-web';
import { createEmulator, type DhmEmulator } from '../src/dhm/wasm';
import { runReference } from '../src/dhm/reference';
import { compileHead } from '../src/dhm/quantize';
import type { DhmProgram } from '../src/dhm/program';
import { loadGraph, listCuts, splitAt, splitToOnnx } from '../src/graph/index';
import { MODELS, type ModelId } from '../src/models/registry';
import { decodeBmp } from '../src/image/bmp';
import { frameToTensor, toFrame } from '../src/image/preprocess';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : dflt;
};
const RUNS = Number(opt('runs', '30'));
const ROUNDS = Number(opt('rounds', '3'));
const WARMUP = Number(opt('warmup', '5'));
const WASM = resolve(opt('wasm', 'dist/dhm.wasm'));
const JSON_OUT = args.includes('--json');
const ROOT = resolve('.');

const HEADS: readonly { readonly model: ModelId; readonly label: string }[] = [
  { model: 'squeezenet1.1', label: 'squeezenet1.1 conv1+relu' },
  { model: 'mobilenetv2', label: 'mobilenetv2 conv1+relu6' },
  { model: 'shufflenetv2', label: 'shufflenetv2 conv1+relu' },
];

function headMacs(program: DhmProgram): number {
  let macs = 0;
  for (const l of program.layers) {
    if (l.kind !== 'conv') continue;
    const o = program.streams[l.output]!;
    macs += o.channels * o.height * o.width * (l.inChannels / l.groups) * l.kernelH * l.kernelW;
  }
  return macs;
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
};
const median = (xs: readonly number[]): number => quantile(xs, 0.5);
const iqr = (xs: readonly number[]): string => `${quantile(xs, 0.25).toFixed(2)}–${quantile(xs, 0.75).toFixed(2)}`;

interface Head {
  readonly label: string;
  readonly cut: string;
  readonly program: DhmProgram;
  readonly frame: Uint8Array;
  readonly session: ort.InferenceSession;
  readonly feeds: Record<string, ort.Tensor>;
  readonly macs: number;
  readonly cycles: number;
  readonly reused: Int32Array;
  readonly te: number[];
  readonly tr: number[];
  readonly to: number[];
}

async function setup(emulator: DhmEmulator, model: ModelId, label: string): Promise<Head> {
  const m = MODELS.find((x) => x.id === model)!;
  const g = loadGraph(readFileSync(resolve(ROOT, 'models', m.file.path)));
  const cuts = listCuts(g);
  const frames = ['cat.bmp', 'dragonfly.bmp'].map((f) => toFrame(decodeBmp(readFileSync(resolve(ROOT, 'models/images', f)), f), m.preprocessing));
  const { program } = compileHead(splitAt(g, 0, cuts).head, {
    preprocessing: m.preprocessing, calibrationFrames: frames, report: false, modelId: model, cutIndex: 0,
  });
  const frame = frames[0]!.data;
  // Bit-exactness gate: the timed emulator must equal the reference executor on this head.
  const check = emulator.run(program, frame);
  const ref = runReference(program, frame);
  if (check.output.length !== ref.output.length || check.output.some((v, i) => v !== ref.output[i])) {
    throw new Error(`${label}: emulator output differs from the reference executor — refusing to benchmark`);
  }
  const session = await ort.InferenceSession.create(splitToOnnx(g, 0).head, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const t = frameToTensor(frames[0]!, m.preprocessing);
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', t.data, [...t.dims]) };
  return {
    label, cut: cuts[0]!.tensor, program, frame, session, feeds, macs: headMacs(program), cycles: check.cycles.total,
    reused: new Int32Array(check.output.length), te: [], tr: [], to: [],
  };
}

/**
 * `n` timed runs of one head for each side, one side after the other (so each side's timings include the
 * garbage-collection work caused by its own allocations only): emulator (fresh output), emulator (reused output), ORT.
 */
async function timeRuns(emulator: DhmEmulator, h: Head, n: number, record: boolean): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc; // with node --expose-gc: start every block from a collected heap
  gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    emulator.run(h.program, h.frame);
    if (record) h.te.push(performance.now() - t0);
  }
  gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    emulator.run(h.program, h.frame, { output: h.reused });
    if (record) h.tr.push(performance.now() - t0);
  }
  gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await h.session.run(h.feeds);
    const out = r[h.session.outputNames[0]!]!;
    void (out.data as Float32Array)[0]; // the output is in JS memory (copied out of ORT's heap)
    if (record) h.to.push(performance.now() - t0);
    for (const v of Object.values(r)) v.dispose();
  }
}

/** Source of the scaling worker: runs one head `runs` times on its own emulator and reports the elapsed ms. */
const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
import { createEmulator } from './wasm-entry.mjs';
const { wasm, program, frame, runs, warmup } = workerData;
const emu = await createEmulator(wasm);
const out = new Int32Array(emu.run(program, frame).output.length);
for (let i = 0; i < warmup; i++) emu.run(program, frame, { output: out });
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) emu.run(program, frame, { output: out });
  parentPort.postMessage(performance.now() - t0);
});
`;

/** Bundles src/dhm/wasm.ts for worker_threads (they do not inherit the tsx loader) into a temporary folder. */
async function workerScript(): Promise<string> {
  const dir = mkdtempSync(join(os.tmpdir(), 'dhm-bench-'));
  await build({ entryPoints: [resolve(ROOT, 'src/dhm/wasm.ts')], bundle: true, format: 'esm', platform: 'node', outfile: join(dir, 'wasm-entry.mjs'), logLevel: 'error' });
  writeFileSync(join(dir, 'worker.mjs'), WORKER_SOURCE);
  return join(dir, 'worker.mjs');
}

/** Frames/s of `n` workers running `runs` frames each, started together. */
async function workersFps(script: string, wasm: Uint8Array, h: Head, n: number, runs: number): Promise<number> {
  const ws = Array.from({ length: n }, () => new Worker(script, { workerData: { wasm, program: h.program, frame: h.frame, runs, warmup: Math.max(WARMUP, 30) } }));
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
  const heads: Head[] = [];
  for (const { model, label } of HEADS) heads.push(await setup(emulator, model, label));
  for (const h of heads) await timeRuns(emulator, h, WARMUP, false);
  for (let round = 0; round < ROUNDS; round++) for (const h of heads) await timeRuns(emulator, h, RUNS, true);
  const rows: Record<string, unknown>[] = [];
  for (const h of heads) {
    await h.session.release();
    const emuMs = median(h.te);
    const reusedMs = median(h.tr);
    const ortMs = median(h.to);
    const row = {
      head: h.label, cut: h.cut, macs: h.macs, emulatorMs: emuMs, ortMs, emulatorReusedOutputMs: reusedMs,
      emulatorIqrMs: iqr(h.te), ortIqrMs: iqr(h.to), emulatorReusedIqrMs: iqr(h.tr),
      emulatorGmacPerS: h.macs / emuMs / 1e6, ortGmacPerS: h.macs / ortMs / 1e6, emulatorReusedGmacPerS: h.macs / reusedMs / 1e6,
      ratio: ortMs / emuMs, ratioReusedOutput: ortMs / reusedMs,
      datapath: [...emulator.prepare(h.program).values()].join(','), cycles: h.cycles,
    };
    rows.push(row);
    if (!JSON_OUT) {
      console.log(
        `${h.label.padEnd(26)} ${(h.macs / 1e6).toFixed(2).padStart(6)} MMAC | emulator ${emuMs.toFixed(2)} ms (IQR ${row.emulatorIqrMs}) ` +
        `${row.emulatorGmacPerS.toFixed(2)} GMAC/s | ORT wasm 1T ${ortMs.toFixed(2)} ms (IQR ${row.ortIqrMs}) ${row.ortGmacPerS.toFixed(2)} GMAC/s | ` +
        `ratio ${row.ratio.toFixed(2)}x | reused output: ${reusedMs.toFixed(2)} ms ${row.emulatorReusedGmacPerS.toFixed(2)} GMAC/s, ` +
        `ratio ${row.ratioReusedOutput.toFixed(2)}x | ${row.datapath}, ${h.cycles} cycles`,
      );
    }
  }
  if (!args.includes('--no-workers')) {
    const script = await workerScript();
    const wasm = new Uint8Array(readFileSync(WASM));
    for (const [i, h] of heads.entries()) {
      const one = await workersFps(script, wasm, h, 1, RUNS * 10);
      const two = await workersFps(script, wasm, h, 2, RUNS * 10);
      (rows[i] as Record<string, unknown>).workers = { oneFps: one, twoFps: two, scaling: two / one };
      if (!JSON_OUT) {
        console.log(`${h.label.padEnd(26)} workers: 1 → ${one.toFixed(0)} frames/s (${(one * h.macs / 1e9).toFixed(2)} GMAC/s), ` +
          `2 → ${two.toFixed(0)} frames/s (${(two * h.macs / 1e9).toFixed(2)} GMAC/s), scaling ${(two / one).toFixed(2)}x`);
      }
    }
  }
  const machine = { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage1m: os.loadavg()[0], runs: RUNS, rounds: ROUNDS, warmup: WARMUP };
  if (JSON_OUT) console.log(JSON.stringify({ kind: 'measured', machine, rows }, null, 2));
  else console.log(`measured: median of ${ROUNDS} rounds x ${RUNS} runs per side after ${WARMUP} warm-up, single thread, Node ${machine.node}, ${machine.cpu} (${machine.cores} cores, load average ${machine.loadAverage1m.toFixed(2)} — other processes share these cores)`);
}

await main();
