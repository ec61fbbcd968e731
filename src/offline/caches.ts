/**
 * Names of the Cache Storage caches behind the page's offline second visit (shared by the page, www/offline.ts, and
 * its service worker, workers/offline.sw.ts).
 */

/** Prefix of the app-shell cache; the full name ends with the build's content hash (one cache per build). */
export const SHELL_CACHE_PREFIX = 'hybrid-dhm-shell-';
/** Model files the page has loaded (kept across builds: they are checked by sha256 in src/models/registry.ts). */
export const MODELS_CACHE = 'hybrid-dhm-models';
