/**
 * The page's one state object: everything that changes while the page is open lives here (the panels of www/panels/
 * read and write it; nothing else is module-level mutable state).
 */
import type { RgbaImage } from '../src/image/preprocess';
import type { PreparedHybrid } from '../src/pipeline/pipeline';

/** Page states exposed on #status[data-state] (for people and tests). */
export type PageStatus = 'loading' | 'ready' | 'running' | 'done' | 'error' | 'cancelled';

/** The mutable state of the page. */
export interface PageState {
  /** The chosen image (decoded) and its name; null until one is chosen. */
  image: { readonly img: RgbaImage; readonly name: string } | null;
  /** The run in progress (its AbortController), or null. */
  running: AbortController | null;
  /** Completed runs (shown as #results[data-runs]). */
  runCount: number;
  /** The prepared (calibrated) program of the last run and its (model, cut, bits): costed when the controls match it. */
  lastRun: { readonly key: string; readonly prepared: PreparedHybrid; readonly bits: number } | null;
  /** The live session in progress (stop it with a reason), or null. */
  live: { stop(reason: string): void } | null;
  /** The camera stream while the camera is on. */
  camera: MediaStream | null;
}

/** A fresh state: no image, nothing running. */
export function createState(): PageState {
  return { image: null, running: null, runCount: 0, lastRun: null, live: null, camera: null };
}
