/**
 * End-to-end tests of the demo page (issues 8 and 16) in headless Chromium with software WebGPU, against the built page
 * served by scripts/serve.mjs: labelled, keyboard-operable controls; the cut slider updates the live estimates before
 * any run; a non-image upload is a clear error naming the stage; one run per network on a sample image with the top-1
 * asserted (hybrid and GPU-only) on the automatically chosen tail EP (wasm: the adapter is SwiftShader), the head
 * program prebuilt at cut 0 (and compiled in the page, saying why, at cut 1), the hybrid
 * result shown before the baseline, the main thread's longest task printed; a clock change between two runs of the
 * same model and cut; live mode (fps of hybrid and bare model, Stop, hidden tab, a camera error); Cancel during a run
 * and an immediate new run; and one run with the tail overridden to WebGPU (`?tail=webgpu`; SwiftShader is ~100x
 * slower, so one small run). Screenshots go to test-artifacts/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { waitForElement, withDemoPage } from './helpers/browser';
import { ROOT } from './helpers/paths';

const ART = join(ROOT, 'test-artifacts');
type Data = { dataset: Record<string, string | undefined> };
/** DOM values inside page callbacks (this tsconfig has no DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

async function attr(page: Page, sel: string, key: string): Promise<string | undefined> {
  return page.$eval(sel, (e, k) => (e as unknown as Data).dataset[k as string], key);
}

async function text(page: Page, sel: string): Promise<string> {
  return page.$eval(sel, (e) => e.textContent ?? '');
}

/** Wait until the live estimates show `key` (model/cut/bits/clock/source) as a prefix. */
async function waitEstimate(page: Page, prefix: string, timeout = 120_000): Promise<void> {
  await waitForElement(page, `#estimates[data-key^="${prefix}"]`, timeout);
}

/** Paths (with query) of the page's onnxruntime-web workers. */
async function ortWorkerUrls(page: Page): Promise<string[]> {
  return page.workers().map((w) => new URL(w.url())).filter((u) => u.pathname.endsWith('/ort.worker.js')).map((u) => u.pathname + u.search);
}

/** Wait until #status leaves 'running' (done / error / cancelled); returns the state. */
async function waitRun(page: Page, timeout: number): Promise<string> {
  await page.waitForFunction(() => {
    const s = ((globalThis as Dom).document.querySelector('#status') as unknown as Data | null)?.dataset.state;
    return s === 'done' || s === 'error' || s === 'cancelled';
  }, { timeout, polling: 1000 });
  return (await attr(page, '#status', 'state'))!;
}

const RUNS = [
  { model: 'squeezenet1.1', sample: 'parrot', file: 'parrot.jpg', top1: /macaw/, backend: 'emulator', crossCheck: true },
  { model: 'mobilenetv2', sample: 'dragonfly', file: 'dragonfly.bmp', top1: /dragonfly/, backend: 'emulator', crossCheck: false },
  { model: 'shufflenetv2', sample: 'hot_dog', file: 'hot_dog.jpg', top1: /hotdog|hot dog/, backend: 'sim-board', crossCheck: false },
] as const;

test('demo page end to end', { timeout: 900_000 }, async (t) => {
  mkdirSync(ART, { recursive: true });
  await withDemoPage(async ({ page, server, errors }) => {
    await page.setViewport({ width: 1280, height: 1000 });
    await page.goto(server.url);
    await waitEstimate(page, 'squeezenet1.1/0/8/76/');

    await t.test('controls are labelled, grouped and keyboard-operable', async () => {
      const unlabelled = await page.$$eval('#controls input, #controls select, #controls button', (els) => els
        .filter((e) => !(e as Dom).hidden)
        .filter((e) => {
          if (e.tagName === 'BUTTON') return !(e.textContent ?? '').trim() && !e.getAttribute('aria-label');
          const labels = (e as Dom).labels;
          return (!labels || labels.length === 0) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby');
        })
        .map((e) => e.outerHTML.slice(0, 80)));
      assert.deepEqual(unlabelled, [], 'every control has a label');
      assert.equal(await page.$$eval('#controls fieldset > legend', (l) => l.length), 6, 'six fieldsets with legends');
      assert.equal(await page.$eval('#status', (e) => `${e.getAttribute('role')}/${e.getAttribute('aria-live')}`), 'status/polite');
      assert.equal(await page.$eval('#error', (e) => e.getAttribute('role')), 'alert');
      assert.equal(await page.$eval('[role="radiogroup"]', (e) => e.querySelectorAll('input[type="radio"]').length), 4);
      assert.equal(await page.$eval('#cut', (e) => (e as Dom).type), 'range', 'the cut is a native slider (role slider)');
      assert.match((await page.$eval('#cut', (e) => e.getAttribute('aria-valuetext'))) ?? '', /^cut 0: after Relu_1 → 64×111×111/);
      // keyboard reaches the slider by Tab from the bits/clock fieldset's neighbours: check it is focusable and in order
      const tabbable = await page.$$eval('#controls input, #controls select, #controls button', (els) => els.filter((e) => (e as Dom).tabIndex >= 0 && !(e as Dom).disabled).map((e) => e.id || (e as Dom).name));
      for (const id of ['network', 'sample', 'upload', 'cut', 'bits', 'clock', 'tail-ep', 'run-btn']) assert.ok(tabbable.includes(id), `${id} is tabbable`);
      assert.equal(await attr(page, '#tail-reason', 'ep'), 'wasm', 'automatic choice on the SwiftShader adapter: wasm');
    });

    await t.test('onnxruntime-web runs in one worker, the one the page\'s HTML started before any module (automatic choice: started without an EP)', async () => {
      assert.deepEqual(await ortWorkerUrls(page), ['/workers/ort.worker.js'], 'one ORT worker, started by the HTML without ?ep= (the EP was not known yet)');
      assert.equal(await page.evaluate(() => (globalThis as Dom).__hybridDhmOrtWorker), undefined, 'www/ort-worker.ts took the HTML\'s worker over');
    });

    await t.test('moving the cut slider with the keyboard updates the estimates before any run', async () => {
      assert.equal(await page.$eval('#results', (e) => (e as Dom).hidden), true, 'no run yet');
      const alms0 = await page.$eval('#resource-table', (e) => (e as unknown as Data).dataset.alms);
      assert.equal(await attr(page, '#fit-verdict', 'fits'), 'true');
      const label0 = await text(page, '#cut-label');
      await page.focus('#cut');
      await page.keyboard.press('ArrowRight');
      await waitEstimate(page, 'squeezenet1.1/1/8/76/structural');
      const alms1 = await page.$eval('#resource-table', (e) => (e as unknown as Data).dataset.alms);
      assert.notEqual(alms1, alms0, 'ALM estimate changed with the cut');
      assert.notEqual(await text(page, '#cut-label'), label0);
      await page.keyboard.press('End');
      await waitEstimate(page, 'squeezenet1.1/11/8/76/structural');
      assert.equal(await attr(page, '#fit-verdict', 'fits'), 'false', 'the deepest SqueezeNet head does not fit the Cyclone 10 GX');
      assert.match(await text(page, '#fit-verdict'), /Does NOT fit .* limiting resource/);
      // every number of the estimates carries a provenance label
      const provs = await page.$$eval('#estimates .fig', (fs) => fs.map((f) => (f as unknown as Data).dataset.prov));
      assert.ok(provs.length > 20);
      for (const p of provs) assert.ok(['measured', 'modelled', 'paper', 'datasheet', 'derived'].includes(p!), `provenance ${p}`);
      // the clock changes the modelled FPGA latency
      const lat = async (): Promise<number> => Number(await page.$eval('#platform-table tbody tr:nth-child(2) .fig', (e) => (e as unknown as Data).dataset.value));
      const l76 = await lat();
      await page.$eval('#clock', (e) => {
        (e as Dom).value = '152';
        e.dispatchEvent(new (globalThis as Dom).Event('input', { bubbles: true }));
      });
      await waitEstimate(page, 'squeezenet1.1/11/8/152/');
      assert.ok(Math.abs((await lat()) * 2 - l76) < 1e-9 * l76, 'doubling the clock halves the modelled FPGA latency');
      await page.$eval('#clock', (e) => {
        (e as Dom).value = '76';
        e.dispatchEvent(new (globalThis as Dom).Event('input', { bubbles: true }));
      });
      await page.keyboard.press('Home');
      await waitEstimate(page, 'squeezenet1.1/0/8/76/');
      await page.screenshot({ path: join(ART, 'page-estimates.png'), fullPage: true });
    });

    await t.test('uploading a non-image file gives a clear error naming the stage', async () => {
      const bad = join(ART, 'not-an-image.txt');
      writeFileSync(bad, 'this is text, not pixels\n');
      const input = await page.$('#upload');
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(bad);
      await waitForElement(page, '#error:not([hidden])', 30_000);
      assert.equal(await attr(page, '#error', 'stage'), 'image');
      assert.match(await text(page, '#error'), /Stage 'image' failed: .*not-an-image\.txt: not a decodable image/);
      assert.equal(await attr(page, '#status', 'state'), 'error');
      await page.screenshot({ path: join(ART, 'page-bad-upload.png') });
    });

    await t.test('an image can be dropped on the drop zone or pasted', async () => {
      const dispatch = (kind: 'drop' | 'paste', name: string): Promise<void> => page.evaluate(async (k, n) => {
        const g = globalThis as Dom;
        const blob = await (await g.fetch('models/images/dragonfly.bmp')).blob();
        const dt = new g.DataTransfer();
        dt.items.add(new g.File([blob], n, { type: 'image/bmp' }));
        if (k === 'drop') g.document.querySelector('#dropzone').dispatchEvent(new g.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        else g.document.dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, kind, name);
      await dispatch('drop', 'dropped.bmp');
      await waitForElement(page, '#image-name[data-name="dropped.bmp"]', 30_000);
      assert.match(await text(page, '#image-name'), /dropped\.bmp \(\d+×\d+\)/);
      await dispatch('paste', 'pasted.bmp');
      await waitForElement(page, '#image-name[data-name="pasted.bmp"]', 30_000);
      assert.equal(await page.$eval('#error', (e) => (e as Dom).hidden), true, 'the good images cleared the error');
    });

    for (const r of RUNS) {
      await t.test(`${r.model} on ${r.sample} (${r.backend}): hybrid and GPU-only top-1 shown`, async () => {
        await page.select('#network', r.model);
        await waitEstimate(page, `${r.model}/0/8/76/`);
        await page.select('#sample', r.sample);
        await waitForElement(page, `#image-name[data-name="${r.file}"]`, 60_000);
        await page.click(`input[name="backend"][value="${r.backend}"]`);
        const cc = await page.$eval('#crosscheck', (e) => (e as Dom).checked);
        if (cc !== r.crossCheck) await page.click('#crosscheck');
        const runsBefore = Number((await attr(page, '#results', 'runs')) ?? 0);
        await page.focus('#run-btn');
        await page.keyboard.press('Enter'); // the Run button works from the keyboard
        const state = await waitRun(page, 240_000);
        const status = await text(page, '#status');
        assert.equal(state, 'done', `run failed: ${status} ${await text(page, '#error')} ${errors.join('; ')}`);
        assert.equal(Number(await attr(page, '#results', 'runs')), runsBefore + 1);
        const hybrid = await page.$$eval('#top5-hybrid-list li', (lis) => lis.map((l) => (l as unknown as Data).dataset.label ?? ''));
        const gpu = await page.$$eval('#top5-gpu-list li', (lis) => lis.map((l) => (l as unknown as Data).dataset.label ?? ''));
        assert.equal(hybrid.length, 5);
        assert.equal(gpu.length, 5);
        assert.match(gpu[0]!, r.top1, `GPU-only top-1 ${gpu[0]}`);
        assert.match(hybrid[0]!, r.top1, `hybrid top-1 ${hybrid[0]}`);
        assert.equal(await attr(page, '#agreement', 'agree'), 'true');
        assert.match(status, r.backend === 'sim-board' ? /head on simulated board/ : /head on Wasm emulator/);
        assert.match(status, /tail on wasm —/, 'the tail ran on the automatically chosen wasm EP');
        // cut 0, 8 bits: the head program prebuilt by `npm run models`, its key checked (src/pipeline/prebuilt.ts)
        assert.equal(await attr(page, '#program-source', 'source'), 'prebuilt', await text(page, '#program-source'));
        assert.match(await text(page, '#program-source'), /prebuilt .*key checked/);
        // first result first: the hybrid top-5 was on the page before the run ended
        const shown = Number(await attr(page, '#top5-hybrid', 'shownMs'));
        assert.ok(shown > 0 && shown < await page.evaluate(() => (globalThis as Dom).performance.now()), 'hybrid result time stamped');
        // timeline, run table, quantisation report and feature map are shown, numbers labelled
        for (const id of ['lane-paper-hybrid', 'lane-paper-gpu', 'lane-here-hybrid', 'lane-here-gpu']) assert.ok(await page.$(`#${id}`), `#${id}`);
        const provs = await page.$$eval('#results .fig', (fs) => fs.map((f) => (f as unknown as Data).dataset.prov));
        assert.ok(provs.includes('measured') && provs.includes('modelled'));
        assert.ok((await page.$$eval('#quant-table tbody tr', (rows) => rows.length)) >= 1);
        assert.match(await text(page, '#quant-table'), /dB|exact/);
        const fmap = await page.$eval('#fmap', (c) => [(c as Dom).width, (c as Dom).height]);
        assert.ok(fmap[0]! > 100 && fmap[1]! > 100, `feature-map canvas ${fmap}`);
        assert.equal(await page.$eval('#fallback', (e) => (e as Dom).hidden), true, `tail placement problem: ${await text(page, '#fallback')}`);
        if (r.crossCheck) {
          assert.equal(await attr(page, '#crosscheck-verdict', 'identical'), 'true', await text(page, '#crosscheck-result'));
          assert.match(await text(page, '#crosscheck-verdict'), /bit-identical/);
        }
        // after the run the estimates cost the calibrated program that ran
        await waitEstimate(page, `${r.model}/0/8/76/calibrated`);
        console.log(`${r.model}: ${await text(page, '#longtask')}`); // informational (measured, not asserted)
        await page.screenshot({ path: join(ART, `page-run-${r.model}.png`), fullPage: true });
      });
    }
    await t.test('changing the DHM clock between two runs of the same model and cut changes the run\'s modelled FPGA time', async () => {
      const fpgaMs = (): Promise<number> => page.$$eval('#run-numbers tbody tr', (rows) => {
        const row = rows.find((r) => (r.textContent ?? '').startsWith('FPGA head time'))!;
        return Number((row.querySelector('.fig') as unknown as Data).dataset.value);
      });
      const runOnce = async (): Promise<void> => {
        await page.click('#run-btn');
        assert.equal(await waitRun(page, 240_000), 'done', await text(page, '#error'));
      };
      const setClock = async (mhz: string): Promise<void> => {
        await page.$eval('#clock', (e, v) => {
          (e as Dom).value = v;
          e.dispatchEvent(new (globalThis as Dom).Event('input', { bubbles: true }));
        }, mhz);
      };
      await page.click('input[name="backend"][value="emulator"]');
      await runOnce();
      const at76 = await fpgaMs();
      await setClock('152');
      await runOnce();
      const at152 = await fpgaMs();
      assert.ok(Math.abs(at152 * 2 - at76) < 1e-9 * at76, `152 MHz: ${at152} ms, 76 MHz: ${at76} ms — the second run must use the new clock`);
      const source = await page.$$eval('#run-numbers tbody tr', (rows) => rows.find((r) => (r.textContent ?? '').startsWith('FPGA head time'))!.querySelector('.fig')!.getAttribute('title'));
      assert.match(source ?? '', /152 MHz, set by the user/, 'the figure\'s source names the new clock');
      await setClock('76');
    });

    await t.test('live mode: hybrid and bare-model frames per second, Stop, a hidden tab and a camera error stop it cleanly', async () => {
      const liveState = (): Promise<string | undefined> => attr(page, '#live-status', 'state');
      const waitLive = (states: string[], timeout = 240_000): Promise<unknown> => page.waitForFunction((ss) => (ss as string[]).includes(((globalThis as Dom).document.querySelector('#live-status') as Data).dataset.state ?? ''), { timeout, polling: 200 }, states);
      await page.select('#live-source', 'samples');
      await page.click('#live-start');
      await page.waitForFunction(() => Number(((globalThis as Dom).document.querySelector('#live-fps') as Data).dataset.frames ?? 0) >= 8, { timeout: 240_000, polling: 500 });
      assert.equal(await page.$eval('#run-btn', (e) => (e as Dom).disabled), true, 'Run is disabled while live');
      await page.click('#live-stop');
      await waitLive(['stopped', 'error']);
      assert.equal(await liveState(), 'stopped', await text(page, '#live-status'));
      assert.match(await text(page, '#live-status'), /Stop pressed/);
      const hybridFps = Number(await attr(page, '#live-fps', 'hybridFps'));
      const bareFps = Number(await attr(page, '#live-fps', 'bareFps'));
      assert.ok(hybridFps > 0 && bareFps > 0, `fps measured: hybrid ${hybridFps}, bare ${bareFps}`);
      assert.match(await text(page, '#live-fps'), /Hybrid [\d.]+ frames\/s over \d+ frames, bare ShuffleNetV2 [\d.]+ frames\/s over \d+ frames on wasm — ratio/);
      console.log(`live (shufflenetv2, wasm): ${await text(page, '#live-fps')} ${await text(page, '#live-longtask')}`); // informational (measured)
      assert.equal(await page.$eval('#run-btn', (e) => (e as Dom).disabled), false, 'Run is enabled again');
      // a hidden tab stops it
      await page.click('#live-start');
      await waitLive(['running']);
      await page.evaluate(() => {
        const d = (globalThis as Dom).document;
        Object.defineProperty(d, 'visibilityState', { value: 'hidden', configurable: true });
        d.dispatchEvent(new (globalThis as Dom).Event('visibilitychange'));
      });
      await waitLive(['stopped', 'error'], 60_000);
      assert.match(await text(page, '#live-status'), /Live stopped: the tab was hidden/);
      await page.evaluate(() => { delete (globalThis as Dom).document.visibilityState; });
      // no camera in headless Chromium: the error is shown and live mode stops cleanly
      await page.select('#live-source', 'camera');
      await page.click('#live-start');
      await waitLive(['error'], 60_000);
      assert.match(await text(page, '#live-status'), /Live stopped by an error in stage 'frames'/);
      assert.equal(await page.$eval('#live-start', (e) => (e as Dom).disabled), false);
      await page.select('#live-source', 'samples');
      await page.screenshot({ path: join(ART, 'page-live.png'), fullPage: true });
    });

    await t.test('Cancel while a new cut is prepared (its ORT session being created), then Run at once: the second run completes', async () => {
      // The defect of the first version: the cancelled run's onnxruntime-web call was still in flight when the next
      // run called into ORT, and the page hung. Now every ORT call is queued (src/pipeline/tail.ts). On the wasm EP the
      // tail runs in ~0.1 s, too short to aim a click at, so the cancel lands while the new cut's tail session is being
      // created (in ORT's proxy worker) and the quantiser runs; the run-tail case is tested on WebGPU in
      // test/browser/pipeline.test.ts.
      await page.click('input[name="backend"][value="emulator"]');
      await page.focus('#cut');
      await page.keyboard.press('ArrowRight');
      await waitEstimate(page, 'shufflenetv2/1/8/76/');
      const runsBefore = Number((await attr(page, '#results', 'runs')) ?? 0);
      await page.click('#run-btn');
      // polling on DOM mutations sees the stage attribute as soon as it changes
      await waitForElement(page, '#status[data-stage="quantize-head"]', 180_000);
      await page.click('#cancel-btn');
      assert.equal(await waitRun(page, 30_000), 'cancelled', await text(page, '#status'));
      assert.match(await text(page, '#status'), /Cancelled/);
      assert.equal(Number(await attr(page, '#results', 'runs')), runsBefore, 'the cancelled run shows no result');
      await page.click('#run-btn');
      const state = await waitRun(page, 240_000);
      assert.equal(state, 'done', `second run: ${await text(page, '#status')} ${await text(page, '#error')}`);
      assert.match(await text(page, '#status'), /cut 1, head on Wasm emulator/);
      assert.equal(Number(await attr(page, '#results', 'runs')), runsBefore + 1);
      const hybrid = await page.$$eval('#top5-hybrid-list li', (lis) => lis.map((l) => (l as unknown as Data).dataset.label ?? ''));
      assert.match(hybrid[0]!, /hotdog|hot dog/);
      // cut 1 is not prebuilt: compiled in the page, and the page says why
      assert.equal(await attr(page, '#program-source', 'source'), 'compiled', await text(page, '#program-source'));
      assert.match(await text(page, '#program-source'), /compiled in this page .*no prebuilt program for shufflenetv2 at cut 1/);
      await page.screenshot({ path: join(ART, 'page-after-cancel.png'), fullPage: true });
    });

    await t.test('?tail=webgpu overrides the automatic choice: SqueezeNet on WebGPU (SwiftShader), tail and baseline on WebGPU', async () => {
      await page.goto(`${server.url}?tail=webgpu&network=squeezenet1.1`);
      await waitEstimate(page, 'squeezenet1.1/0/8/76/');
      assert.equal(await attr(page, '#tail-reason', 'ep'), 'webgpu');
      assert.equal(await attr(page, '#tail-reason', 'source'), 'url');
      assert.deepEqual(await ortWorkerUrls(page), ['/workers/ort.worker.js?ep=webgpu'], 'one ORT worker: the HTML\'s, which started the WebGPU build at once');
      await page.select('#sample', 'parrot');
      await waitForElement(page, '#image-name[data-name="parrot.jpg"]', 60_000);
      await page.click('#run-btn');
      const state = await waitRun(page, 600_000);
      assert.equal(state, 'done', `${await text(page, '#status')} ${await text(page, '#error')}`);
      assert.match(await text(page, '#status'), /tail on webgpu —/);
      const hybrid = await page.$$eval('#top5-hybrid-list li', (lis) => lis.map((l) => (l as unknown as Data).dataset.label ?? ''));
      assert.match(hybrid[0]!, /macaw/);
      assert.equal(await page.$eval('#fallback', (e) => (e as Dom).hidden), true, `tail placement problem: ${await text(page, '#fallback')}`);
      console.log(`squeezenet1.1 on WebGPU: ${await text(page, '#longtask')}`); // informational (measured, not asserted)
    });

    assert.deepEqual(errors, [], 'no uncaught page errors');
  });
});
