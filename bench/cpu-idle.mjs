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

/**
 * Wait until the machine is quiet: `windows` consecutive windows of `windowMs` (default 2 of 100 ms) with at least
 * `minIdle` cores idle (default: all but 0.2), at most `maxMs` (default 5000). Returns { waitedMs, idleCores } — the
 * idle cores of the last window — or null where /proc/stat is missing. Used after a fresh Chromium starts: it renders
 * its own WebUI (the omnibox popup) for ≈0.5 s on this machine kind, work a visitor's long-open browser has done.
 */
export async function settle({ windowMs = 100, windows = 2, minIdle = os.cpus().length - 0.2, maxMs = 5000 } = {}) {
  const t0 = Date.now();
  let quiet = 0;
  let idle = null;
  try {
    while (Date.now() - t0 < maxMs) {
      const a = readFileSync('/proc/stat', 'utf8');
      await new Promise((r) => setTimeout(r, windowMs));
      idle = idleCores(a, readFileSync('/proc/stat', 'utf8'), os.cpus().length);
      quiet = idle !== null && idle >= minIdle ? quiet + 1 : 0;
      if (quiet >= windows) break;
    }
  } catch {
    return null;
  }
  return { waitedMs: Date.now() - t0, idleCores: idle };
}

/**
 * The CPU this benchmark ran on: model name, core count and the caches of cpu0 (Linux sysfs: level, type, size in
 * KiB, how many CPUs share it) — printed and stored next to every figure, since the emulator's speed depends on them.
 */
export function cpuInfo() {
  const caches = [];
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  for (let i = 0; i < 8; i++) {
    try {
      const read = (f) => readFileSync(`${dir}/index${i}/${f}`, 'utf8').trim();
      const size = read('size');
      const kib = /M$/i.test(size) ? Number.parseFloat(size) * 1024 : Number.parseFloat(size);
      const shared = read('shared_cpu_list').split(',').reduce((n, r) => { const [a, b] = r.split('-').map(Number); return n + (b === undefined ? 1 : b - a + 1); }, 0);
      caches.push({ level: Number(read('level')), type: read('type'), sizeKiB: kib, sharedByCpus: shared });
    } catch {
      break;
    }
  }
  return { model: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, caches };
}

/** One line of text for {@link cpuInfo}'s result, e.g. `AMD EPYC, 2 cores, L1d 32 KiB, L2 1024 KiB per core, L3 32 MiB shared by 2`. */
export function formatCpu(c) {
  const size = (k) => (k >= 1024 && k % 1024 === 0 ? `${k / 1024} MiB` : `${k} KiB`);
  const caches = c.caches.map((x) => `L${x.level}${x.type === 'Data' ? 'd' : x.type === 'Instruction' ? 'i' : ''} ${size(x.sizeKiB)}${x.sharedByCpus === 1 ? ' per core' : ` shared by ${x.sharedByCpus}`}`);
  return `${c.model}, ${c.cores} cores${caches.length ? `, ${caches.join(', ')}` : ', caches unknown'}`;
}
