/**
 * Accuracy per bit width and cut, as data for the report and the page: top-1 agreement of the quantised hybrid
 * (bit-exact DHM head + float tail) with the float model, measured on this machine. The evaluation itself runs the
 * pipeline (src/pipeline/accuracy.ts); this file writes the result (Markdown, JSON).
 */
import type { AccuracyResult } from '../models/accuracy';

/** The result shape, declared once in src/models/accuracy.ts (shared with src/pipeline/accuracy.ts). */
export type { AccuracyFold, AccuracyRecord, AccuracyResult } from '../models/accuracy';

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
