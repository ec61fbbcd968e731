/**
 * DHM heads of the paper's models at every legal cut, compiled with the default 8-bit options. Calibration runs once
 * per model on the deepest head (heads of one model are nested; stream ids are ONNX tensor names) over the
 * compiler's calibration set (src/dhm/calibration-set.ts, the pipeline's) or a subset of it, so compiling every cut
 * stays cheap. Shared by the dhm-* tests (and usable by the Wasm tests).
 */
import { loadGraph, listCuts, splitAt, type CutPoint, type Graph } from '../../../src/graph/index';
import { getModel, PAPER_MODELS, type ModelEntry } from '../../../src/models/registry';
import type { RgbFrame } from '../../../src/image/preprocess';
import { CALIBRATION_IMAGES, calibrationFrames } from '../../../src/dhm/calibration-set';
import { join } from 'node:path';
import { lowerHead } from '../../../src/dhm/float';
import { calibrate, compileHead, type CalibrationStats, type CompileResult, type LayerOverride, type QuantOptions } from '../../../src/dhm/quantize';
import { decodeImageFile } from '../../../cli/image';
import { modelBytes, MODELS } from './paths';
import type { SampleImageId } from '../../../src/models/registry';

export { PAPER_MODELS };

interface Loaded {
  readonly model: ModelEntry;
  readonly graph: Graph;
  readonly cuts: readonly CutPoint[];
  readonly frames: readonly RgbFrame[];
  /** Calibration statistics by the comma-joined image ids they were computed over. */
  readonly stats: Map<string, Map<string, CalibrationStats>>;
}
const cache = new Map<string, Loaded>();

/** The prepared graph, its legal cuts and the calibration set as the model's 8-bit RGB frames (in CALIBRATION_IMAGES order). */
export function loadModel(id: string): Loaded {
  let l = cache.get(id);
  if (!l) {
    const model = getModel(id);
    const graph = loadGraph(modelBytes(id), model.file.path);
    const frames = calibrationFrames(model.preprocessing, (img) => decodeImageFile(join(MODELS, img.file.path)));
    l = { model, graph, cuts: listCuts(graph), frames, stats: new Map() };
    cache.set(id, l);
  }
  return l;
}

/** The frames of the given sample images (model preprocessing), in the order given. */
export function framesOf(id: string, images: readonly SampleImageId[]): RgbFrame[] {
  const l = loadModel(id);
  return images.map((img) => {
    const i = CALIBRATION_IMAGES.indexOf(img);
    if (i < 0) throw new Error(`unknown sample image '${img}' (have ${CALIBRATION_IMAGES.join(', ')})`);
    return l.frames[i]!;
  });
}

/** Calibration statistics over the given sample images (default: the calibration set), computed once per set on the deepest head. */
export function modelCalibration(id: string, images: readonly SampleImageId[] = CALIBRATION_IMAGES): Map<string, CalibrationStats> {
  const l = loadModel(id);
  const key = images.join(',');
  let stats = l.stats.get(key);
  if (!stats) {
    const deepest = splitAt(l.graph, l.cuts.length - 1).head;
    stats = calibrate(lowerHead(deepest, l.model.preprocessing), framesOf(id, images).map((f) => f.data));
    l.stats.set(key, stats);
  }
  return stats;
}

/** Which sample images calibrate the quantiser and which the per-tensor report is measured over (default: the whole calibration set for both). */
export interface ImageSets {
  readonly calibrationImages?: readonly SampleImageId[];
  readonly reportImages?: readonly SampleImageId[];
}

/** Compile the head of `id` at `cut` (default options unless given; report off unless asked). */
export function compileAt(id: string, cut: number, opts: Partial<QuantOptions> & ImageSets & { report?: boolean; overrides?: Readonly<Record<string, LayerOverride>> } = {}): CompileResult & { cutPoint: CutPoint; tail: Graph } {
  const l = loadModel(id);
  const s = splitAt(l.graph, cut);
  const { calibrationImages = CALIBRATION_IMAGES, reportImages, ...rest } = opts;
  if (reportImages && opts.range === 'percentile') throw new Error('reportImages needs precomputed (max-abs) calibration');
  const r = compileHead(s.head, {
    preprocessing: l.model.preprocessing,
    // with precomputed statistics, calibrationFrames only feed the report
    calibrationFrames: framesOf(id, reportImages ?? calibrationImages),
    calibration: opts.range === 'percentile' ? undefined : modelCalibration(id, calibrationImages),
    modelId: id, cutIndex: cut, report: false, ...rest,
  });
  return { ...r, cutPoint: s.cut, tail: s.tail };
}
