/**
 * CPU time a browser used, per process kind and per renderer thread kind, from Linux /proc (measured here): a snapshot of
 * the browser's process tree before and after a page load, and their difference in seconds. bench/coldstart.mjs records it
 * beside every cold start, so that a slower demo page can be told from a busier machine, and its extra CPU located.
 * Plain .mjs (with bench/proc-cpu.d.mts). Null where /proc is missing (not Linux).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux for x86 and arm). */
const TICKS_PER_S = 100;

/** utime + stime of a /proc/…/stat text, seconds (fields 14 and 15; the command name may hold spaces and parentheses). */
function cpuSeconds(stat) {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
}

/** The process kind of a Chromium command line: browser, renderer, gpu-process, or the utility's service (NetworkService, …). */
function processKind(cmdline) {
  const type = /--type=([a-z-]+)/.exec(cmdline)?.[1];
  if (!type) return 'browser';
  const sub = /--utility-sub-type=([A-Za-z.]+)/.exec(cmdline)?.[1];
  return sub ? sub.split('.').pop() : type;
}

/**
 * A renderer thread's kind from its name: `main` (the thread whose id is the process id), `worker` (a web worker:
 * DedicatedWorker…), `compile` (V8's and the thread pool's background threads: wasm and JS compiles, GC), `other`.
 */
function threadKind(pid, tid, comm) {
  if (pid === tid) return 'main';
  if (comm.startsWith('DedicatedWorker')) return 'worker';
  if (comm.startsWith('ThreadPool') || comm.startsWith('V8')) return 'compile';
  return 'other';
}

/** Every process id under `rootPid` (itself included), from the parent ids in /proc/<pid>/stat. */
function processTree(rootPid) {
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch { /* the process ended */ }
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length) {
    const p = queue.pop();
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * CPU seconds so far of every process under `rootPid`, and of every thread of its renderers: a Map from key
 * (`<kind>:<pid>` or `renderer-<thread kind>:<pid>/<tid>`) to seconds. Null where /proc is missing.
 */
export function cpuSnapshot(rootPid) {
  if (!existsSync('/proc/self/stat')) return null;
  const snap = new Map();
  for (const pid of processTree(rootPid)) {
    try {
      const kind = processKind(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      snap.set(`${kind}:${pid}`, cpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')));
      if (kind !== 'renderer') continue;
      for (const t of readdirSync(`/proc/${pid}/task`)) {
        const tid = Number(t);
        const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
        snap.set(`renderer-${threadKind(pid, tid, comm)}:${pid}/${tid}`, cpuSeconds(readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8')));
      }
    } catch { /* the process or thread ended */ }
  }
  return snap;
}

/**
 * CPU seconds used between two snapshots, by kind: `total` (all processes), each process kind (`browser`, `renderer`,
 * `gpu-process`, `NetworkService`, …) and the renderers' threads (`renderer-main`, `renderer-worker`,
 * `renderer-compile`, `renderer-other`); rounded to 10 ms. Null when either snapshot is.
 */
export function cpuUsed(before, after) {
  if (!before || !after) return null;
  const by = { total: 0 };
  for (const [key, s] of after) {
    const d = s - (before.get(key) ?? 0);
    const kind = key.slice(0, key.indexOf(':'));
    by[kind] = (by[kind] ?? 0) + d;
    if (!kind.startsWith('renderer-')) by.total += d;
  }
  return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, Math.round(v * 100) / 100]));
}
