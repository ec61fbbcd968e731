/** Start marker of the generated README section. */
export const BEGIN: string;
/** End marker of the generated README section. */
export const END: string;
/** "a–b" over `xs` with `d` decimals; '—' when empty. */
export function range(xs: readonly number[], d?: number, unit?: string): string;
/** The generated README section for the given Node and Chromium results. */
export function tables(node: readonly unknown[], chromium: readonly unknown[]): string;
/** Replace the section between the markers of `readme` with `section`. */
export function replaceSection(readme: string, section: string): string;
