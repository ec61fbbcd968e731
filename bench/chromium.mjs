#!/usr/bin/env node
/**
 * Benchmark driver (measured): runs bench/emulator-browser.ts in Debian's headless Chromium and prints its table —
 * emulator MAC/s vs onnxruntime-web's wasm EP (1 thread each, same page) on the first-layer heads, and the scaling of
 * the comlink module worker (workers/dhm.worker.ts) from 1 to 2 workers.
 *
 * 1. esbuild bundles bench/emulator-browser.ts and workers/dhm.worker.ts into a temporary folder;
 * 2. scripts/serve.mjs's startServer serves that folder at /bench-build/ and the repository root at / (so dist/dhm.wasm,
 *    models/ and node_modules/onnxruntime-web/dist/*.wasm are reachable), with the cross-origin isolation headers;
 * 3. puppeteer-core launches Chromium (CHROME_PATH or /usr/bin/chromium; --js-flags=--expose-gc so the page can collect
 *    between timed blocks, as the Node bench does) and polls `window.__bench`.
 * The 1-minute load average of the machine (os.loadavg) is sampled every second and reported per phase (the page names
 * its phase, and the head, in `window.__bench.progress`); the text lines come from the page (bench/heads.ts formatRow).
 *
 * Usage: node bench/chromium.mjs [--runs 30] [--rounds 3] [--warmup 5] [--frames 240] [--no-workers] [--json]
 * Needs dist/dhm.wasm (`npm run build`) and the models (`npm run models`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROME_PATH, CHROMIUM_ARGS, ROOT, args, chromiumVersion, opt, requireInputs } from './chromium-setup.mjs';
import { cpuInfo, formatCpu, freeCores } from './cpu-idle.mjs';
import { writeResults } from './results.mjs';

const JSON_OUT = args.includes('--json');
/** --no-save: do not write bench/results/ (a quick look). */
const NO_SAVE = args.includes('--no-save');
const TIMEOUT_MS = Number(opt('timeout', '900')) * 1000;

requireInputs('bench/chromium', [['dist/dhm.wasm', 'npm run build'], ['models/images/cat.bmp', 'npm run models']]);

const tmp = mkdtempSync(join(os.tmpdir(), 'dhm-bench-browser-'));
const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', sourcemap: 'inline' };
await build({ ...common, entryPoints: [join(ROOT, 'bench/emulator-browser.ts')], outfile: join(tmp, 'emulator-browser.js') });
await build({ ...common, entryPoints: [join(ROOT, 'workers/dhm.worker.ts')], outfile: join(tmp, 'dhm.worker.js') });
await build({ ...common, entryPoints: [join(ROOT, 'bench/emulator-bench.worker.ts')], outfile: join(tmp, 'emulator-bench.worker.js') });
writeFileSync(join(tmp, 'index.html'), '<!doctype html><meta charset="utf-8"><title>dhm bench</title><link rel="icon" href="data:,"><script type="module" src="./emulator-browser.js"></script>\n');

const { url: base, close: closeServer } = await startServer({ root: ROOT, mounts: { '/bench-build/': tmp } });

const query = new URLSearchParams({
  runs: opt('runs', '30'), rounds: opt('rounds', '3'), warmup: opt('warmup', '5'), frames: opt('frames', '240'),
  workers: args.includes('--no-workers') ? '0' : '1',
  wasmUrl: '/dist/dhm.wasm', ortWasmUrl: '/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
  workerUrl: '/bench-build/dhm.worker.js', benchWorkerUrl: '/bench-build/emulator-bench.worker.js', models: '/models/',
});

const idleBefore = await freeCores();
const loads = {}; // phase → 1-minute load averages sampled during it
let browser;
let result;
try {
  browser = await puppeteer.launch({
    executablePath: CHROME_PATH, headless: true, protocolTimeout: TIMEOUT_MS,
    args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'],
  });
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.error(`page ${m.type()}: ${m.text()}`); });
  await page.goto(`${base}/bench-build/index.html?${query}`);
  const t0 = Date.now();
  for (;;) {
    const st = await page.evaluate(() => window.__bench && { done: window.__bench.done, progress: window.__bench.progress ?? 'loading' });
    const phase = st?.progress?.startsWith('setting up') ? 'setup' : (st?.progress ?? 'loading');
    (loads[phase] ??= []).push(os.loadavg()[0]);
    if (st?.done) break;
    if (Date.now() - t0 > TIMEOUT_MS) throw new Error(`bench/chromium: no result after ${TIMEOUT_MS / 1000} s (last phase: ${phase})`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const st = await page.evaluate(() => window.__bench);
  if (st.error) throw new Error(`bench/chromium: the page failed: ${st.error}`);
  result = st.result;
} finally {
  await browser?.close();
  await closeServer();
  rmSync(tmp, { recursive: true, force: true });
}
const idleAfter = await freeCores();

const range = (xs) => (xs && xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : 'n/a');
const cpu = cpuInfo();
const machine = {
  node: process.version, chromium: chromiumVersion(), cpu: cpu.model, cores: cpu.cores, caches: cpu.caches,
  loadAverage1m: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, range(v)])), idleCoresBefore: idleBefore, idleCoresAfter: idleAfter,
};
const fmtIdle = (v) => (v === null ? '?' : v.toFixed(2));
const full = { ...result, bench: 'chromium', date: new Date().toISOString(), machine };
const file = NO_SAVE ? null : writeResults(join(ROOT, 'bench', 'results'), 'chromium', full);
if (JSON_OUT) {
  console.log(JSON.stringify(full, null, 2));
} else {
  const p = result.page;
  for (const line of result.lines) console.log(line);
  console.log(`measured in ${machine.chromium} (headless; page crossOriginIsolated=${p.crossOriginIsolated}, onnxruntime-web ${p.ortVersion} wasm build, numThreads 1): ` +
    `median of ${p.rounds} rounds x ${p.runs} runs per block after ${p.warmup} warm-up; ${formatCpu(cpu)}, Node ${machine.node}; ` +
    `1-min load average during ${Object.entries(machine.loadAverage1m).map(([k, v]) => `${k} ${v}`).join(', ')} ; ${fmtIdle(idleBefore)} / ${fmtIdle(idleAfter)} of ${machine.cores} cores idle in the second before / after the run — other processes share these cores, figures are noisy`);
  if (file) console.log(`raw results: ${file} (README tables: node bench/readme-tables.mjs)`);
}
