/** Capture what a CLI command prints through console.log while it runs (tests of the `hybrid-dhm` commands). */

/** Run `f` with console.log captured; resolves to its exit code and the printed lines joined by newlines. */
export async function captureLog(f: () => Promise<number>): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => { lines.push(a.map(String).join(' ')); };
  try {
    return { code: await f(), out: lines.join('\n') };
  } finally {
    console.log = orig;
  }
}
