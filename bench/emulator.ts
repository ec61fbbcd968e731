/**
 * Benchmark (measured): throughput of the bit-exact Wasm DHM emulator (dist/dhm.wasm) on the first-layer head of
 * each network, against onnxruntime-web's wasm EP running the same head as a float ONNX model, single thread,
 * in the same Node process, printed as a ratio of MAC/s. Head building, MAC count and statistics are shared with the
 * Chromium run (bench/emulator-browser.ts, driven by bench/chromium.mjs) through bench/heads.ts.
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
 * Scaling (measured): `frames` frames of each head split evenly over 1 and over 2 Node worker_threads started together
 * (each its own emulator instance, reused output, 30 warm-up frames first), 1 worker then 2 workers repeated `rounds`
 * times; median aggregate frames/s of 2 workers over that of 1 worker. A control row runs the same harness on a pure-JS
 * integer loop (no emulator): when it does not reach ~2x either, the machine had no free core for the 2nd worker. The machine's 2 cores are
 * shared with other processes, so this is an upper-bounded, noisy figure.
 *
 * Usage: `node --expose-gc --import tsx bench/emulator.ts [--runs 30] [--rounds 3] [--warmup 5] [--frames 240] [--wasm dist/dhm.wasm] [--no-workers] [--json]`
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
import type { DhmProgram } from '../src/dhm/program';
import { HEADS, SAMPLE_IMAGES, buildHead, checkBitExact, idleCores, iqr, median, modelPath } from './heads';
import type { ModelId } from '../src/models/registry';

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
const ROOT = resolve('.');
/** 1-minute load average, as text (the 2 cores are shared with other processes). */
const load = (): string => os.loadavg()[0]!.toFixed(2);
/** Idle cores over the next second while this process waits (Linux /proc/stat; null elsewhere): how much CPU is free. */
async function freeCores(): Promise<number | null> {
  try {
    const a = readFileSync('/proc/stat', 'utf8');
    await new Promise((r) => setTimeout(r, 1000));
    return idleCores(a, readFileSync('/proc/stat', 'utf8'), os.cpus().length);
  } catch {
    return null;
  }
}

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
  const b = buildHead(model, label, readFileSync(resolve(ROOT, 'models', modelPath(model))),
    SAMPLE_IMAGES.map((f) => readFileSync(resolve(ROOT, 'models/images', f))));
  const cycles = checkBitExact(emulator, b);
  const session = await ort.InferenceSession.create(b.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', b.input.data, [...b.input.dims]) };
  return {
    label, cut: b.cut, program: b.program, frame: b.frame, session, feeds, macs: b.macs, cycles,
    reused: new Int32Array(emulator.run(b.program, b.frame).output.length), te: [], tr: [], to: [],
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
let step;
if (program === null) {
  // control: a pure-JS integer loop (about 1 ms of one core per frame, no memory traffic)
  step = () => {
    let acc = 1;
    for (let k = 0; k < 1_500_000; k++) acc = (Math.imul(acc, 1103515245) + 12345) | 0;
    globalThis.__sink = acc;
  };
} else {
  const emu = await createEmulator(wasm);
  const out = new Int32Array(emu.run(program, frame).output.length);
  step = () => emu.run(program, frame, { output: out });
}
for (let i = 0; i < warmup; i++) step();
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) step();
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

/** Frames/s of `n` workers running `frames` frames in total (split evenly), started together. */
async function workersFps(script: string, wasm: Uint8Array, h: Head | null, n: number, frames: number): Promise<number> {
  const runs = Math.floor(frames / n);
  const ws = Array.from({ length: n }, () => new Worker(script, { workerData: { wasm, program: h?.program ?? null, frame: h?.frame ?? null, runs, warmup: Math.max(WARMUP, 30) } }));
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
  let control: Record<string, unknown> | undefined;
  if (!args.includes('--no-workers')) {
    const script = await workerScript();
    const wasm = new Uint8Array(readFileSync(WASM));
    const scaling = async (h: Head | null): Promise<{ one: number; two: number; ones: number[]; twos: number[] }> => {
      const ones: number[] = [];
      const twos: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        ones.push(await workersFps(script, wasm, h, 1, FRAMES));
        twos.push(await workersFps(script, wasm, h, 2, FRAMES));
      }
      return { one: median(ones), two: median(twos), ones, twos };
    };
    {
      // control: the same harness on a pure-JS loop shows how much a 2nd worker can get from the machine right now
      const load1 = load();
      const idle = await freeCores();
      const c = await scaling(null);
      control = { frames: FRAMES, rounds: ROUNDS, oneFps: c.one, twoFps: c.two, scaling: c.two / c.one, loadAverage1m: Number(load1), idleCoresBefore: idle };
      if (!JSON_OUT) {
        console.log(`${'control: JS integer loop'.padEnd(26)} workers (${FRAMES} frames x ${ROUNDS} rounds): 1 → ${c.one.toFixed(0)} frames/s, 2 → ${c.two.toFixed(0)} frames/s, ` +
          `scaling 2w/1w ${(c.two / c.one).toFixed(2)}x (load average ${load1}; ${idle === null ? '?' : idle.toFixed(2)} of ${os.cpus().length} cores idle just before)`);
      }
    }
    for (const [i, h] of heads.entries()) {
      const load1 = load();
      const idle = await freeCores();
      const { one, two, ones, twos } = await scaling(h);
      const load2 = load();
      (rows[i] as Record<string, unknown>).workers = {
        frames: FRAMES, rounds: ROUNDS, oneFps: one, twoFps: two, scaling: two / one, oneFpsAll: ones, twoFpsAll: twos, loadAverage1m: [Number(load1), Number(load2)], idleCoresBefore: idle,
      };
      if (!JSON_OUT) {
        console.log(`${h.label.padEnd(26)} workers (${FRAMES} frames x ${ROUNDS} rounds): 1 → ${one.toFixed(0)} frames/s (${(one * h.macs / 1e9).toFixed(2)} GMAC/s), ` +
          `2 → ${two.toFixed(0)} frames/s (${(two * h.macs / 1e9).toFixed(2)} GMAC/s), scaling 2w/1w ${(two / one).toFixed(2)}x ` +
          `(load average ${load1} before, ${load2} after; ${idle === null ? '?' : idle.toFixed(2)} of ${os.cpus().length} cores idle just before)`);
      }
    }
  }
  const machine = { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage1m: os.loadavg()[0], runs: RUNS, rounds: ROUNDS, warmup: WARMUP };
  if (JSON_OUT) console.log(JSON.stringify({ kind: 'measured', machine, rows, workersControl: control }, null, 2));
  else console.log(`measured: median of ${ROUNDS} rounds x ${RUNS} runs per side after ${WARMUP} warm-up, single thread, Node ${machine.node}, ${machine.cpu} (${machine.cores} cores, load average ${machine.loadAverage1m.toFixed(2)} — other processes share these cores)`);
}

await main();
