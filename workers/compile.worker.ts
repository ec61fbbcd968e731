/**
 * Module worker running the DHM compiler (`compileHead` of src/dhm/quantize.ts: float evaluation of the head on the
 * calibration frames, range analysis, formats, integer weights) off the page's main thread, exposed with comlink.
 * Thin adapter: the head Graph and the options arrive as structured clones; the program and the per-tensor report go
 * back. Errors reach the caller as comlink-serialised Errors (name and message kept,
 * e.g. `QuantizeError`).
 */
import { expose, transfer } from 'comlink';
import { compileHead, quantReport, type CompileOptions, type CompileResult, type QuantReport } from '../src/dhm/quantize';
import { lowerHead } from '../src/dhm/float';
import type { DhmProgram } from '../src/dhm/program';
import type { RgbFrame } from '../src/image/preprocess';
import { loadCalibrationFrames } from '../src/dhm/calibration-set';
import type { Preprocessing } from '../src/models/registry';
import { decodeImageUrl } from './decode-image';
import type { Graph } from '../src/graph/types';

const api = {
  /** The calibration set (src/dhm/calibration-set.ts) for `preprocessing`, its images fetched from `modelsBase` (absolute URL) and decoded here. */
  async frames(modelsBase: string, preprocessing: Preprocessing): Promise<RgbFrame[]> {
    const frames = await loadCalibrationFrames(preprocessing, (img) => decodeImageUrl(new URL(img.file.path, modelsBase).href));
    return transfer(frames, frames.map((f) => f.data.buffer as ArrayBuffer));
  },
  /** Quantise `head` (NCHW float graph of the layers before the cut) into a DHM program plus its calibration report. */
  compile(head: Graph, options: CompileOptions): Pick<CompileResult, 'program' | 'report'> {
    const { program, report } = compileHead(head, options);
    return { program, report }; // a few KiB: cloned (the float head stays here)
  },
  /** The per-tensor report of `program` compiled from `head` with `options` (see quantReport of src/dhm/quantize.ts). */
  report(head: Graph, options: CompileOptions, program: DhmProgram): QuantReport {
    const frames = options.calibrationFrames.map((f) => (f instanceof Uint8Array ? f : f.data));
    return quantReport(program, lowerHead(head, options.preprocessing), frames);
  },
};

/** The comlink API of this worker (for `wrap<CompileWorkerApi>(worker)`). */
export type CompileWorkerApi = typeof api;

expose(api);
