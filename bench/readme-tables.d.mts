/** Start marker of the generated README section of the emulator benchmark. */
export const BEGIN: string;
/** End marker of the generated README section of the emulator benchmark. */
export const END: string;
/** Start marker of the generated README section of the demo page's cold start and live mode. */
export const COLDSTART_BEGIN: string;
/** End marker of the generated README section of the demo page's cold start and live mode. */
export const COLDSTART_END: string;
/** "a–b" over `xs` with `d` decimals; '—' when empty. */
export function range(xs: readonly number[], d?: number, unit?: string): string;
/** The generated README section for the given Node and Chromium results. */
export function tables(node: readonly unknown[], chromium: readonly unknown[]): string;
/** The generated README section for the given cold-start results (oldest first): the newest run per (network, EP). */
export function coldstartTable(results: readonly unknown[]): string;
/** Replace the section between the markers (default: the emulator benchmark's) of `readme` with `section`. */
export function replaceSection(readme: string, section: string, begin?: string, end?: string): string;
/** `readme` with both generated sections replaced by what the results in `dir` give (`keep` filters the runs). */
export function regenerate(readme: string, dir: string, keep?: (run: { date?: string }) => boolean): string;
