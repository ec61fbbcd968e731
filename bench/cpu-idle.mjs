/**
 * How much CPU is free right now (Node, Linux /proc/stat), for the benchmarks' notes beside every figure: shared by
 * bench/emulator.ts and bench/chromium.mjs. Plain .mjs (with bench/cpu-idle.d.mts) so that the un-bundled Chromium
 * driver can import it too.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Idle cores between two texts of /proc/stat: the idle + iowait share of the aggregate `cpu` line's ticks × `cores`.
 * Null when a text has no `cpu` line or no tick passed.
 */
export function idleCores(before, after, cores) {
  const parse = (t) => t.split('\n').find((l) => l.startsWith('cpu '))?.trim().split(/\s+/).slice(1).map(Number) ?? null;
  const a = parse(before);
  const b = parse(after);
  if (!a || !b) return null;
  const d = b.map((v, i) => v - (a[i] ?? 0));
  const total = d.reduce((s, v) => s + v, 0);
  return total > 0 ? (((d[3] ?? 0) + (d[4] ?? 0)) / total) * cores : null;
}

/** Idle cores over the next `ms` milliseconds (default 1000) while the caller waits; null where /proc/stat is missing. */
export async function freeCores(ms = 1000) {
  try {
    const a = readFileSync('/proc/stat', 'utf8');
    await new Promise((r) => setTimeout(r, ms));
    return idleCores(a, readFileSync('/proc/stat', 'utf8'), os.cpus().length);
  } catch {
    return null;
  }
}
