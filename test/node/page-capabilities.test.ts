/**
 * `npm start` serves the page: capability panel (the tail's EP: automatic choice with its reason, `?tail=` and the
 * control overriding it), non-blocking messages and the footer's transfer size; a WebGPU adapter request that never
 * answers (headless Chromium).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForElement, withDemoPage } from './helpers/browser';
import { ROOT } from './helpers/paths';

test('served page reports capabilities, the tail EP choice and its overrides, messages and the build transfer size', { timeout: 180_000 }, async () => {
  await withDemoPage(async ({ page, server, errors }) => {
    await page.goto(server.url);
    await waitForElement(page, '#cap-list dd[data-cap="WebGPU"]', 60_000);
    const caps = await page.$$eval('#cap-list dd', (dds) => Object.fromEntries(dds.map((d) => [(d as unknown as { dataset: Record<string, string> }).dataset.cap, d.textContent])));
    assert.match(caps['WebGPU']!, /swiftshader.*software fallback/);
    assert.match(caps['Wasm threads']!, /cross-origin isolated/);
    assert.match(caps['Wasm SIMD']!, /yes/);
    assert.match(caps['Web Serial']!, /yes/);
    // the tail's EP: automatic choice on this software adapter is wasm, with the reason stated
    assert.match(caps['Tail EP']!, /^wasm \(CPU\) — automatic: the WebGPU adapter \(google \/ swiftshader\) is a software fallback/);
    assert.equal(await page.$eval('#tail-reason', (e) => (e as unknown as { dataset: Record<string, string> }).dataset.ep), 'wasm');
    assert.equal(await page.$eval('#tail-ep', (e) => (e as unknown as { value: string }).value), 'auto');
    const messages = await page.$$eval('#cap-messages li', (lis) => lis.map((l) => l.textContent ?? ''));
    assert.ok(messages.some((m) => /software fallback adapter/.test(m)), `expected a message about the fallback adapter, got ${JSON.stringify(messages)}`);
    // footer: the page transfer size written by build.mjs
    await waitForElement(page, '#build-info[data-page-bytes]', 30_000);
    const info = JSON.parse(readFileSync(join(ROOT, 'dist', 'build-info.json'), 'utf8')) as { pageBytes: number };
    assert.equal(await page.$eval('#build-info', (e) => (e as unknown as { dataset: Record<string, string> }).dataset.pageBytes), String(info.pageBytes));
    assert.match(await page.$eval('#build-info', (e) => e.textContent ?? ''), /Page transfer size \(without models\): \d+\.\d\d MiB, gzip \d+\.\d\d MiB/);
    // a bad ?threads= is ignored with a message naming the value and the valid range
    await page.goto(`${server.url}?threads=abc`);
    await waitForElement(page, '#cap-list dd[data-cap="WebGPU"]', 60_000);
    const bad = await page.$$eval('#cap-messages li', (lis) => lis.map((l) => l.textContent ?? ''));
    assert.ok(bad.some((m) => /threads=abc ignored: expected an integer from 1 to 16/.test(m)), JSON.stringify(bad));
    // ?tail=webgpu overrides the automatic choice (the control shows it); a bad value is ignored with a message
    await page.goto(`${server.url}?tail=webgpu`);
    await waitForElement(page, '#cap-list dd[data-cap="Tail EP"]', 60_000);
    assert.match(await page.$eval('#cap-list dd[data-cap="Tail EP"]', (e) => e.textContent ?? ''), /^WebGPU — chosen: set in the page URL \(tail=webgpu\); the automatic choice would be wasm/);
    assert.equal(await page.$eval('#tail-ep', (e) => (e as unknown as { value: string }).value), 'webgpu');
    assert.equal(await page.$eval('#tail-reason', (e) => (e as unknown as { dataset: Record<string, string> }).dataset.source), 'url');
    // the control reloads the page with the parameter
    await Promise.all([page.waitForNavigation({ timeout: 60_000 }), page.select('#tail-ep', 'wasm')]);
    assert.match(page.url(), /[?&]tail=wasm/);
    await waitForElement(page, '#cap-list dd[data-cap="Tail EP"]', 60_000);
    assert.match(await page.$eval('#cap-list dd[data-cap="Tail EP"]', (e) => e.textContent ?? ''), /^wasm \(CPU\) — chosen: set in the page URL \(tail=wasm\)/);
    await page.goto(`${server.url}?tail=cuda`);
    await waitForElement(page, '#cap-list dd[data-cap="Tail EP"]', 60_000);
    const badTail = await page.$$eval('#cap-messages li', (lis) => lis.map((l) => l.textContent ?? ''));
    assert.ok(badTail.some((m) => /tail=cuda ignored: expected webgpu, wasm or auto/.test(m)), JSON.stringify(badTail));
    assert.match(await page.$eval('#cap-list dd[data-cap="Tail EP"]', (e) => e.textContent ?? ''), /automatic/);
    assert.deepEqual(errors, []);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'capabilities.png') });
  });
});

test('a WebGPU adapter request that never answers: the page says so after 10 s and puts the tail on wasm (no hang)', { timeout: 120_000 }, async () => {
  await withDemoPage(async ({ page, server, errors }) => {
    // a stuck GPU process, as seen from the page: requestAdapter() never settles
    await page.evaluateOnNewDocument(() => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter: () => Promise<unknown> } }).gpu;
      if (gpu) gpu.requestAdapter = () => new Promise(() => undefined);
    });
    const t0 = performance.now();
    await page.goto(server.url);
    await waitForElement(page, '#cap-list dd[data-cap="Tail EP"]', 40_000);
    const waitedMs = performance.now() - t0;
    assert.match(await page.$eval('#cap-list dd[data-cap="WebGPU"]', (e) => e.textContent ?? ''), /requestAdapter failed: no answer within 10 s/);
    assert.match(await page.$eval('#cap-list dd[data-cap="Tail EP"]', (e) => e.textContent ?? ''), /^wasm \(CPU\) — automatic/);
    assert.ok(waitedMs >= 10_000, `the capabilities waited for the adapter's 10 s (${waitedMs.toFixed(0)} ms)`);
    assert.deepEqual(errors, []);
  });
});
