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
import { takeEarly } from './early';
import { fetchWithProgress } from './fetch';
import { workerTransfer, type WorkerTransfer } from './transfer-worker';
import { paperPlatformModel } from '../src/cost/platform-model';
import { PREBUILT_DIR, decodePrebuilt, isPrebuiltDefault, prebuiltFileName, prebuiltKey, type PrebuiltLookup } from '../src/pipeline/prebuilt';

/** SHA-256 (hex) of bytes, by WebCrypto. */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

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
  /**
   * The compiler's source hash this page was built with (build.mjs's `__COMPILER_HASH__`): prebuilt head programs
   * (src/pipeline/prebuilt.ts, `models/prebuilt/`) are used when their key matches it; absent: always compiled here.
   */
  readonly compilerHash?: string;
  /**
   * URL of dist/workers/transfer.worker.js: the transfer stage (pack, unpack, dequantise) and the run's image
   * preprocessing run there (default:
   * `workers/transfer.worker.js` relative to the page); `null` runs it in-process.
   */
  readonly transferWorkerUrl?: string | null;
  /** Progress callback for downloads: (what, loadedBytes, totalBytes or null). */
  readonly onProgress?: (what: string, loaded: number, total: number | null) => void;
}

export { FetchError, fetchWithProgress } from './fetch';

/** A PipelineEnv for this page over a loaded onnxruntime-web (`transferWorker`: its transfer stage's worker, to warm it). */
export function browserPipelineEnv(opts: BrowserEnvOptions): PipelineEnv & { readonly transferWorker: WorkerTransfer | null } {
  const base = new URL(opts.modelsBase ?? 'models/', location.href).href;
  const frames = new Map<string, Promise<RgbFrame[]>>();
  const compiler = opts.compileWorkerUrl === null ? null : workerCompiler(opts.compileWorkerUrl ?? 'workers/compile.worker.js');
  const transferWorker = opts.transferWorkerUrl === null ? null : workerTransfer(opts.transferWorkerUrl ?? 'workers/transfer.worker.js');
  return {
    transferWorker,
    ...(transferWorker ? { transferFeatureMap: transferWorker.transfer, preprocess: transferWorker.frame } satisfies Pick<PipelineEnv, 'transferFeatureMap' | 'preprocess'> : {}),
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
    async prebuiltProgram(model, cutIndex, quant, modelBytes, signal): Promise<PrebuiltLookup> {
      if (opts.compilerHash === undefined) return { program: null, detail: 'this page has no compiler hash to check prebuilt programs against' };
      if (!isPrebuiltDefault(model.id, cutIndex, quant)) return { program: null, detail: `no prebuilt program for ${model.id} at cut ${cutIndex} with these options (only cut 0, 8 bits is prebuilt)` };
      const name = `${PREBUILT_DIR}/${prebuiltFileName(model.id, cutIndex, quant)}`;
      const res = await (takeEarly(base + name) ?? fetch(base + name, signal ? { signal } : {}));
      if (!res.ok) return { program: null, detail: `${name} not found (HTTP ${res.status}; \`npm run models\` builds it)` };
      const [text, bytes] = await Promise.all([res.text(), modelBytes]); // the model file as the pipeline loaded it
      const key = prebuiltKey(model, await sha256Hex(bytes), cutIndex, quant, opts.compilerHash);
      try {
        return { program: decodePrebuilt(text, key), detail: `${name}, key checked (model file SHA-256, options, calibration images, compiler source)` };
      } catch (e) {
        return { program: null, detail: `${name} rejected: ${(e as Error).message}` };
      }
    },
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
