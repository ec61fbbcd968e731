/**
 * Accuracy per bit width and cut, as data for the report and the page: top-1 agreement of the quantised hybrid
 * (bit-exact DHM head + float tail) with the float model, measured on this machine. The evaluation itself runs the
 * pipeline (src/pipeline/accuracy.ts); this file only defines the result and writes it (Markdown, JSON).
 */

/** One (model, cut, bits) point. */
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

/** A calibration / evaluation split: disjoint image sets. */
export interface AccuracyFold {
  readonly calibration: readonly string[];
  readonly evaluation: readonly string[];
}

/** A whole accuracy evaluation (measured). */
export interface AccuracyResult {
  readonly records: readonly AccuracyRecord[];
  readonly folds: readonly AccuracyFold[];
  /** The head's executor (Wasm emulator or TypeScript reference) and the tail's EP. */
  readonly headBackend: string;
  readonly tailEp: string;
  /** What images the project could provide and why no more. */
  readonly imageNote: string;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** Markdown section of an accuracy result (provenance: measured). */
export function accuracySection(a: AccuracyResult): string {
  const folds = a.folds.map((f, i) => `fold ${i + 1}: calibrate on {${f.calibration.join(', ')}}, evaluate on {${f.evaluation.join(', ')}}`).join('; ');
  const lines = [
    '## Accuracy per bit width and cut (measured)',
    '',
    `Provenance: **measured** on this machine. Top-1 agreement of the hybrid (DHM head executed bit-exactly on the ${a.headBackend}, float tail on onnxruntime-web's ${a.tailEp} EP) with the float model on the same EP. Calibration images are disjoint from evaluation images: ${folds}. ${a.imageNote}`,
    '',
    table(['model', 'cut', 'tensor', 'bits', 'top-1 equal', 'mean top-5 overlap', 'top-1 differences (hybrid vs float)'],
      a.records.map((r) => [r.modelId, String(r.cutIndex), r.tensor, String(r.bits), `${r.top1Equal}/${r.images}`, r.meanTop5Overlap.toFixed(2), r.differences.join('; ') || '—'])),
    '',
  ];
  return lines.join('\n');
}

/** JSON of an accuracy result (for the page). */
export function accuracyJson(a: AccuracyResult): string {
  return JSON.stringify(a, null, 1) + '\n';
}
