/**
 * The page's service worker (built to dist/sw.js, scope `/`): makes a second visit work offline.
 *
 * - App shell: every file the page needs (page, workers, DHM emulator .wasm, onnxruntime-web's ES module and .wasm,
 *   the shared sample images and label files) is fetched into a cache named after the build (`hybrid-dhm-shell-<hash>`)
 *   when the worker installs; the list and the hash are written in by build.mjs (`__PRECACHE__`, `__BUILD_HASH__`).
 *   These files are answered from that cache first, so the shell always comes from one consistent build. A new build
 *   is a new worker: it installs its own cache, takes over, and deletes the old one (the page then says "reload").
 * - Models: the page itself stores each model file it has loaded in `hybrid-dhm-models` (www/offline.ts), so the models
 *   you have opened are available offline; here they are answered from that cache first, then the network.
 * - Anything else goes to the network unchanged.
 *
 * Responses keep the server's headers, COOP/COEP included, so the page stays cross-origin isolated when offline.
 */
/// <reference lib="WebWorker" />
import { SHELL_CACHE_PREFIX, MODELS_CACHE } from '../src/offline/caches';
import { LABEL_FILES, SAMPLE_IMAGES } from '../src/models/registry';

declare const self: ServiceWorkerGlobalScope;
/** Files of the app shell, as URL paths relative to the worker's scope ('' is the page itself). Set by build.mjs. */
declare const __PRECACHE__: readonly string[];
/** Content hash of the shell files (hex). Set by build.mjs. */
declare const __BUILD_HASH__: string;

const SHELL_CACHE = `${SHELL_CACHE_PREFIX}${__BUILD_HASH__}`;
const scope = new URL(self.registration.scope);
const sharedFiles = [...Object.values(SAMPLE_IMAGES), ...Object.values(LABEL_FILES)].map((f) => `models/${f.path}`);
const shellUrls = new Set([...__PRECACHE__, ...sharedFiles].map((p) => new URL(p, scope).href));

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // cache: 'reload' bypasses the HTTP cache so the shell is exactly what the server has now
    await cache.addAll([...shellUrls].map((u) => new Request(u, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(SHELL_CACHE_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || req.headers.has('range')) return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  // the page with any query string (e.g. ?threads=1) is the shell's page
  const key = req.mode === 'navigate' && url.pathname === scope.pathname ? scope.href : url.origin + url.pathname;
  if (shellUrls.has(key)) {
    event.respondWith(caches.open(SHELL_CACHE).then(async (c) => (await c.match(key)) ?? fetch(req)));
  } else if (url.pathname.startsWith(`${scope.pathname}models/`)) {
    event.respondWith(caches.open(MODELS_CACHE).then(async (c) => (await c.match(key)) ?? fetch(req)));
  }
});

/** The page asks which build is cached: replies with the cache name and the number of shell files in it. */
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type !== 'offline-status') return;
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    const cached = (await cache.keys()).length;
    event.ports[0]?.postMessage({ cache: SHELL_CACHE, buildHash: __BUILD_HASH__, shellFiles: shellUrls.size, cachedFiles: cached });
  })());
});
