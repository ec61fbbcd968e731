/** Minimal assertions for browser tests (mocha globals provide describe/it). */

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function ok(cond: unknown, msg = 'expected a truthy value'): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

export function equal<T>(actual: T, expected: T, msg = ''): void {
  if (!Object.is(actual, expected)) throw new AssertionError(`${msg ? msg + ': ' : ''}expected ${String(expected)}, got ${String(actual)}`);
}

/** Max |a−b| / max |b| over two arrays of equal length (the relative error metric used throughout the tests). */
export function relMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new AssertionError(`length mismatch: ${a.length} vs ${b.length}`);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return m === 0 ? d : d / m;
}

/** Every element equal; reports the first differing index. */
export function arraysEqual(a: ArrayLike<number>, b: ArrayLike<number>, msg = ''): void {
  if (a.length !== b.length) throw new AssertionError(`${msg}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) throw new AssertionError(`${msg}: first difference at index ${i}: ${a[i]} vs ${b[i]}`);
  }
}

export async function rejects(p: Promise<unknown>, check: (e: Error) => boolean, msg = 'expected a rejection'): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (!check(e as Error)) throw new AssertionError(`${msg}: wrong error ${(e as Error).name}: ${(e as Error).message}`);
    return e as Error;
  }
  throw new AssertionError(msg + ' but it resolved');
}
