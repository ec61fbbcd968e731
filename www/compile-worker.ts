/**
 * The page's quantiser: `compileHead` (src/dhm/quantize.ts) in a module worker (dist/workers/compile.worker.js) through
 * comlink, so the seconds of float calibration do not block the main thread. Failure rules of www/managed-worker.ts:
 * an abort terminates the worker and rejects with an AbortError; a failure inside it is a CompileWorkerError carrying
 * the worker-side error's name and message (e.g. QuantizeError); the next compile then starts a fresh worker.
 */
import type { CompileWorkerApi } from '../workers/compile.worker';
import type { CompileOptions, CompileResult, QuantReport } from '../src/dhm/quantize';
import type { DhmProgram } from '../src/dhm/program';
import type { RgbFrame } from '../src/image/preprocess';
import type { Preprocessing } from '../src/models/registry';
import type { Graph } from '../src/graph/types';
import { managedWorker } from './managed-worker';

/** A failure inside the compile worker: `workerErrorName` is the error's name there (e.g. QuantizeError). */
export class CompileWorkerError extends Error {
  override name = 'CompileWorkerError';
  constructor(readonly workerErrorName: string, message: string) {
    super(`${workerErrorName}: ${message}`);
  }
}

/** `PipelineEnv.compileHead` backed by a worker. */
export interface WorkerCompiler {
  /** Quantise `head` with `options` in the worker: the DHM program and the per-tensor calibration report. */
  compile(head: Graph, options: CompileOptions, signal?: AbortSignal): Promise<Pick<CompileResult, 'program' | 'report'>>;
  /** The per-tensor calibration report of `program` (compiled from `head` with `options`), in the worker. */
  report(head: Graph, options: CompileOptions, program: DhmProgram, signal?: AbortSignal): Promise<QuantReport>;
  /** The calibration set for `preprocessing`, its images fetched from `modelsBase` (absolute URL), decoded and prepared in the worker. */
  frames(modelsBase: string, preprocessing: Preprocessing, signal?: AbortSignal): Promise<RgbFrame[]>;
  /** Workers started so far. */
  readonly workersStarted: number;
  /** Terminate the worker (a later compile starts a new one). */
  dispose(): void;
}

/** Create the worker-backed compiler; `workerUrl` defaults to dist/workers/compile.worker.js relative to the page. */
export function workerCompiler(workerUrl: string | URL = 'workers/compile.worker.js'): WorkerCompiler {
  const w = managedWorker<CompileWorkerApi>({ url: new URL(workerUrl, location.href), name: 'dhm-compiler', errorType: CompileWorkerError });
  return {
    compile: (head, options, signal) => w.call((api) => api.compile(head, options), signal),
    frames: (modelsBase, preprocessing, signal) => w.call((api) => api.frames(modelsBase, preprocessing), signal),
    report: (head, options, program, signal) => w.call((api) => api.report(head, options, program), signal),
    get workersStarted() {
      return w.started;
    },
    dispose: () => w.kill(),
  };
}
