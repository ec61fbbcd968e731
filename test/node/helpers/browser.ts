/** Start the demo server and a headless Chromium (software WebGPU) for page-level tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
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
