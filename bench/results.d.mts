/** Write `result` to `<dir>/<bench>-<timestamp>.json` (atomically); returns the path. */
export function writeResults(dir: string, bench: 'node' | 'chromium' | 'coldstart', result: unknown): string;
/** Every result of `bench` in `dir`, oldest first, each with its file name. */
export function readResults(dir: string, bench: 'node' | 'chromium' | 'coldstart'): ({ readonly file: string } & Record<string, unknown>)[];
/** The git commit of the benchmarked code, whether the work tree was dirty and which tracked files were changed (null outside git). */
export function sourceVersion(cwd: string): { readonly commit: string; readonly dirty: boolean; readonly changed: readonly string[] } | null;
/** A source version as text: the commit's first 10 hex digits and the uncommitted files (at most four named). */
export function sourceText(source: { readonly commit: string; readonly dirty: boolean; readonly changed?: readonly string[] } | null): string;
/** Median of `xs` (mean of the two middle values for an even count; NaN for none). */
export function median(xs: readonly number[]): number;
/** A cold-start row's per-round ratios (demo page / bare page of the same round): median, min, max; null without paired loads. */
export function roundRatios(row: { readonly page?: readonly { readonly ms: number }[]; readonly bare?: readonly { readonly ms: number }[] }): { readonly median: number; readonly min: number; readonly max: number; readonly rounds: number } | null;
