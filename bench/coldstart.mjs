#!/usr/bin/env node
/**
 * Cold start and live frames per second of the demo page against a bare onnxruntime-web page (measured here).
 *
 * Cold start: for every network and EP, a fresh Chromium with a fresh profile (empty caches, no service worker)
 * navigates to the demo page (`/?tail=<ep>&network=<id>`), presses Run as soon as the page says it is ready, and the
 * time from navigation start to the hybrid top-1 shown (`#top5-hybrid[data-shown-ms]`, the page's performance.now())
 * is taken; then, in another fresh browser, the bare page (bench/coldstart-bare.ts: the same ORT build and EP, same
 * model file, same image; fetch, one session, preprocess, run, top-1) from navigation start to its top-1; beside each,
 * the CPU time the browser used until then (bench/proc-cpu.mjs: all its processes, and the renderer's main thread). Page and
 * bare alternate within a round (the order flips every round) so both see the same machine load. Ratio = median page /
 * median bare; target ≤ 1.2. Beside it, the per-round ratios (page / bare of the same round): their median and range.
 * Live: the demo page's live mode on the sample images for `--live-seconds`, hybrid frames per second next to the
 * bare full model's on the same EP, measured by the page; target ≥ 0.9.
 * A/B: `--baseline DIR` also measures, in every round, the demo page of another checkout DIR (its own dist/ and models/,
 * e.g. a `git worktree` of an earlier commit, built with `npm run build` and `npm run models` there) the same way, and
 * prints demo page / baseline: whether a change to the page made its cold start faster, in the same minutes.
 *
 * Usage: node bench/coldstart.mjs [--eps wasm,webgpu|none] [--networks squeezenet1.1,mobilenetv2,shufflenetv2]
 *          [--rounds 3] [--live-eps wasm|webgpu|none] [--live-seconds 20] [--results bench/results] [--settle 1|0]
 *          [--baseline DIR]
 * Each fresh browser is left to settle before it navigates (bench/cpu-idle.mjs `settle`: until ≥ 1.8 of 2 cores are idle
 * for 0.2 s, at most 5 s — a fresh Chromium renders its own WebUI for ≈0.5 s after launch); `--settle 0` navigates at once.
 * Needs `npm run build` and `npm run models`. Raw JSON (every measurement, CPU model, 1-min load averages and idle
 * cores beside each) goes to <results>/coldstart-<UTC timestamp>.json (bench/results.mjs); the table goes to stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import os from 'node:os';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROME_PATH, CHROMIUM_ARGS, ROOT, chromiumVersion, opt, requireInputs } from './chromium-setup.mjs';
import { freeCores, settle } from './cpu-idle.mjs';
import { cpuSnapshot, cpuUsed } from './proc-cpu.mjs';
import { median, roundRatios, sourceText, sourceVersion, writeResults } from './results.mjs';

const EPS = opt('eps', 'wasm,webgpu').split(',').filter((e) => e && e !== 'none');
const NETWORKS = opt('networks', 'squeezenet1.1,mobilenetv2,shufflenetv2').split(',').filter(Boolean);
const ROUNDS = Number(opt('rounds', '3'));
const LIVE_EPS = opt('live-eps', 'wasm').split(',').filter((e) => e && e !== 'none');
const LIVE_SECONDS = Number(opt('live-seconds', '20'));
const TIMEOUT_MS = Number(opt('timeout', '600')) * 1000;
// Navigate only once the fresh browser's own start-up work is done (`--settle 0`: at once, as the runs before this option).
const SETTLE = opt('settle', '1') !== '0';
const RESULTS = resolve(opt('results', join(ROOT, 'bench', 'results')));
const BASELINE = opt('baseline', null) === null ? null : resolve(opt('baseline', ''));

requireInputs('bench/coldstart', [['dist/index.html', 'npm run build'], ['dist/ort/ort.wasm.bundle.min.mjs', 'npm run build'], ['models/images/cat.bmp', 'npm run models']]);
if (BASELINE) requireInputs('bench/coldstart --baseline', [[join(BASELINE, 'dist/index.html'), `cd ${BASELINE} && npm run build`], [join(BASELINE, 'models/images/cat.bmp'), `cd ${BASELINE} && npm run models`]]);
for (const e of [...EPS, ...LIVE_EPS]) if (e !== 'wasm' && e !== 'webgpu') { console.error(`bench/coldstart: unknown EP '${e}' (wasm or webgpu)`); process.exit(1); }

const tmp = mkdtempSync(join(os.tmpdir(), 'dhm-coldstart-'));
await build({ entryPoints: [join(ROOT, 'bench/coldstart-bare.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', outfile: join(tmp, 'bare.js') });
writeFileSync(join(tmp, 'bare.html'), '<!doctype html><meta charset="utf-8"><title>bare onnxruntime-web</title><link rel="icon" href="data:,"><p id="top1">…</p><script type="module" src="bare.js"></script>\n');
const server = await startServer({ root: join(ROOT, 'dist'), mounts: { '/models/': join(ROOT, 'models'), '/bench-build/': tmp } });
// the baseline checkout's page with its own models/ (its prebuilt programs carry its own compiler's hash)
const baselineServer = BASELINE ? await startServer({ root: join(BASELINE, 'dist'), mounts: { '/models/': join(BASELINE, 'models') } }) : null;

const loads = [];
const sampleLoad = () => loads.push(os.loadavg()[0]);
const loadTimer = setInterval(sampleLoad, 1000);

/**
 * One fresh browser (fresh profile directory), quiet before `fn` (see SETTLE), closed and removed after it; `fn`'s result
 * + `settled`. `fn` gets `cpuSince()`: call it to start a CPU window, and the function it returns to end it (the
 * browser's CPU seconds in between, bench/proc-cpu.mjs; null without /proc).
 */
async function withFreshBrowser(fn) {
  const profile = mkdtempSync(join(os.tmpdir(), 'dhm-profile-'));
  const browser = await puppeteer.launch({ executablePath: CHROME_PATH, headless: true, args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`], protocolTimeout: TIMEOUT_MS });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // A fresh Chromium renders its own WebUI (the omnibox popup) for ≈0.5 s after launch on this machine kind (seen in
    // traces: ≈0.3–0.8 s of CPU beside either page); a visitor's browser has done that long before they navigate.
    const settled = SETTLE ? await settle() : null;
    const pid = browser.process()?.pid ?? null;
    const snapshot = () => (pid === null ? null : cpuSnapshot(pid));
    const cpuSince = () => {
      const before = snapshot();
      return () => cpuUsed(before, snapshot());
    };
    return { ...(await fn(page, errors, cpuSince)), settled };
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Demo page (of `origin`: this checkout's, or the baseline's): navigation start → hybrid top-1 shown, ms (the page's clock), with Run pressed as soon as it is ready. */
async function demoColdStart(network, ep, origin = server.url) {
  return withFreshBrowser(async (page, errors, cpuSince) => {
    const load0 = os.loadavg()[0];
    const cpuUntilNow = cpuSince();
    await page.goto(`${origin}/?tail=${ep}&network=${network}`);
    await page.waitForFunction(() => {
      const s = document.querySelector('#status')?.dataset.state;
      if (s === 'error') return true;
      return s === 'ready' && document.querySelector('#image-name')?.dataset.name && !document.querySelector('#run-btn').disabled;
    }, { timeout: TIMEOUT_MS, polling: 50 });
    const readyMs = await page.evaluate(() => performance.now());
    await page.$eval('#run-btn', (b) => b.click());
    await page.waitForFunction(() => document.querySelector('#top5-hybrid')?.dataset.shownMs || document.querySelector('#status')?.dataset.state === 'error', { timeout: TIMEOUT_MS, polling: 50 });
    const cpu = cpuUntilNow();
    const r = await page.evaluate(() => ({
      shownMs: Number(document.querySelector('#top5-hybrid')?.dataset.shownMs ?? NaN),
      top1: document.querySelector('#top5-hybrid-list li')?.dataset.label ?? null,
      tailEp: document.querySelector('#tail-reason')?.dataset.ep ?? null,
      programSource: document.querySelector('#program-source')?.dataset.source ?? null,
      programDetail: document.querySelector('#program-source')?.textContent ?? null,
      error: document.querySelector('#error')?.hidden === false ? document.querySelector('#error').textContent : null,
    }));
    if (r.error || !Number.isFinite(r.shownMs)) throw new Error(`demo page (${network}, ${ep}) failed: ${r.error ?? 'no result'} ${errors.join('; ')}`);
    if (r.tailEp !== ep) throw new Error(`demo page ran the tail on ${r.tailEp}, not ${ep}`);
    return { ms: r.shownMs, readyMs, top1: r.top1, programSource: r.programSource, programDetail: r.programDetail, load1m: load0, cpu };
  });
}

/** Bare page: navigation start → top-1, ms. */
async function bareColdStart(network, ep) {
  return withFreshBrowser(async (page, errors, cpuSince) => {
    const load0 = os.loadavg()[0];
    const cpuUntilNow = cpuSince();
    await page.goto(`${server.url}/bench-build/bare.html?model=${network}&ep=${ep}&image=cat`);
    await page.waitForFunction(() => window.__bare, { timeout: TIMEOUT_MS, polling: 50 });
    const cpu = cpuUntilNow();
    const r = await page.evaluate(() => window.__bare);
    if (r.error) throw new Error(`bare page (${network}, ${ep}) failed: ${r.error} ${errors.join('; ')}`);
    return { ms: r.firstResultMs, top1: r.top1, load1m: load0, cpu };
  });
}

/** The demo's live mode for `seconds`: hybrid and bare frames per second (measured by the page). */
async function liveFps(network, ep, seconds) {
  return withFreshBrowser(async (page, errors) => {
    await page.goto(`${server.url}/?tail=${ep}&network=${network}`);
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'ready' && !document.querySelector('#live-start').disabled, { timeout: TIMEOUT_MS, polling: 100 });
    await page.$eval('#live-start', (b) => b.click()); // a DOM click: the button may be scrolled out of view
    await page.waitForFunction(() => ['running', 'error'].includes(document.querySelector('#live-status')?.dataset.state) && (document.querySelector('#live-fps')?.dataset.hybridFps || document.querySelector('#live-status')?.dataset.state === 'error'), { timeout: TIMEOUT_MS, polling: 200 });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await page.$eval('#live-stop', (b) => b.click());
    await page.waitForFunction(() => ['stopped', 'error'].includes(document.querySelector('#live-status')?.dataset.state), { timeout: TIMEOUT_MS, polling: 200 });
    const r = await page.evaluate(() => ({ ...document.querySelector('#live-fps').dataset, status: document.querySelector('#live-status').textContent, state: document.querySelector('#live-status').dataset.state }));
    if (r.state === 'error') throw new Error(`live (${network}, ${ep}) failed: ${r.status} ${errors.join('; ')}`);
    return { hybridFps: Number(r.hybridFps), bareFps: Number(r.bareFps), ratio: Number(r.ratio), frames: Number(r.frames), longestTaskMs: Number(r.longestTaskMs) };
  });
}

const idleBefore = await freeCores();
const coldstart = [];
const live = [];
let failure = null;
try {
  for (const ep of EPS) {
    for (const network of NETWORKS) {
      const runs = { page: [], bare: [], baseline: [] };
      const { page, bare, baseline } = runs;
      for (let round = 0; round < ROUNDS; round++) {
        // the order rotates every round, so that no page always comes first after a quiet spell
        const kinds = baselineServer ? ['bare', 'page', 'baseline'] : ['bare', 'page'];
        const order = baselineServer ? kinds.map((_, i) => kinds[(i + round) % kinds.length]) : round % 2 === 0 ? kinds : [...kinds].reverse();
        for (const which of order) {
          const m = which === 'page' ? await demoColdStart(network, ep) : which === 'baseline' ? await demoColdStart(network, ep, baselineServer.url) : await bareColdStart(network, ep);
          runs[which].push(m);
          console.error(`  ${network} ${ep} round ${round + 1} ${which}: ${(m.ms / 1000).toFixed(2)} s (${m.top1}${m.programSource ? `; head program ${m.programSource}` : ''}; 1-min load ${m.load1m.toFixed(2)}${m.cpu ? `; CPU ${m.cpu.total.toFixed(2)} s, renderer main thread ${(m.cpu['renderer-main'] ?? 0).toFixed(2)} s` : ''}${m.settled ? `; settled ${m.settled.waitedMs} ms, ${m.settled.idleCores?.toFixed(1)} cores idle` : ''})`);
        }
      }
      const row = { network, ep, pageMs: median(page.map((m) => m.ms)), bareMs: median(bare.map((m) => m.ms)), page, bare };
      row.ratio = row.pageMs / row.bareMs;
      row.roundRatios = roundRatios(row);
      // CPU until the top-1 (all the browser's processes; the renderer's main thread), medians over the loads
      const cpuOf = (ms, k) => (ms.every((m) => m.cpu) ? median(ms.map((m) => m.cpu[k] ?? 0)) : null);
      row.cpuS = { page: cpuOf(page, 'total'), bare: cpuOf(bare, 'total'), pageMain: cpuOf(page, 'renderer-main'), bareMain: cpuOf(bare, 'renderer-main') };
      if (baselineServer) {
        row.baseline = baseline;
        row.baselineMs = median(baseline.map((m) => m.ms));
        row.vsBaseline = row.pageMs / row.baselineMs;
      }
      coldstart.push(row);
    }
  }
  for (const ep of LIVE_EPS) {
    for (const network of NETWORKS) {
      const m = await liveFps(network, ep, LIVE_SECONDS);
      console.error(`  live ${network} ${ep}: hybrid ${m.hybridFps.toFixed(2)} fps, bare ${m.bareFps.toFixed(2)} fps, ratio ${m.ratio.toFixed(2)} (${m.frames} frames; longest main-thread task ${m.longestTaskMs.toFixed(0)} ms)`);
      live.push({ network, ep, seconds: LIVE_SECONDS, ...m });
    }
  }
} catch (e) {
  failure = e;
} finally {
  clearInterval(loadTimer);
  await server.close();
  await baselineServer?.close();
  rmSync(tmp, { recursive: true, force: true });
}
const idleAfter = await freeCores();

const chromium = chromiumVersion();
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, chromium,
  loadAverage1m: loads.length ? { min: Math.min(...loads), max: Math.max(...loads), median: median(loads) } : null,
  idleCoresBefore: idleBefore, idleCoresAfter: idleAfter,
};
const baselineInfo = BASELINE ? { dir: BASELINE, source: sourceVersion(BASELINE) } : null;
const OUT = writeResults(RESULTS, 'coldstart', { date: new Date().toISOString(), rounds: ROUNDS, settle: SETTLE, machine, coldstart, live, baseline: baselineInfo, error: failure ? String(failure) : null });

if (coldstart.length) {
  console.log('Cold start, navigation → first top-1 (fresh profile; median of %d rounds; measured here):', ROUNDS);
  console.log('network        EP      demo page   bare ORT page   ratio   (target ≤ 1.2)   per round: median (min–max)   CPU s demo / bare (renderer main thread)');
}
const cpuText = (r) => (r.cpuS.page === null ? 'not measured' : `${r.cpuS.page.toFixed(2)} / ${r.cpuS.bare.toFixed(2)} (${r.cpuS.pageMain.toFixed(2)} / ${r.cpuS.bareMain.toFixed(2)})`);
const roundsText = (r) => (r.roundRatios ? `${r.roundRatios.median.toFixed(2)}x (${r.roundRatios.min.toFixed(2)}–${r.roundRatios.max.toFixed(2)})` : '—');
for (const r of coldstart) console.log(`${r.network.padEnd(14)} ${r.ep.padEnd(7)} ${(r.pageMs / 1000).toFixed(2).padStart(7)} s   ${(r.bareMs / 1000).toFixed(2).padStart(9)} s   ${r.ratio.toFixed(2).padStart(5)}x  ${(r.ratio <= 1.2 ? 'ok' : 'MISSED').padEnd(17)} ${roundsText(r).padEnd(29)} ${cpuText(r)}`);
if (baselineInfo) {
  console.log(`A/B: demo page / the baseline's demo page (${BASELINE}, ${sourceText(baselineInfo.source)}), medians of the same rounds (below 1: this checkout is faster):`);
  for (const r of coldstart) console.log(`${r.network.padEnd(14)} ${r.ep.padEnd(7)} ${(r.pageMs / 1000).toFixed(2).padStart(7)} s / ${(r.baselineMs / 1000).toFixed(2).padStart(5)} s   ${r.vsBaseline.toFixed(3)}x`);
}
if (live.length) {
  console.log(`Live mode on the sample images, ${LIVE_SECONDS} s each (frames per second measured by the page):`);
  console.log('network        EP      hybrid fps   bare fps   ratio   (target ≥ 0.9)');
  for (const r of live) console.log(`${r.network.padEnd(14)} ${r.ep.padEnd(7)} ${r.hybridFps.toFixed(2).padStart(10)}   ${r.bareFps.toFixed(2).padStart(8)}   ${r.ratio.toFixed(2).padStart(5)}x  ${r.ratio >= 0.9 ? 'ok' : 'MISSED'}`);
}
console.log(`${machine.chromium}, headless; ${machine.cpu} (${machine.cores} cores), Node ${machine.node}; 1-min load average ${machine.loadAverage1m ? `${machine.loadAverage1m.min.toFixed(2)}–${machine.loadAverage1m.max.toFixed(2)} (median ${machine.loadAverage1m.median.toFixed(2)})` : 'n/a'}; ` +
  `${idleBefore?.toFixed(2) ?? '?'} / ${idleAfter?.toFixed(2) ?? '?'} of ${machine.cores} cores idle before / after — other processes share these cores, figures are noisy. Raw JSON: ${OUT}`);
if (failure) {
  console.error(`bench/coldstart: ${failure.message ?? failure}`);
  process.exit(1);
}
