/**
 * Cross-check mode: the same frame on two head backends (e.g. the Wasm emulator and the board); reports whether
 * the outputs are bit-identical and, if not, the first differing position (c, y, x) in NCHW order.
 */
import { formatName, type DhmProgram, type FixedFormat, type HeadCycles } from '../dhm/program';
import type { FrameInput, HeadBackend, HeadResult } from '../backend/head-backend';

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

/** A head output as compared: values (NCHW), shape [C, H, W], format (object or name) and cycle counts. */
export interface ComparedHead {
  readonly output: Int32Array;
  readonly shape: readonly [number, number, number];
  readonly format: FixedFormat | string;
  readonly cycles: HeadCycles;
}

/** Whether two head outputs agree: every value, the format, the cycle counts. */
export interface HeadComparison {
  readonly bitIdentical: boolean;
  /** Whether the output formats are equal (by name). */
  readonly sameFormat: boolean;
  /** Whether the total cycle counts (and first-output cycles) are equal. */
  readonly sameCycles: boolean;
  /** Number of differing values (all of them when the shapes differ). */
  readonly differing: number;
  /** Number of values of the first output. */
  readonly values: number;
  /** First differing position; null when identical or when the shapes differ. */
  readonly firstDifference: FirstDifference | null;
}

/** Outcome of a cross-check. */
export interface CrossCheckReport extends HeadComparison {
  readonly backends: readonly [string, string];
  readonly shape: readonly [number, number, number];
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

/** Compare two head outputs (the one comparison of the cross-check, in src/ and on the page). */
export function compareHeads(a: ComparedHead, b: ComparedHead): HeadComparison {
  const sameShape = a.shape.every((v, i) => v === b.shape[i]);
  const d = sameShape ? firstDifference(a.output, b.output, a.shape) : { first: null, differing: Math.max(a.output.length, b.output.length) };
  const name = (f: FixedFormat | string): string => (typeof f === 'string' ? f : formatName(f));
  return {
    bitIdentical: sameShape && d.differing === 0,
    sameFormat: name(a.format) === name(b.format),
    sameCycles: a.cycles.total === b.cycles.total && a.cycles.firstOutput === b.cycles.firstOutput,
    differing: d.differing,
    values: a.output.length,
    firstDifference: d.first,
  };
}

/** Run `frame` on backend `a` then `b` (sequentially) and compare. */
export async function crossCheck(program: DhmProgram, frame: FrameInput, a: HeadBackend, b: HeadBackend, signal?: AbortSignal): Promise<CrossCheckReport> {
  const ra = await a.run(program, frame, signal);
  const rb = await b.run(program, frame, signal);
  return { ...compareHeads(ra, rb), backends: [a.description, b.description], shape: ra.shape, results: [ra, rb] };
}
