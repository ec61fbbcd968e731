/**
 * Offline second visit (issue 8): first visit online installs the service worker (dist/sw.js) and keeps the model
 * that was opened; then the server is stopped — really offline — and the page is reloaded: it loads from the cache,
 * stays cross-origin isolated, and classifies a sample image. A model never opened gives a clear error naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { waitForElement, withDemoPage } from './helpers/browser';
import { ROOT } from './helpers/paths';

const ART = join(ROOT, 'test-artifacts');
type Data = { dataset: Record<string, string | undefined> };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

test('a second visit works offline', { timeout: 600_000 }, async () => {
  mkdirSync(ART, { recursive: true });
  await withDemoPage(async ({ page, server, errors }) => {
    await page.goto(server.url);
    // first visit: the worker caches the app shell; the page keeps the model it opened (SqueezeNet, the default)
    await page.waitForFunction(() => ((globalThis as Dom).document.querySelector('[data-cap="Offline"]') as Data | null)?.dataset.state === 'ready', { timeout: 180_000, polling: 500 });
    const first = await page.$eval('[data-cap="Offline"]', (e) => e.textContent ?? '');
    const m = /ready: (\d+)\/(\d+) app files cached/.exec(first);
    assert.ok(m, `offline row: ${first}`);
    assert.equal(m[1], m[2], `every shell file cached: ${first}`);
    assert.ok(Number(m[2]) >= 12, `shell files: ${m[2]}`);
    await page.waitForFunction(async () => {
      const c = await (globalThis as Dom).caches.open('hybrid-dhm-models');
      return (await c.keys()).some((r: { url: string }) => r.url.endsWith('squeezenet1.1_fp32.onnx'));
    }, { timeout: 120_000, polling: 500 });

    server.stop();
    await new Promise<void>((res) => server.proc.once('exit', () => res()));
    await assert.rejects(fetch(server.url), 'the server is really gone');

    // second visit, offline
    await page.reload();
    await page.waitForFunction(() => ((globalThis as Dom).document.querySelector('#estimates') as Data | null)?.dataset.key?.startsWith('squeezenet1.1/0/8/76/') ?? false, { timeout: 120_000, polling: 500 });
    assert.equal(await page.evaluate(() => (globalThis as Dom).crossOriginIsolated), true, 'still cross-origin isolated from the cache');
    await page.waitForFunction(() => ((globalThis as Dom).document.querySelector('[data-cap="Offline"]') as Data | null)?.dataset.state === 'ready', { timeout: 60_000, polling: 500 });
    assert.match(await page.$eval('[data-cap="Offline"]', (e) => e.textContent ?? ''), /served by the service worker/);
    await page.select('#sample', 'parrot');
    await waitForElement(page, '#image-name[data-name="parrot.jpg"]', 60_000);
    await page.click('#run-btn');
    await page.waitForFunction(() => ['done', 'error', 'cancelled'].includes(((globalThis as Dom).document.querySelector('#status') as Data).dataset.state ?? ''), { timeout: 300_000, polling: 1000 });
    const status = await page.$eval('#status', (e) => e.textContent ?? '');
    assert.equal(await page.$eval('#status', (e) => (e as unknown as Data).dataset.state), 'done', `offline run: ${status} ${await page.$eval('#error', (e) => e.textContent ?? '')}`);
    const top1 = await page.$eval('#top5-hybrid-list li', (l) => (l as unknown as Data).dataset.label ?? '');
    assert.match(top1, /macaw/);
    await page.screenshot({ path: join(ART, 'page-offline.png'), fullPage: true });

    // a model never opened is not available offline: a clear error naming the file, no hang
    await page.select('#network', 'mobilenetv2');
    await page.waitForFunction(() => !((globalThis as Dom).document.querySelector('#error') as Dom).hidden, { timeout: 60_000, polling: 500 });
    assert.match(await page.$eval('#error', (e) => e.textContent ?? ''), /mobilenetv2/);
    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
