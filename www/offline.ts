/**
 * Offline second visit: registers the service worker (dist/sw.js, from workers/offline.sw.ts) and keeps the model
 * files this page has loaded in Cache Storage so that the worker can answer them offline.
 */
import { MODELS_CACHE } from '../src/offline/caches';

/** Where offline support stands in this browser. */
export type OfflineState =
  | { readonly kind: 'unsupported'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'ready'; readonly buildHash: string; readonly shellFiles: number; readonly cachedFiles: number; readonly servedByWorker: boolean };

/**
 * Register `swUrl` (scope: the page's folder) and resolve once the worker is active and has cached the app shell.
 * Never rejects: a browser without service workers, or a failed install, is a state, not an error.
 */
export async function enableOffline(swUrl = 'sw.js'): Promise<OfflineState> {
  if (!('serviceWorker' in navigator)) return { kind: 'unsupported', reason: 'this browser has no service workers (or the page is not on https/localhost)' };
  try {
    const servedByWorker = navigator.serviceWorker.controller !== null;
    await navigator.serviceWorker.register(swUrl, { type: 'classic' });
    const reg = await navigator.serviceWorker.ready;
    const active = reg.active;
    if (!active) return { kind: 'failed', reason: 'the service worker did not activate' };
    const status = await new Promise<{ buildHash: string; shellFiles: number; cachedFiles: number }>((resolve, reject) => {
      const ch = new MessageChannel();
      const timer = setTimeout(() => reject(new Error('the service worker did not answer within 10 s')), 10_000);
      ch.port1.onmessage = (e) => {
        clearTimeout(timer);
        resolve(e.data as { buildHash: string; shellFiles: number; cachedFiles: number });
      };
      active.postMessage({ type: 'offline-status' }, [ch.port2]);
    });
    return { kind: 'ready', ...status, servedByWorker };
  } catch (e) {
    return { kind: 'failed', reason: (e as Error).message };
  }
}

/** Keep a model file the page has loaded (`url` absolute, `bytes` as fetched) for offline visits; best effort. */
export async function keepForOffline(url: string, bytes: Uint8Array): Promise<void> {
  if (!('caches' in globalThis)) return;
  try {
    const cache = await caches.open(MODELS_CACHE);
    if (await cache.match(url)) return;
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) } }));
  } catch {
    // quota or private mode: the model is simply not available offline
  }
}
