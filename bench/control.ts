/**
 * The control workload of the 2-worker scaling runs (Node worker_threads and Chromium module workers), in its own
 * module so that the workers bundle nothing else: when this does not scale ~2x with 2 workers, the machine had no
 * free core for the second worker and the emulator's own scaling figure says nothing.
 */

/**
 * The control workload of the scaling runs: `n` "frames" of a pure-JS integer loop (about 1 ms of one core each, no
 * memory traffic); returns the final accumulator (the caller keeps it so the loop is not optimised away).
 */
export function controlSpin(n: number): number {
  let acc = 1;
  for (let i = 0; i < n; i++) for (let k = 0; k < 1_500_000; k++) acc = (Math.imul(acc, 1103515245) + 12345) | 0;
  return acc;
}
