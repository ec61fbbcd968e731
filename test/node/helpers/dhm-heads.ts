/**
 * DHM heads of the paper's models at every legal cut, compiled with the default 8-bit options. Calibration runs once
 * per model on the deepest head (heads of one model are nested; stream ids are ONNX tensor names) over the compiler's
 * calibration set (src/dhm/calibration-set.ts, the pipeline's), so compiling every cut stays cheap. Shared by the
 * dhm-* tests (and usable by the Wasm tests).
 */
import { loadGraph, listCuts, splitAt, type CutPoint, type Graph } from '../../../src/graph/index';
import { getModel, PAPER_MODELS, type ModelEntry } from '../../../src/models/registry';
import type { RgbFrame } from '../../../src/image/preprocess';
import { calibrationFrames } from '../../../src/dhm/calibration-set';
import { join } from 'node:path';
import { lowerHead } from '../../../src/dhm/float';
import { calibrate, compileHead, type CalibrationStats, type CompileResult, type LayerOverride, type QuantOptions } from '../../../src/dhm/quantize';
import { decodeImageFile } from '../../../cli/image';
import { modelBytes, MODELS } from './paths';

export { PAPER_MODELS };

interface Loaded {
  readonly model: ModelEntry;
  readonly graph: Graph;
  readonly cuts: readonly CutPoint[];
  readonly frames: readonly RgbFrame[];
  stats?: Map<string, CalibrationStats>;
}
const cache = new Map<string, Loaded>();

/** The prepared graph, its legal cuts and the calibration set as the model's 8-bit RGB frames. */
export function loadModel(id: string): Loaded {
  let l = cache.get(id);
  if (!l) {
    const model = getModel(id);
    const graph = loadGraph(modelBytes(id), model.file.path);
    const frames = calibrationFrames(model.preprocessing, (img) => decodeImageFile(join(MODELS, img.file.path)));
    l = { model, graph, cuts: listCuts(graph), frames };
    cache.set(id, l);
  }
  return l;
}

/** Calibration statistics over the calibration set, computed once on the deepest head. */
export function modelCalibration(id: string): Map<string, CalibrationStats> {
  const l = loadModel(id);
  if (!l.stats) {
    const deepest = splitAt(l.graph, l.cuts.length - 1).head;
    l.stats = calibrate(lowerHead(deepest, l.model.preprocessing), l.frames.map((f) => f.data));
  }
  return l.stats;
}

/** Compile the head of `id` at `cut` (default options unless given; report off unless asked). */
export function compileAt(id: string, cut: number, opts: Partial<QuantOptions> & { report?: boolean; overrides?: Readonly<Record<string, LayerOverride>> } = {}): CompileResult & { cutPoint: CutPoint; tail: Graph } {
  const l = loadModel(id);
  const s = splitAt(l.graph, cut);
  const r = compileHead(s.head, {
    preprocessing: l.model.preprocessing, calibrationFrames: l.frames, calibration: opts.range === 'percentile' ? undefined : modelCalibration(id),
    modelId: id, cutIndex: cut, report: false, ...opts,
  });
  return { ...r, cutPoint: s.cut, tail: s.tail };
}
