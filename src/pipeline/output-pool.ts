/**
 * A small pool of head output arrays handed back by callers (HeadBackend.recycle), so that a backend can write the
 * next frame's output into memory that is already mapped instead of allocating a fresh multi-MB Int32Array per frame
 * (in Chromium a fresh 3 MB array costs ≈1.4 ms of first-touch page faults, measured by `npm run bench:browser`).
 */

/** Recycled output arrays, at most `maxArrays` kept (the oldest dropped first). */
export class OutputPool {
  private readonly spare: Int32Array[] = [];

  /** @param maxArrays most arrays kept (2 covers one result being read while the next one is computed). */
  constructor(readonly maxArrays = 2) {}

  /**
   * Keeps `output` for a later `take`. Ignored unless it is a whole, non-shared, non-detached ArrayBuffer's view (so
   * that transferring its buffer to a worker moves nothing else), or when it is already in the pool.
   */
  put(output: Int32Array): void {
    const buf = output.buffer;
    if (!(buf instanceof ArrayBuffer) || buf.byteLength === 0 || output.byteOffset !== 0 || output.byteLength !== buf.byteLength) return;
    if (this.spare.includes(output)) return;
    this.spare.push(output);
    if (this.spare.length > this.maxArrays) this.spare.shift();
  }

  /** Removes and returns a kept array of exactly `length` values, or undefined when there is none. */
  take(length: number): Int32Array | undefined {
    const i = this.spare.findIndex((a) => a.length === length && a.buffer.byteLength !== 0);
    return i < 0 ? undefined : this.spare.splice(i, 1)[0];
  }

  /** Number of arrays kept now. */
  get size(): number {
    return this.spare.length;
  }
}
