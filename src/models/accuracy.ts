/**
 * The shape of a measured accuracy evaluation (top-1 agreement of the quantised hybrid with the float model, per model,
 * cut and bit width). Declared once here, in the bottom tier, because the pipeline that measures it
 * (src/pipeline/accuracy.ts) and the report that writes it (src/cost/accuracy-report.ts) may not import each other.
 * Types only.
 */

/** One measured (model, cut, bits) point. */
export interface AccuracyRecord {
  readonly modelId: string;
  readonly cutIndex: number;
  readonly tensor: string;
  readonly bits: number;
  /** Images evaluated (over all folds). */
  readonly images: number;
  /** Images whose hybrid top-1 equals the float model's. */
  readonly top1Equal: number;
  /** Mean number of the float top-5 classes found in the hybrid's top-5 (0–5). */
  readonly meanTop5Overlap: number;
  /** `image: hybrid label vs float label` for every top-1 difference. */
  readonly differences: readonly string[];
}

/** A calibration / evaluation split: disjoint image names. */
export interface AccuracyFold {
  readonly calibration: readonly string[];
  readonly evaluation: readonly string[];
}

/** A whole accuracy evaluation (measured): records, folds, the head's executor and the tail's EP, the note on the images. */
export interface AccuracyResult {
  readonly records: readonly AccuracyRecord[];
  readonly folds: readonly AccuracyFold[];
  /** The head's executor (Wasm emulator or TypeScript reference). */
  readonly headBackend: string;
  /** The tail's onnxruntime-web EP. */
  readonly tailEp: string;
  /** What images the project could provide and why no more. */
  readonly imageNote: string;
}
