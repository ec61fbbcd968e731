/** Start the demo server and a headless Chromium (software WebGPU) for page-level tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, TimeoutError } from 'puppeteer-core';
import { ROOT } from './paths';

export const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'];

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Serve dist/ (must be built) with scripts/serve.mjs on a free port; resolves once it prints its URL. */
export async function startServer(): Promise<{ url: string; stop: () => void; proc: ChildProcess }> {
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is not built: run `npm run build`');
  const port = await freePort();
  const proc = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error('server did not start in 20 s')), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('http://127.0.0.1')) {
        clearTimeout(t);
        res();
      }
    });
    proc.on('exit', (c) => rej(new Error(`server exited with ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, stop: () => proc.kill(), proc };
}

/** Launch headless Chromium; throws a message saying how to install it when missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROME_PATH)) throw new Error(`Chromium not found at ${CHROME_PATH}: install it (apt-get install -y chromium) or set CHROME_PATH`);
  return puppeteer.launch({ executablePath: CHROME_PATH, headless: true, args: ARGS, protocolTimeout: 600_000 });
}

/** What `withDemoPage` hands its body: the page, the server (its `stop` may be called early), the uncaught page errors. */
export interface DemoPage {
  readonly page: Page;
  readonly server: Awaited<ReturnType<typeof startServer>>;
  /** Uncaught errors of the page (`pageerror`), in order; the body asserts on them. */
  readonly errors: string[];
}

/**
 * Run `body` on a fresh page of a headless Chromium against a fresh demo server (not yet navigated); the browser is
 * closed and the server stopped afterwards, whatever the body does (stopping a server the body already stopped is harmless).
 */
export async function withDemoPage(body: (ctx: DemoPage) => Promise<void>): Promise<void> {
  const server = await startServer();
  try {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await body({ page, server, errors });
    } finally {
      await browser.close();
    }
  } finally {
    server.stop();
  }
}

/** DOM values inside page callbacks (this tsconfig has no DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Dom = any;

/**
 * What the page shows now, in one line for an error message: URL, document state, status line and the capability
 * rows. Gives up after 5 s (a page whose main thread is blocked answers nothing) and says so.
 */
export async function pageSnapshot(page: Page): Promise<string> {
  const shown = page.evaluate(() => {
    const d = (globalThis as Dom).document;
    const caps = [...d.querySelectorAll('#cap-list dd')].map((e: Dom) => `${e.dataset.cap}: ${(e.textContent ?? '').slice(0, 80)}`);
    return `readyState ${d.readyState}; status '${(d.querySelector('#status')?.textContent ?? '').trim().slice(0, 120)}'; capability rows [${caps.join(' | ')}]`;
  });
  const late = new Promise<string>((res) => setTimeout(() => res('the page did not answer within 5 s (its main thread is busy or blocked)'), 5_000));
  return `${page.url()}: ${await Promise.race([shown.catch((e: Error) => `could not be read (${e.message})`), late])}`;
}

/**
 * Wait until `selector` matches in the page's DOM, checked at each DOM change (a MutationObserver), not at each
 * animation frame as Puppeteer's `waitForSelector` does: the wait then depends on the page's DOM only, not on the
 * browser drawing frames (its GPU process, SwiftShader here, draws them), and costs no CPU between changes. On timeout
 * the error names the selector, the time waited and what the page showed (`pageSnapshot`).
 */
export async function waitForElement(page: Page, selector: string, timeoutMs: number): Promise<void> {
  const t0 = performance.now();
  try {
    await page.waitForFunction((s) => (globalThis as Dom).document.querySelector(s) !== null, { polling: 'mutation', timeout: timeoutMs }, selector);
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    throw new Error(`${selector} did not appear within ${((performance.now() - t0) / 1000).toFixed(1)} s; page ${await pageSnapshot(page)}`, { cause: e });
  }
}
