/**
 * The demo page's "accuracy per bit width" panel (www/accuracy.ts) in headless Chromium with software WebGPU:
 * SqueezeNet 1.1 at cut 0, 4/6/8 bits on the four sample images in two disjoint folds; the table shows one row per
 * width, labelled measured, and the 8-bit head agrees with float on at least 3 of 4 images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'puppeteer-core';
import { waitForElement, withDemoPage } from './helpers/browser';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

async function rows(page: Page): Promise<string[][]> {
  return page.$$eval('#accuracy-table tbody tr', (trs) => trs.map((tr) => [...(tr as Dom).querySelectorAll('th, td')].map((td: Dom) => td.textContent as string)));
}

test('page: accuracy per bit width for the current cut, measured on the sample images', { timeout: 600_000 }, async () => {
  await withDemoPage(async ({ page, server, errors }) => {
    await page.goto(server.url);
    await waitForElement(page, '#accuracy-btn', 120_000);
    await page.click('#accuracy-btn');
    await page.waitForFunction(() => /^(Done|Accuracy measurement failed)/.test((globalThis as Dom).document.querySelector('#accuracy-status')?.textContent ?? ''), { timeout: 540_000, polling: 1000 });
    const status = await page.$eval('#accuracy-status', (e) => e.textContent ?? '');
    assert.match(status, /^Done: squeezenet1\.1, cut 0\./, status);
    const r = await rows(page);
    assert.deepEqual(r.map((x) => x[0]), ['4', '6', '8']);
    const [eq8, n8] = r[2]![1]!.split('/').map(Number);
    assert.equal(n8, 4);
    assert.ok(eq8! >= 3, `8-bit cut 0 agrees with float on ${eq8}/4`);
    assert.match(await page.$eval('#accuracy-result', (e) => e.textContent ?? ''), /measured.*calibrate on dragonfly, parrot → evaluate on cat, hot_dog/s);
    assert.deepEqual(errors, []);
  });
});
