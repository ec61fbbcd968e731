/**
 * Fetching a file into bytes with errors that name it (www/platform.ts re-exports this): used by the page's first
 * module (www/main.ts) and by the pipeline's platform. Takes a download that www/main.ts started early (www/early.ts).
 */
import { takeEarly } from './early';

/** Error for a file the server did not deliver. */
export class FetchError extends Error {
  override name = 'FetchError';
}

/**
 * Fetch a URL into bytes, reporting progress; a non-OK status or a network failure is a FetchError naming `what` and
 * the URL (an AbortError passes through).
 */
export async function fetchWithProgress(url: string, what: string, onProgress?: (what: string, loaded: number, total: number | null) => void, signal?: AbortSignal): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await (takeEarly(url) ?? fetch(url, signal ? { signal } : {})); // a download www/main.ts started early
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    const offline = navigator.onLine === false || navigator.serviceWorker?.controller ? ' (offline or server unreachable: only files opened on an earlier online visit are cached)' : ' (server unreachable)';
    throw new FetchError(`${what}: cannot fetch ${url}: ${(e as Error).message}${offline}`);
  }
  if (!res.ok) throw new FetchError(`${what}: HTTP ${res.status} for ${url}${res.status === 404 ? ' (run `npm run models` on the server)' : ''}`);
  const total = Number(res.headers.get('Content-Length')) || null;
  // The body is read whole (`arrayBuffer()`), not chunk by chunk in JS: a chunk loop on a busy main thread drains the
  // response slowly and holds the download back (measured: 14 MB took 0.7 s instead of 0.3 s during the page's start).
  // Progress is therefore reported at the start (0 of the total) and at the end.
  onProgress?.(what, 0, total);
  const out = new Uint8Array(await res.arrayBuffer());
  onProgress?.(what, out.length, out.length);
  return out;
}

