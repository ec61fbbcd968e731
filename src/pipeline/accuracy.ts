/**
 * Accuracy per bit width and cut, measured: top-1 agreement of the quantised hybrid — the head compiled by the DHM
 * compiler and executed bit-exactly on a HeadBackend, its output dequantised, the float tail on onnxruntime-web —
 * with the float model on the same EP. Calibration images are disjoint from evaluation images: the images are split
 * into `folds` folds (image i in fold i mod folds); each fold is evaluated with a head calibrated on the other folds,
 * so every image is evaluated once by a head that never saw it. Results are plain data (src/models/accuracy.ts);
 * src/cost/accuracy-report.ts writes them. Environment-neutral: the caller supplies ORT, the file loader, the backend
 * and images.
 */
import { compileHead, calibrate } from '../dhm/quantize';
import { lowerHead } from '../dhm/float';
import { dequantize } from '../dhm/dequantize';
import { loadGraph, listCuts, splitAt, writeOnnx } from '../graph/index';
import { getModel, LABEL_FILES, type ModelId } from '../models/registry';
import { parseLabels, topK } from '../models/labels';
import { frameToTensor, toFrame, type RgbaImage } from '../image/preprocess';
import { abortError } from '../backend/abort';
import type { HeadBackend } from '../backend/head-backend';
import { createOrtRunner, type Ort, type TailEp } from './tail';
import type { AccuracyFold, AccuracyRecord, AccuracyResult } from '../models/accuracy';

/** The result shape, declared once in src/models/accuracy.ts (shared with src/cost/accuracy-report.ts). */
export type { AccuracyFold, AccuracyRecord, AccuracyResult } from '../models/accuracy';

/** A named decoded image. */
export interface AccuracyImage {
  readonly name: string;
  readonly image: RgbaImage;
}

/** What to evaluate for one model: cuts × bit widths (weights and activations at the same width). */
export interface AccuracyPlan {
  readonly modelId: ModelId;
  readonly cuts: readonly number[];
  readonly bits: readonly number[];
}

/** Inputs of {@link evaluateAccuracy}. */
export interface AccuracyOptions {
  readonly ort: Ort;
  readonly tailEp: TailEp;
  /** Read a provisioned file by its path relative to the models folder. */
  loadFile(path: string): Promise<Uint8Array>;
  readonly backend: HeadBackend;
  readonly images: readonly AccuracyImage[];
  readonly plans: readonly AccuracyPlan[];
  /** Number of folds (≥ 2, ≤ images). Default 2. */
  readonly folds?: number;
  readonly imageNote: string;
  readonly signal?: AbortSignal;
}

/** The first name of a label ("dragonfly, darning needle, …" → "dragonfly"). */
const short = (label: string): string => label.split(',')[0]!.trim();

/** The folds of `names` (image i in fold i mod k). */
export function accuracyFolds(names: readonly string[], k: number): AccuracyFold[] {
  if (!Number.isInteger(k) || k < 2 || k > names.length) throw new RangeError(`accuracy: folds must be an integer in 2..${names.length} (the number of images), got ${k}`);
  return Array.from({ length: k }, (_, f) => ({
    calibration: names.filter((_, i) => i % k !== f),
    evaluation: names.filter((_, i) => i % k === f),
  }));
}

/** Evaluate every plan; resolves to the measured result (records in plan, cut, bits order). */
export async function evaluateAccuracy(o: AccuracyOptions): Promise<AccuracyResult> {
  const names = o.images.map((i) => i.name);
  if (new Set(names).size !== names.length) throw new RangeError(`accuracy: image names must be unique, got ${names.join(', ')}`);
  const folds = accuracyFolds(names, o.folds ?? 2);
  const records: AccuracyRecord[] = [];
  let tailEp: string = o.tailEp;
  for (const plan of o.plans) {
    const model = getModel(plan.modelId);
    if (!model.float || model.input.layout !== 'NCHW') throw new RangeError(`accuracy: model '${model.id}' is not a float NCHW model the DHM head supports`);
    const bytes = await o.loadFile(model.file.path);
    const graph = loadGraph(bytes, model.file.path);
    const cuts = listCuts(graph);
    for (const c of plan.cuts) if (!cuts.some((x) => x.index === c)) throw new RangeError(`accuracy: model '${model.id}' has no legal cut ${c} (0..${cuts.length - 1})`);
    const labels = parseLabels(new TextDecoder().decode(await o.loadFile(LABEL_FILES[model.labels].path)), model.labels);
    const frames = new Map(o.images.map((im) => [im.name, toFrame(im.image, model.preprocessing)] as const));
    const full = await createOrtRunner(o.ort, bytes, o.tailEp, `full model ${model.id}`, false);
    try {
      tailEp = full.ep;
      const float = new Map<string, number[]>();
      for (const [name, fr] of frames) {
        const t = frameToTensor(fr, model.preprocessing);
        float.set(name, topK(await full.run(t.data, t.dims, o.signal), 5, labels).map((r) => r.index));
      }
      const deepest = Math.max(...plan.cuts);
      // calibration statistics per fold, over the deepest planned head (heads of one model are nested)
      const deepHead = lowerHead(splitAt(graph, deepest).head, model.preprocessing);
      const stats = folds.map((f) => calibrate(deepHead, f.calibration.map((n) => frames.get(n)!.data)));
      for (const cutIndex of plan.cuts) {
        const split = splitAt(graph, cutIndex);
        const tail = await createOrtRunner(o.ort, writeOnnx(split.tail), o.tailEp, `tail of ${model.id} at cut ${cutIndex}`, false);
        try {
          for (const bits of plan.bits) {
            let equal = 0;
            let overlap = 0;
            let n = 0;
            const diffs: string[] = [];
            for (let fi = 0; fi < folds.length; fi++) {
              const fold = folds[fi]!;
              const program = compileHead(split.head, {
                preprocessing: model.preprocessing, calibrationFrames: fold.calibration.map((x) => frames.get(x)!.data), calibration: stats[fi]!,
                report: false, bits, weightBits: bits, modelId: model.id, cutIndex,
              }).program;
              for (const name of fold.evaluation) {
                if (o.signal?.aborted) throw abortError(o.signal);
                const head = await o.backend.run(program, frames.get(name)!, o.signal);
                const [c, h, w] = head.shape;
                const logits = await tail.run(dequantize(head.output, head.format), [1, c, h, w], o.signal);
                o.backend.recycle?.(head.output);
                const hy = topK(logits, 5, labels);
                const fl = float.get(name)!;
                n++;
                if (hy[0]!.index === fl[0]) equal++;
                else diffs.push(`${name}: ${short(hy[0]!.label)} vs ${short(labels[fl[0]!] ?? String(fl[0]))}`);
                overlap += hy.filter((r) => fl.includes(r.index)).length;
              }
            }
            records.push({ modelId: model.id, cutIndex, tensor: split.cut.tensor, bits, images: n, top1Equal: equal, meanTop5Overlap: overlap / n, differences: diffs });
          }
        } finally {
          await tail.release();
        }
      }
    } finally {
      await full.release();
    }
  }
  return { records, folds, headBackend: o.backend.description, tailEp, imageNote: o.imageNote };
}
