/**
 * The page's first moments (www/main.ts): what the boot module found — the capabilities and the tail's EP — and the
 * fetches it started before the rest of the page's code was loaded (onnxruntime-web's .wasm of that EP, the preselected
 * network's model file and its prebuilt head program), so a cold start does not wait for the page's code to load and
 * evaluate. `fetchWithProgress` (www/platform.ts) takes an early response for its URL when there is one.
 */
import type { Capabilities } from './capabilities';
import type { TailChoice } from './tail-choice';
import type { Ort } from '../src/pipeline/tail';

/** What the boot module decided and started, read by www/app.ts. */
export const boot: {
  caps: Capabilities | null;
  tail: TailChoice | null;
  /** onnxruntime-web in its worker (www/ort-worker.ts), started by www/main.ts. */
  ort: Ort | null;
  /** Resolves when ORT's runtime is started in its worker (its .wasm downloaded and compiled); never rejects. */
  ortReady: Promise<unknown> | null;
  /** Messages for the page (e.g. an ignored URL parameter), shown by www/app.ts. */
  messages: string[];
  /** Download progress, (what, loaded bytes, total or null): recorded until www/app.ts attaches its status panel. */
  onDownload: (what: string, loaded: number, total: number | null) => void;
  /** Progress reports made before the status panel was attached (replayed by www/app.ts). */
  downloads: [string, number, number | null][];
} = { caps: null, tail: null, ort: null, ortReady: null, messages: [], onDownload: (w, l, t) => void boot.downloads.push([w, l, t]), downloads: [] };

let bootDone: () => void = () => undefined;
/** Resolves when www/main.ts has filled `boot` (www/app.ts, loaded in parallel, waits for it). */
export const booted = new Promise<void>((resolve) => { bootDone = resolve; });
/** Called by www/main.ts once `boot` is filled. */
export function finishBoot(): void {
  bootDone();
}

const early = new Map<string, Promise<Response>>();
const abs = (url: string): string => new URL(url, location.href).href;

/** Start fetching `url` now (once); a later `takeEarly(url)` gets the response. A failure is left to the taker. */
export function fetchEarly(url: string): void {
  const key = abs(url);
  if (early.has(key)) return;
  const p = fetch(key);
  p.catch(() => undefined);
  early.set(key, p);
}

/** The early response for `url`, if one was started and not taken yet (each is taken once: a body is read once). */
export function takeEarly(url: string): Promise<Response> | undefined {
  const key = abs(url);
  const p = early.get(key);
  early.delete(key);
  return p;
}
