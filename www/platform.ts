/**
 * The pipeline's platform adapter for the browser: models fetched from the server's /models/ folder, onnxruntime-web
 * (the build of the tail's EP, in the page's ORT worker: www/ort-worker.ts; WebGPU falls back to wasm visibly), and the
 * calibration set (src/dhm/calibration-set.ts) decoded and prepared in the compile worker.
 */
import type { PipelineEnv } from '../src/pipeline/pipeline';
import type { Ort, TailEp } from '../src/pipeline/tail';
import type { ModelEntry } from '../src/models/registry';
import type { RgbFrame } from '../src/image/preprocess';
import { loadCalibrationFrames } from '../src/dhm/calibration-set';
import { decodeImageUrl } from './image';
import { workerCompiler } from './compile-worker';
import { paperPlatformModel } from '../src/cost/platform-model';

/** Options: where models and onnxruntime-web's .wasm are served. */
export interface BrowserEnvOptions {
  /** onnxruntime-web, loaded and configured (www/ort-worker.ts's ortInWorker, or www/ort-loader.ts's loadOrt). */
  readonly ort: Ort;
  /** The default EP of the tail and the GPU-only baseline. */
  readonly tailEp: TailEp;
  /**
   * Whether ORT's placement log reaches this thread's `console` (default true: ORT on this thread, or in the page's ORT
   * worker, which forwards it); false for ORT's own proxy worker, whose log cannot be read here.
   */
  readonly checkPlacement?: boolean;
  /** URL prefix of the provisioned models folder (default: `models/` relative to the page). */
  readonly modelsBase?: string;
  /**
   * URL of dist/workers/compile.worker.js: the quantiser runs there, off the main thread (default:
   * `workers/compile.worker.js` relative to the page); `null` runs it in-process.
   */
  readonly compileWorkerUrl?: string | null;
  /** Progress callback for downloads: (what, loadedBytes, totalBytes or null). */
  readonly onProgress?: (what: string, loaded: number, total: number | null) => void;
}

/** Error for a file the server did not deliver. */
export class FetchError extends Error {
  override name = 'FetchError';
}

/**
 * Fetch a URL into bytes, reporting progress; a non-OK status or a network failure is a FetchError naming `what` and
 * the URL (an AbortError passes through).
 */
export async function fetchWithProgress(url: string, what: string, onProgress?: BrowserEnvOptions['onProgress'], signal?: AbortSignal): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, signal ? { signal } : {});
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    const offline = navigator.onLine === false || navigator.serviceWorker?.controller ? ' (offline or server unreachable: only files opened on an earlier online visit are cached)' : ' (server unreachable)';
    throw new FetchError(`${what}: cannot fetch ${url}: ${(e as Error).message}${offline}`);
  }
  if (!res.ok) throw new FetchError(`${what}: HTTP ${res.status} for ${url}${res.status === 404 ? ' (run `npm run models` on the server)' : ''}`);
  const total = Number(res.headers.get('Content-Length')) || null;
  if (!res.body || !onProgress) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(what, loaded, total);
  }
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** A PipelineEnv for this page over a loaded onnxruntime-web. */
export function browserPipelineEnv(opts: BrowserEnvOptions): PipelineEnv {
  const base = new URL(opts.modelsBase ?? 'models/', location.href).href;
  const frames = new Map<string, Promise<RgbFrame[]>>();
  const compiler = opts.compileWorkerUrl === null ? null : workerCompiler(opts.compileWorkerUrl ?? 'workers/compile.worker.js');
  return {
    ...(compiler ? {
      compileHead: (head, options, signal) => compiler.compile(head, options, signal),
      quantReport: (head, options, program) => compiler.report(head, options, program),
    } satisfies Pick<PipelineEnv, 'compileHead' | 'quantReport'> : {}),
    ort: opts.ort,
    tailEp: opts.tailEp,
    // ORT's placement log is read from `console` on this thread (www/ort-worker.ts writes the worker's lines here).
    platform: paperPlatformModel(),
    checkPlacement: opts.checkPlacement ?? true,
    loadFile: (path, signal) => fetchWithProgress(base + path, path, opts.onProgress, signal),
    calibrationFrames(model: ModelEntry) {
      let f = frames.get(model.preprocessing);
      if (!f) {
        // decoded and resized in the compile worker when there is one (a few hundred ms of pixel work off this thread)
        f = compiler ? compiler.frames(new URL(base, location.href).href, model.preprocessing) : loadCalibrationFrames(model.preprocessing, (img) => decodeImageUrl(base + img.file.path));
        frames.set(model.preprocessing, f);
        f.catch(() => frames.delete(model.preprocessing));
      }
      return f;
    },
  };
}
