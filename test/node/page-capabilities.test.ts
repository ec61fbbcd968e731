/** `npm start` serves the page: capability report and a SqueezeNet 1.1 top-5 on WebGPU (driven in headless Chromium). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser } from './helpers/browser';
import { ROOT } from './helpers/paths';

test('served page reports capabilities and classifies cat.bmp with SqueezeNet 1.1 on WebGPU', { timeout: 300_000 }, async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForSelector('#status[data-done]', { timeout: 240_000 });
    const status = await page.$eval('#status', (e) => e.textContent ?? '');
    assert.equal(await page.$eval('#status', (e) => (e as HTMLElement).dataset.done), 'true', `page failed: ${status} ${errors.join('; ')}`);
    assert.match(status, /on webgpu — all \d+ nodes on WebGpuExecutionProvider/);
    const top = await page.$$eval('#top5 li', (lis) => lis.map((l) => l.textContent ?? ''));
    assert.equal(top.length, 5);
    assert.match(top[0]!, /cat/i);
    const caps = await page.$$eval('#cap-list dd', (dds) => Object.fromEntries(dds.map((d) => [(d as HTMLElement).dataset.cap, d.textContent])));
    assert.match(caps['WebGPU']!, /swiftshader.*software fallback/);
    assert.match(caps['Wasm threads']!, /cross-origin isolated/);
    assert.match(caps['Wasm SIMD']!, /yes/);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'capabilities.png'), fullPage: true });
  } finally {
    await browser.close();
    server.stop();
  }
});
