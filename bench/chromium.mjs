#!/usr/bin/env node
/**
 * Benchmark driver (measured): runs bench/emulator-browser.ts in Debian's headless Chromium and prints its table —
 * emulator MAC/s vs onnxruntime-web's wasm EP (1 thread each, same page) on the first-layer heads, and the scaling of
 * the comlink module worker (workers/dhm.worker.ts) from 1 to 2 workers.
 *
 * 1. esbuild bundles bench/emulator-browser.ts and workers/dhm.worker.ts into a temporary folder;
 * 2. a tiny static server on 127.0.0.1 serves that folder at /bench-build/ and the repository root at / (so dist/dhm.wasm,
 *    models/ and node_modules/onnxruntime-web/dist/*.wasm are reachable), with the cross-origin isolation headers;
 * 3. puppeteer-core launches Chromium (CHROME_PATH or /usr/bin/chromium; --js-flags=--expose-gc so the page can collect
 *    between timed blocks, as the Node bench does) and polls `window.__bench`.
 * The 1-minute load average of the machine (os.loadavg) is sampled every second and reported per phase.
 *
 * Usage: node bench/chromium.mjs [--runs 30] [--rounds 3] [--warmup 5] [--frames 240] [--no-workers] [--json]
 * Needs dist/dhm.wasm (`npm run build`) and the models (`npm run models`).
 */
import { createServer } from 'node:http';
import { createReadStream, readFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const JSON_OUT = args.includes('--json');
const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = Number(opt('timeout', '900')) * 1000;

for (const [p, how] of [['dist/dhm.wasm', 'npm run build'], ['models/images/cat.bmp', 'npm run models']]) {
  if (!existsSync(join(ROOT, p))) {
    console.error(`bench/chromium: ${p} is missing: run \`${how}\``);
    process.exit(1);
  }
}
if (!existsSync(CHROME_PATH)) {
  console.error(`bench/chromium: Chromium not found at ${CHROME_PATH}: install it (apt-get install -y chromium) or set CHROME_PATH`);
  process.exit(1);
}

const tmp = mkdtempSync(join(os.tmpdir(), 'dhm-bench-browser-'));
const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', sourcemap: 'inline' };
await build({ ...common, entryPoints: [join(ROOT, 'bench/emulator-browser.ts')], outfile: join(tmp, 'emulator-browser.js') });
await build({ ...common, entryPoints: [join(ROOT, 'workers/dhm.worker.ts')], outfile: join(tmp, 'dhm.worker.js') });
await build({ ...common, entryPoints: [join(ROOT, 'bench/emulator-bench.worker.ts')], outfile: join(tmp, 'emulator-bench.worker.js') });
writeFileSync(join(tmp, 'index.html'), '<!doctype html><meta charset="utf-8"><title>dhm bench</title><script type="module" src="./emulator-browser.js"></script>\n');

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
function resolvePath(urlPath) {
  const p = decodeURIComponent(urlPath.split('?')[0]);
  const [base, rel] = p.startsWith('/bench-build/') ? [tmp, p.slice('/bench-build/'.length)] : [ROOT, p.slice(1)];
  const full = normalize(join(base, rel));
  return full === base || full.startsWith(base + sep) ? full : null;
}
const server = createServer((req, res) => {
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin', 'Cache-Control': 'no-cache' };
  if (req.url === '/favicon.ico') {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  const file = resolvePath(req.url ?? '/');
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end(`not found: ${req.url}`);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
  createReadStream(file).pipe(res);
});
await new Promise((res) => server.listen(0, '127.0.0.1', res));
const base = `http://127.0.0.1:${server.address().port}`;

const query = new URLSearchParams({
  runs: opt('runs', '30'), rounds: opt('rounds', '3'), warmup: opt('warmup', '5'), frames: opt('frames', '240'),
  workers: args.includes('--no-workers') ? '0' : '1',
  wasmUrl: '/dist/dhm.wasm', ortWasmUrl: '/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm',
  workerUrl: '/bench-build/dhm.worker.js', benchWorkerUrl: '/bench-build/emulator-bench.worker.js', models: '/models/',
});

/** Idle cores between two /proc/stat texts (idle + iowait share of the aggregate `cpu` line × cores); as bench/heads.ts idleCores. */
function idleCores(before, after, cores) {
  const parse = (t) => t.split('\n').find((l) => l.startsWith('cpu '))?.trim().split(/\s+/).slice(1).map(Number) ?? null;
  const a = parse(before);
  const b = parse(after);
  if (!a || !b) return null;
  const d = b.map((v, i) => v - (a[i] ?? 0));
  const total = d.reduce((s, v) => s + v, 0);
  return total > 0 ? ((d[3] + (d[4] ?? 0)) / total) * cores : null;
}
/** Idle cores over 1 s (Linux /proc/stat; null elsewhere), measured while nothing of this bench runs. */
async function freeCores() {
  try {
    const a = readFileSync('/proc/stat', 'utf8');
    await new Promise((r) => setTimeout(r, 1000));
    return idleCores(a, readFileSync('/proc/stat', 'utf8'), os.cpus().length);
  } catch {
    return null;
  }
}
const idleBefore = await freeCores();
const loads = {}; // phase → 1-minute load averages sampled during it
let browser;
let result;
try {
  browser = await puppeteer.launch({
    executablePath: CHROME_PATH, headless: true, protocolTimeout: TIMEOUT_MS,
    args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--no-first-run', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--js-flags=--expose-gc'],
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
  server.close();
  rmSync(tmp, { recursive: true, force: true });
}
const idleAfter = await freeCores();

const range = (xs) => (xs && xs.length ? `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}` : 'n/a');
let chromiumVersion = 'unknown';
try { chromiumVersion = execFileSync(CHROME_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { /* keep unknown */ }
const machine = {
  node: process.version, chromium: chromiumVersion, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length,
  loadAverage1m: Object.fromEntries(Object.entries(loads).map(([k, v]) => [k, range(v)])), idleCoresBefore: idleBefore, idleCoresAfter: idleAfter,
};
const fmtIdle = (v) => (v === null ? '?' : v.toFixed(2));
if (JSON_OUT) {
  console.log(JSON.stringify({ ...result, machine }, null, 2));
} else {
  const p = result.page;
  for (const r of result.rows) {
    console.log(
      `${r.head.padEnd(26)} ${(r.macs / 1e6).toFixed(2).padStart(6)} MMAC | emulator ${r.emulatorMs.toFixed(2)} ms (IQR ${r.emulatorIqrMs}) ` +
      `${r.emulatorGmacPerS.toFixed(2)} GMAC/s | ORT wasm 1T ${r.ortMs.toFixed(2)} ms (IQR ${r.ortIqrMs}) ${r.ortGmacPerS.toFixed(2)} GMAC/s | ` +
      `ratio ${r.ratio.toFixed(2)}x | reused output: ${r.emulatorReusedOutputMs.toFixed(2)} ms ${r.emulatorReusedGmacPerS.toFixed(2)} GMAC/s, ` +
      `ratio ${r.ratioReusedOutput.toFixed(2)}x | ${r.datapath}, ${r.cycles} cycles`,
    );
  }
  if (result.workersControl) {
    const c = result.workersControl;
    console.log(`${'control: JS integer loop'.padEnd(26)} compute workers (${c.frames} frames x ${c.rounds} rounds, batch): 1 → ${c.oneFps.toFixed(0)} frames/s, ` +
      `2 → ${c.twoFps.toFixed(0)} frames/s, scaling 2w/1w ${c.scaling.toFixed(2)}x`);
  }
  for (const r of result.rows) {
    if (!r.computeWorkers) continue;
    const w = r.computeWorkers;
    console.log(`${r.head.padEnd(26)} compute workers (${w.frames} frames x ${w.rounds} rounds, batch): 1 → ${w.oneFps.toFixed(0)} frames/s (${(w.oneFps * r.macs / 1e9).toFixed(2)} GMAC/s), ` +
      `2 → ${w.twoFps.toFixed(0)} frames/s (${(w.twoFps * r.macs / 1e9).toFixed(2)} GMAC/s), scaling 2w/1w ${w.scaling.toFixed(2)}x`);
  }
  for (const r of result.rows) {
    if (!r.workers) continue;
    const w = r.workers;
    console.log(`${r.head.padEnd(26)} page dhm.worker (${w.frames} frames x ${w.rounds} rounds, per-frame comlink): 1 → ${w.oneFps.toFixed(0)} frames/s (${(w.oneFps * r.macs / 1e9).toFixed(2)} GMAC/s), ` +
      `2 → ${w.twoFps.toFixed(0)} frames/s (${(w.twoFps * r.macs / 1e9).toFixed(2)} GMAC/s), scaling 2w/1w ${w.scaling.toFixed(2)}x`);
  }
  console.log(`measured in ${machine.chromium} (headless; page crossOriginIsolated=${p.crossOriginIsolated}, onnxruntime-web ${p.ortVersion} wasm build, numThreads 1): ` +
    `median of ${p.rounds} rounds x ${p.runs} runs per side after ${p.warmup} warm-up; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}; ` +
    `1-min load average during ${Object.entries(machine.loadAverage1m).map(([k, v]) => `${k} ${v}`).join(', ')} ; ${fmtIdle(idleBefore)} / ${fmtIdle(idleAfter)} of ${machine.cores} cores idle in the second before / after the run — other processes share these cores, figures are noisy`);
}
