/** Idle cores between two texts of /proc/stat (idle + iowait share × `cores`); null without a `cpu` line. */
export function idleCores(before: string, after: string, cores: number): number | null;
/** Idle cores over the next `ms` milliseconds (default 1000); null where /proc/stat is missing. */
export function freeCores(ms?: number): Promise<number | null>;
/** Wait until `windows` consecutive windows of `windowMs` have ≥ `minIdle` idle cores (at most `maxMs`); null without /proc/stat. */
export function settle(opts?: { windowMs?: number; windows?: number; minIdle?: number; maxMs?: number }): Promise<{ waitedMs: number; idleCores: number | null } | null>;
/** One cache of cpu0. */
export interface CacheInfo { readonly level: number; readonly type: string; readonly sizeKiB: number; readonly sharedByCpus: number }
/** The CPU: model name, cores, caches of cpu0 (empty where sysfs is missing). */
export interface CpuInfo { readonly model: string; readonly cores: number; readonly caches: readonly CacheInfo[] }
/** The CPU this benchmark runs on (Linux sysfs caches). */
export function cpuInfo(): CpuInfo;
/** One line of text for a CpuInfo. */
export function formatCpu(c: CpuInfo): string;
