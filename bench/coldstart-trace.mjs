#!/usr/bin/env node
/**
 * One cold start of the demo page and one of the bare onnxruntime-web page (bench/coldstart.mjs's pages), each in a
 * fresh Chromium with a fresh profile, under a Chrome performance trace; prints per thread (main, each worker) what ran
 * between navigation start and the first top-1: script compile/evaluate per file, wasm compiles, fetches, GC and the
 * longest tasks (measured here). Exploration tool, not a benchmark: tracing itself slows the page.
 * Usage: node bench/coldstart-trace.mjs [--network squeezenet1.1] [--ep wasm] [--out DIR] [--min-ms 5]
 * Needs `npm run build` and `npm run models`; the traces (JSON, loadable in Chrome DevTools) are written to --out.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import os from 'node:os';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { startServer } from '../scripts/serve.mjs';
import { CHROME_PATH, CHROMIUM_ARGS, ROOT, opt } from './chromium-setup.mjs';
import { settle } from './cpu-idle.mjs';

const NETWORK = opt('network', 'squeezenet1.1');
const EP = opt('ep', 'wasm');
const OUT = resolve(opt('out', os.tmpdir()));
mkdirSync(OUT, { recursive: true });
const MIN_MS = Number(opt('min-ms', '5'));
const CATEGORIES = ['devtools.timeline', 'disabled-by-default-v8.cpu_profiler', 'v8', 'v8.wasm', 'disabled-by-default-v8.compile', 'blink.user_timing', 'loading', 'disabled-by-default-devtools.timeline', 'v8.execute'];

const tmp = mkdtempSync(join(os.tmpdir(), 'dhm-trace-'));
await build({ entryPoints: [join(ROOT, 'bench/coldstart-bare.ts')], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error', outfile: join(tmp, 'bare.js') });
writeFileSync(join(tmp, 'bare.html'), '<!doctype html><meta charset="utf-8"><title>bare onnxruntime-web</title><link rel="icon" href="data:,"><p id="top1">…</p><script type="module" src="bare.js"></script>\n');
const server = await startServer({ root: join(ROOT, 'dist'), mounts: { '/models/': join(ROOT, 'models'), '/bench-build/': tmp } });

async function traced(which, fn) {
  const profile = mkdtempSync(join(os.tmpdir(), 'dhm-profile-'));
  const browser = await puppeteer.launch({ executablePath: CHROME_PATH, headless: true, args: [...CHROMIUM_ARGS, `--user-data-dir=${profile}`] });
  try {
    const page = await browser.newPage();
    await settle(); // as bench/coldstart.mjs: after the fresh browser's own start-up work
    const path = join(OUT, `trace-${which}-${NETWORK}-${EP}.json`);
    await page.tracing.start({ path, categories: CATEGORIES });
    const firstMs = await fn(page);
    // a mark whose page-clock time is known ties the trace's clock to the page's (performance.now() = 0 at navigation)
    const syncMs = await page.evaluate(() => performance.mark('trace-sync').startTime);
    await new Promise((r) => setTimeout(r, 300));
    await page.tracing.stop();
    return { path, firstMs, syncMs };
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

const demo = await traced('page', async (page) => {
  await page.goto(`${server.url}/?tail=${EP}&network=${NETWORK}`);
  await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'ready' && document.querySelector('#image-name')?.dataset.name && !document.querySelector('#run-btn').disabled, { polling: 50 });
  await page.$eval('#run-btn', (b) => b.click());
  await page.waitForFunction(() => document.querySelector('#top5-hybrid')?.dataset.shownMs, { polling: 50 });
  return page.evaluate(() => Number(document.querySelector('#top5-hybrid').dataset.shownMs));
});
const bare = await traced('bare', async (page) => {
  await page.goto(`${server.url}/bench-build/bare.html?model=${NETWORK}&ep=${EP}&image=cat`);
  await page.waitForFunction(() => window.__bare, { polling: 50 });
  return page.evaluate(() => window.__bare.firstResultMs);
});
await server.close();
rmSync(tmp, { recursive: true, force: true });

const { readFileSync } = await import('node:fs');
for (const [name, t] of [['demo page', demo], ['bare page', bare]]) {
  const ev = JSON.parse(readFileSync(t.path, 'utf8')).traceEvents;
  const names = new Map();
  for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args.name);
  const sync = ev.find((e) => e.name === 'trace-sync');
  const t0 = sync.ts - t.syncMs * 1000;
  const pid = sync.pid;
  const end = t0 + t.firstMs * 1000;
  console.log(`\n=== ${name}: first top-1 at ${(t.firstMs / 1000).toFixed(3)} s (trace ${t.path})`);
  const byThread = new Map();
  for (const e of ev) {
    if (e.ph !== 'X' || !e.dur || e.pid !== pid || e.ts < t0 - 1e5 || e.ts > end) continue;
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  const interesting = /^(RunTask|ThreadControllerImpl::RunTask|EvaluateScript|v8\.compile|v8\.compileModule|v8\.evaluateModule|V8\.CompileCode|v8\.run|FunctionCall|MajorGC|MinorGC|V8\.GC.*|wasm\..*|v8\.wasm\..*|ParseHTML|Layout|UpdateLayoutTree|Paint|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.produceModuleCache|v8\.newInstance|CompileScript|CompileModule|V8\.StackGuard|HandlePostMessage|WorkerThread.*|.*Wasm.*|.*wasm.*)$/;
  for (const [k, list] of byThread) {
    const busy = list.filter((e) => /^(RunTask|ThreadControllerImpl::RunTask)$/.test(e.name)).reduce((a, e) => a + Math.min(e.ts + e.dur, end) - Math.max(e.ts, t0), 0) / 1000;
    const top = list.filter((e) => e.dur / 1000 >= MIN_MS && interesting.test(e.name) && !/RunTask/.test(e.name)).sort((a, b) => a.ts - b.ts);
    if (!top.length && busy < MIN_MS) continue;
    console.log(`-- thread ${names.get(k) ?? k}: busy (tasks) ${busy.toFixed(0)} ms`);
    for (const e of top) {
      const d = e.args?.data ?? e.args ?? {};
      const what = d.url ?? d.fileName ?? d.functionName ?? d.type ?? '';
      console.log(`   ${((e.ts - t0) / 1000).toFixed(0).padStart(6)} ms +${(e.dur / 1000).toFixed(0).padStart(5)} ms  ${e.name} ${String(what).replace(server.url, '').slice(0, 90)}`);
    }
  }
  const marks = ev.filter((e) => e.cat?.includes('blink.user_timing') && e.ts >= t0 && e.ts <= end + 1e5 && !/navigationStart|fetchStart|unload|redirect|domain|connect|request|response|dom|load/i.test(e.name));
  for (const m of marks) console.log(`   mark ${((m.ts - t0) / 1000).toFixed(0).padStart(6)} ms  ${m.name}`);
  const fetches = ev.filter((e) => e.name === 'ResourceSendRequest' && e.ts >= t0 - 1e5 && e.ts <= end && String(e.args.data.url).startsWith('http'));
  const fin = new Map(ev.filter((e) => e.name === 'ResourceFinish').map((e) => [e.args.data.requestId, e]));
  for (const f of fetches) {
    const d = f.args.data;
    const fe = fin.get(d.requestId);
    console.log(`   fetch ${((f.ts - t0) / 1000).toFixed(0).padStart(6)} → ${fe ? ((fe.ts - t0) / 1000).toFixed(0) : '?'} ms  ${String(d.url).replace(server.url, '')} [${names.get(`${f.pid}:${f.tid}`) ?? f.tid}]`);
  }
}
