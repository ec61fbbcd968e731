/**
 * Cross-check mode: the same frame on two head backends (e.g. the Wasm emulator and the board); reports whether
 * the outputs are bit-identical and, if not, the first differing position (c, y, x) in NCHW order.
 */
import type { DhmProgram } from '../dhm/program';
import { formatName } from '../dhm/program';
import { abortError, type FrameInput, type HeadBackend, type HeadResult } from '../pipeline/backend';

/** The first position where two NCHW maps differ. */
export interface FirstDifference {
  readonly c: number;
  readonly y: number;
  readonly x: number;
  /** Flat NCHW index. */
  readonly index: number;
  readonly a: number;
  readonly b: number;
}

/** Outcome of a cross-check. */
export interface CrossCheckReport {
  readonly backends: readonly [string, string];
  readonly shape: readonly [number, number, number];
  readonly bitIdentical: boolean;
  /** Whether the output formats are equal (by name). */
  readonly sameFormat: boolean;
  /** Whether the total cycle counts (and first-output cycles) are equal. */
  readonly sameCycles: boolean;
  /** Number of differing values. */
  readonly differing: number;
  readonly firstDifference: FirstDifference | null;
  readonly results: readonly [HeadResult, HeadResult];
}

/** Compare two NCHW Int32Array maps of shape [C, H, W]; null when identical. Throws a RangeError on a length mismatch. */
export function firstDifference(a: Int32Array, b: Int32Array, shape: readonly [number, number, number]): { first: FirstDifference | null; differing: number } {
  const [C, H, W] = shape;
  if (a.length !== C * H * W || b.length !== C * H * W) throw new RangeError(`cross-check: outputs have ${a.length} and ${b.length} values, shape ${C}x${H}x${W} needs ${C * H * W}`);
  let first: FirstDifference | null = null;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      differing++;
      if (!first) {
        const c = Math.floor(i / (H * W));
        const r = i - c * H * W;
        first = { c, y: Math.floor(r / W), x: r % W, index: i, a: a[i]!, b: b[i]! };
      }
    }
  }
  return { first, differing };
}

/** Run `frame` on backend `a` then `b` (sequentially) and compare. */
export async function crossCheck(program: DhmProgram, frame: FrameInput, a: HeadBackend, b: HeadBackend, signal?: AbortSignal): Promise<CrossCheckReport> {
  const ra = await a.run(program, frame, signal);
  const rb = await b.run(program, frame, signal);
  const shapeSame = ra.shape.every((v, i) => v === rb.shape[i]);
  const { first, differing } = shapeSame ? firstDifference(ra.output, rb.output, ra.shape) : { first: { c: 0, y: 0, x: 0, index: 0, a: NaN, b: NaN }, differing: Math.max(ra.output.length, rb.output.length) };
  return {
    backends: [a.description, b.description],
    shape: ra.shape,
    bitIdentical: shapeSame && differing === 0,
    sameFormat: formatName(ra.format) === formatName(rb.format),
    sameCycles: ra.cycles.total === rb.cycles.total && ra.cycles.firstOutput === rb.cycles.firstOutput,
    differing,
    firstDifference: first,
    results: [ra, rb],
  };
}

/** A HeadBackend over any synchronous/async compute `(program, frame) → {output, cycles}` (reference, emulator). */
export function computeBackend(
  kind: 'reference' | 'wasm',
  description: string,
  compute: (program: DhmProgram, frame: FrameInput) => { readonly output: Int32Array; readonly cycles: import('../dhm/program').HeadCycles } | Promise<{ readonly output: Int32Array; readonly cycles: import('../dhm/program').HeadCycles }>,
): HeadBackend {
  return {
    kind,
    description,
    async run(program, frame, signal) {
      if (signal?.aborted) throw abortError(signal);
      const t0 = performance.now();
      const r = await compute(program, frame);
      const out = program.streams[program.output]!;
      return { output: r.output, shape: [out.channels, out.height, out.width], format: out.format, cycles: r.cycles, backend: kind, wallMs: performance.now() - t0 };
    },
    async dispose() {},
  };
}
