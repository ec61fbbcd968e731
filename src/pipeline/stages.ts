/** Running one named pipeline stage: abortable, timed (wall time measured here). */
import { abortError } from '../backend/abort';

/** The stages of the hybrid system, in order: the table of contents of src/pipeline/pipeline.ts. */
export const STAGES = ['load-model', 'choose-cut', 'quantize-head', 'run-head', 'transfer', 'run-tail', 'top5', 'gpu-only'] as const;
export type StageName = (typeof STAGES)[number];

/** Wall time of one stage on this machine, milliseconds (provenance: measured). */
export interface StageTiming {
  readonly stage: StageName;
  readonly ms: number;
  /** True when the stage's result came from the per-(model, cut, options) cache. */
  readonly cached: boolean;
}

/** Error wrapping a stage failure, naming the stage. */
export class StageError extends Error {
  override name = 'StageError';
  constructor(readonly stage: StageName, cause: Error) {
    super(`stage '${stage}' failed: ${cause.name && cause.name !== 'Error' ? cause.name + ': ' : ''}${cause.message}`, { cause });
  }
}

/** Reject as soon as `signal` aborts, even while `p` is still pending. */
export function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

/** What the stages of one run share: where timings go, the run's AbortSignal, and who is told when a stage starts. */
export interface StageContext {
  /** Wall time of every stage that ran, appended as each one ends. */
  readonly timings: StageTiming[];
  readonly signal?: AbortSignal;
  /** Called as each stage starts (progress display: the page shows the stage name). */
  readonly onStage?: (stage: StageName) => void;
}

/**
 * Run `fn` as stage `name`: checks the signal before and races it during; pushes the timing; AbortErrors pass
 * through unchanged, other errors are wrapped in a StageError naming the stage.
 */
export async function runStage<T>(name: StageName, ctx: StageContext, fn: () => Promise<T> | T, cached = false): Promise<T> {
  const { timings, signal } = ctx;
  if (signal?.aborted) throw abortError(signal);
  ctx.onStage?.(name);
  const t0 = performance.now();
  try {
    const r = await raceAbort(Promise.resolve().then(fn), signal);
    timings.push({ stage: name, ms: performance.now() - t0, cached });
    return r;
  } catch (e) {
    const err = e as Error;
    if (err.name === 'AbortError' || err instanceof StageError) throw err;
    throw new StageError(name, err);
  }
}
