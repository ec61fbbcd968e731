/**
 * Raw benchmark results on disk: every `npm run bench` / `npm run bench:browser` run writes its full result (machine,
 * CPU caches, load, every row with its medians and IQRs) as one JSON file under bench/results/, named
 * `<bench>-<UTC timestamp>.json`; `node bench/readme-tables.mjs` generates the README's benchmark tables from them.
 * Plain .mjs (with results.d.mts) so the un-bundled Chromium driver can import it too.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Write `result` to `<dir>/<bench>-<timestamp>.json` (through a temporary file: no half-written file is left); returns the path. */
export function writeResults(dir, bench, result) {
  mkdirSync(dir, { recursive: true });
  result = { ...result, source: sourceVersion(dirname(dir)) };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${bench}-${stamp}.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
  return file;
}

/** Every result of `bench` ('node' or 'chromium') in `dir`, oldest first, each with its file name. */
export function readResults(dir, bench) {
  let names = [];
  try {
    names = readdirSync(dir).filter((f) => f.startsWith(`${bench}-`) && f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((f) => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }));
}

/**
 * The git commit the benchmarked code came from, whether the work tree had uncommitted changes to tracked files, and
 * which (`changed`, paths relative to the repository; null outside git).
 */
export function sourceVersion(cwd) {
  try {
    const git = (...a) => execFileSync('git', a, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
    // porcelain lines are 'XY path': two status columns (either may be a space) and a space
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).map((l) => l.slice(3));
    return { commit: git('rev-parse', 'HEAD'), dirty: changed.length > 0, changed };
  } catch {
    return null;
  }
}

/**
 * A source version as text: the commit's first 10 hex digits, and the uncommitted files where there were any (at most
 * four named); 'commit not recorded' for null.
 */
export function sourceText(source) {
  if (!source) return 'commit not recorded';
  if (!source.dirty) return source.commit.slice(0, 10);
  const changed = source.changed ?? [];
  const names = changed.length ? ` to ${changed.slice(0, 4).join(', ')}${changed.length > 4 ? ` and ${changed.length - 4} more` : ''}` : '';
  return `${source.commit.slice(0, 10)} (with uncommitted changes${names})`;
}

/** Median of `xs` (the mean of the two middle values for an even count; NaN for none). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * A cold-start row's per-round ratios: demo page / bare page of the same round (`page[i].ms / bare[i].ms`, the two
 * loads measured one after the other), as their median, min and max; null when the row has no paired loads. The row's
 * `ratio` (median demo page / median bare page) hides how far single rounds spread; this shows it.
 */
export function roundRatios(row) {
  const n = Math.min(row.page?.length ?? 0, row.bare?.length ?? 0);
  if (n === 0) return null;
  const rs = Array.from({ length: n }, (_, i) => row.page[i].ms / row.bare[i].ms);
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), rounds: n };
}
