/** Idle cores between two texts of /proc/stat (idle + iowait share × `cores`); null without a `cpu` line. */
export function idleCores(before: string, after: string, cores: number): number | null;
/** Idle cores over the next `ms` milliseconds (default 1000); null where /proc/stat is missing. */
export function freeCores(ms?: number): Promise<number | null>;
