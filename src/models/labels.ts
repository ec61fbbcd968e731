/** Class labels and top-k. */
import type { LabelSet } from './registry';

/** One ranked class: index into the model's output, its label, and the score (logit or probability as the model outputs). */
export interface Ranked {
  readonly index: number;
  readonly label: string;
  readonly score: number;
}

/** Parse a label file: imagenet1000 lines are "wnid name, synonyms"; imagenet1001 lines are names (index 0 = background). */
export function parseLabels(text: string, set: LabelSet): string[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const names = set === 'imagenet1000' ? lines.map((l) => l.replace(/^n\d{8}\s+/, '')) : lines;
  const expected = set === 'imagenet1000' ? 1000 : 1001;
  if (names.length !== expected) throw new RangeError(`label file for ${set} has ${names.length} labels, expected ${expected}`);
  return names;
}

/** The k highest scores, best first (ties broken by lower index). */
export function topK(scores: ArrayLike<number>, k: number, labels?: readonly string[]): Ranked[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return idx.slice(0, k).map((i) => ({ index: i, label: labels?.[i] ?? `class ${i}`, score: scores[i]! }));
}
