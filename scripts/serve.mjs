#!/usr/bin/env node
/**
 * Serve the built demo (dist/) and the provisioned models (models/ at /models/) on 127.0.0.1 with the
 * cross-origin isolation headers onnxruntime-web needs for wasm threads.
 * Usage: node scripts/serve.mjs [--port N]   (or PORT=N; default 8080)
 */
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const models = resolve(process.env.HYBRID_DHM_MODELS_DEST ?? join(root, 'models'));
const argPort = process.argv.indexOf('--port');
const port = Number(argPort > 0 ? process.argv[argPort + 1] : process.env.PORT ?? 8080);
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8', '.bmp': 'image/bmp', '.jpg': 'image/jpeg', '.png': 'image/png',
  '.onnx': 'application/octet-stream', '.npy': 'application/octet-stream', '.webmanifest': 'application/manifest+json',
};

if (!existsSync(join(dist, 'index.html'))) {
  console.error('serve: dist/index.html is missing; run `npm run build` (or `npm start`, which builds first)');
  process.exit(1);
}
if (!existsSync(models)) console.warn(`serve: ${models} does not exist; run \`npm run models\` or the page will have no models`);

function resolvePath(urlPath) {
  const p = decodeURIComponent(urlPath.split('?')[0]);
  const [base, rel] = p.startsWith('/models/') ? [models, p.slice('/models/'.length)] : [dist, p.slice(1) || 'index.html'];
  const full = normalize(join(base, rel));
  if (full !== base && !full.startsWith(base + sep)) return null; // path traversal
  return full;
}

const server = createServer((req, res) => {
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
  const file = resolvePath(req.url ?? '/');
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
    res.end(`not found: ${req.url}`);
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
});
server.on('error', (e) => {
  console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.message} (choose another with --port N or PORT=N)`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`hybrid-dhm demo: http://127.0.0.1:${port}/  (serving ${dist}, models from ${models}; Ctrl-C to stop)`);
});
