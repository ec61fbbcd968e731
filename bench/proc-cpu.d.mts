/** CPU seconds so far of every process under `rootPid` and of its renderers' threads, by key; null without /proc. */
export function cpuSnapshot(rootPid: number): Map<string, number> | null;
/** CPU seconds used between two snapshots: `total`, per process kind and per renderer thread kind; null when either is. */
export function cpuUsed(before: Map<string, number> | null, after: Map<string, number> | null): Record<string, number> | null;
