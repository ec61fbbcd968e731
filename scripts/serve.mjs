#!/usr/bin/env node
/**
 * Serve the built demo (dist/), the provisioned models (models/ at /models/) and docs/ (at /docs/) on 127.0.0.1 with the
 * cross-origin isolation headers onnxruntime-web needs for wasm threads.
 * Usage: node scripts/serve.mjs [--port N]   (or PORT=N; default 8080)
 *
 * Also a module: `startServer({ root, mounts, port })` serves any folders the same way (bench/chromium.mjs uses it).
 */
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Content types by file extension (others: application/octet-stream). */
export const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8', '.bmp': 'image/bmp', '.jpg': 'image/jpeg', '.png': 'image/png',
  '.onnx': 'application/octet-stream', '.npy': 'application/octet-stream', '.webmanifest': 'application/manifest+json',
};

/** Headers sent with every response: cross-origin isolation (SharedArrayBuffer, wasm threads) and no caching. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

/**
 * Start a static file server on 127.0.0.1: `root` at `/` ('/' itself → `root`/index.html), each `mounts` entry
 * (URL prefix ending in '/' → folder) at its prefix; GET and HEAD, 404 for anything outside the folders.
 * `port` 0 (default) picks a free port. Resolves once listening; rejects if it cannot listen.
 * @param {{ root: string, mounts?: Record<string, string>, port?: number }} options
 * @returns {Promise<{ server: import('node:http').Server, port: number, url: string, close: () => Promise<void> }>}
 */
export function startServer({ root, mounts = {}, port = 0 }) {
  const bases = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  const resolvePath = (urlPath) => {
    const p = decodeURIComponent(urlPath.split('?')[0]);
    const m = bases.find(([prefix]) => p.startsWith(prefix));
    const [base, rel] = m ? [m[1], p.slice(m[0].length)] : [root, p.slice(1) || 'index.html'];
    const full = normalize(join(base, rel));
    if (full !== base && !full.startsWith(base + sep)) return null; // path traversal
    return full;
  };
  const server = createServer((req, res) => {
    const file = resolvePath(req.url ?? '/');
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain' });
      res.end(`not found: ${req.url}`);
      return;
    }
    res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', rej);
      const actual = server.address().port;
      res({ server, port: actual, url: `http://127.0.0.1:${actual}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const dist = join(root, 'dist');
  const models = resolve(process.env.HYBRID_DHM_MODELS_DEST ?? join(root, 'models'));
  const argPort = process.argv.indexOf('--port');
  const port = Number(argPort > 0 ? process.argv[argPort + 1] : process.env.PORT ?? 8080);
  if (!existsSync(join(dist, 'index.html'))) {
    console.error('serve: dist/index.html is missing; run `npm run build` (or `npm start`, which builds first)');
    process.exit(1);
  }
  if (!existsSync(models)) console.warn(`serve: ${models} does not exist; run \`npm run models\` or the page will have no models`);
  startServer({ root: dist, mounts: { '/models/': models, '/docs/': join(root, 'docs') }, port }).then(
    () => console.log(`hybrid-dhm demo: http://127.0.0.1:${port}/  (serving ${dist}, models from ${models}; Ctrl-C to stop)`),
    (e) => {
      console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.message} (choose another with --port N or PORT=N)`);
      process.exit(1);
    },
  );
}
