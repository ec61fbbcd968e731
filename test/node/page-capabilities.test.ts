/** `npm start` serves the page: capability panel, non-blocking messages and the footer's transfer size (headless Chromium). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser } from './helpers/browser';
import { ROOT } from './helpers/paths';

test('served page reports capabilities, messages and the build transfer size', { timeout: 180_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForSelector('#cap-list dd[data-cap="WebGPU"]', { timeout: 60_000 });
    const caps = await page.$$eval('#cap-list dd', (dds) => Object.fromEntries(dds.map((d) => [(d as unknown as { dataset: Record<string, string> }).dataset.cap, d.textContent])));
    assert.match(caps['WebGPU']!, /swiftshader.*software fallback/);
    assert.match(caps['Wasm threads']!, /cross-origin isolated/);
    assert.match(caps['Wasm SIMD']!, /yes/);
    assert.match(caps['Web Serial']!, /yes/);
    const messages = await page.$$eval('#cap-messages li', (lis) => lis.map((l) => l.textContent ?? ''));
    assert.ok(messages.some((m) => /software fallback adapter/.test(m)), `expected a message about the fallback adapter, got ${JSON.stringify(messages)}`);
    // footer: the page transfer size written by build.mjs
    await page.waitForSelector('#build-info[data-page-bytes]', { timeout: 30_000 });
    const info = JSON.parse(readFileSync(join(ROOT, 'dist', 'build-info.json'), 'utf8')) as { pageBytes: number };
    assert.equal(await page.$eval('#build-info', (e) => (e as unknown as { dataset: Record<string, string> }).dataset.pageBytes), String(info.pageBytes));
    assert.match(await page.$eval('#build-info', (e) => e.textContent ?? ''), /Page transfer size \(without models\): \d+\.\d\d MiB, gzip \d+\.\d\d MiB/);
    // a bad ?threads= is ignored with a message naming the value and the valid range
    await page.goto(`${server.url}?threads=abc`);
    await page.waitForSelector('#cap-list dd[data-cap="WebGPU"]', { timeout: 60_000 });
    const bad = await page.$$eval('#cap-messages li', (lis) => lis.map((l) => l.textContent ?? ''));
    assert.ok(bad.some((m) => /threads=abc ignored: expected an integer from 1 to 16/.test(m)), JSON.stringify(bad));
    assert.deepEqual(errors, []);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'capabilities.png') });
  } finally {
    await browser.close();
    server.stop();
  }
});
