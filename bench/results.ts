/**
 * Raw benchmark results on disk: every `npm run bench` / `npm run bench:browser` run writes its full result (machine,
 * CPU caches, load, every row with its samples' medians and IQRs) as one JSON file under bench/results/, named
 * `<bench>-<UTC timestamp>.json`; `node bench/readme-tables.mjs` generates the README's benchmark tables from them.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Write `result` to `<dir>/<bench>-<timestamp>.json` (via a temporary file, so no half-written file is left); returns the path. */
export function writeResults(dir: string, bench: 'node' | 'chromium', result: unknown): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${bench}-${stamp}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}
