/**
 * Module worker running the DHM compiler (`compileHead` of src/dhm/quantize.ts: float evaluation of the head on the
 * calibration frames, range analysis, formats, integer weights) off the page's main thread, exposed with comlink.
 * Thin adapter: the head Graph and the options arrive as structured clones; the program and the per-tensor report go
 * back. Errors reach the caller as comlink-serialised Errors (name and message kept,
 * e.g. `QuantizeError`).
 */
import { expose } from 'comlink';
import { compileHead, type CompileOptions, type CompileResult } from '../src/dhm/quantize';
import type { Graph } from '../src/graph/types';

const api = {
  /** Quantise `head` (NCHW float graph of the layers before the cut) into a DHM program plus its calibration report. */
  compile(head: Graph, options: CompileOptions): Pick<CompileResult, 'program' | 'report'> {
    const { program, report } = compileHead(head, options);
    return { program, report }; // a few KiB: cloned (the float head stays here)
  },
};

/** The comlink API of this worker (for `wrap<CompileWorkerApi>(worker)`). */
export type CompileWorkerApi = typeof api;

expose(api);
