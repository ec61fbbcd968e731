/**
 * The DHM compiler — this file is its table of contents. A head graph becomes a DhmProgram through these passes,
 * in order; each is `(state, context) → state` (src/dhm/compiler/state.ts), adds one field and is testable alone:
 *
 *   lower          head Graph → float DHM layers (float.ts lowerHead: ops onto the four blocks, normalisation
 *                  folded into the first conv); calibration frames and override keys checked      compiler/lower.ts
 *   calibrate      per-stream float statistics: float evaluation over the frames (calibrated mode) or an assumed
 *                  range (estimate mode, no frames)                                            compiler/calibrate.ts
 *   signedness     signed/unsigned per stream from the structure (unsigned after relu/relu6)   compiler/signedness.ts
 *   concat-ranges  producers read only by a Concat adopt its joint range                  compiler/concat-ranges.ts
 *   formats        the fixed-point format of every stream (chooseFormat, docs/datapath.md §10)   compiler/formats.ts
 *   weights        integer weights, bias (capped to one tree leaf), shifts, pad values of every conv compiler/weights.ts
 *   emit           the DhmProgram: streams, layers, alignment shifts, meta                          compiler/emit.ts
 *   validate       validateProgram (the program contract)                                       compiler/validate.ts
 *
 * Two modes, one code path: `calibrated` (the programs that run: pipeline, CLI, page) and `estimate` (the cost
 * models' calibration-free programs; only the calibrate pass differs). Options: compiler/options.ts.
 */
import type { Graph } from '../graph/types';
import { splitAt, type CutPoint } from '../graph/index';
import type { Preprocessing } from '../models/registry';
import type { FloatHead } from './float';
import type { DhmProgram } from './program';
import { lower } from './compiler/lower';
import { calibratePass } from './compiler/calibrate';
import { signedness } from './compiler/signedness';
import { concatRanges } from './compiler/concat-ranges';
import { formats } from './compiler/formats';
import { weights } from './compiler/weights';
import { emit } from './compiler/emit';
import { validate } from './compiler/validate';
import { resolveQuantOptions, type CompileOptions, type QuantOptions } from './compiler/options';
import type { CompilerContext, CompilerMemo, CompilerState } from './compiler/state';

/** One compiler pass: reads the state, returns it with its own field added. */
export type CompilerPass = (state: CompilerState, ctx: CompilerContext) => CompilerState;

/** The passes in order (the names are those of the table above). */
export const COMPILER_PASSES = [
  ['lower', lower],
  ['calibrate', calibratePass],
  ['signedness', signedness],
  ['concat-ranges', concatRanges],
  ['formats', formats],
  ['weights', weights],
  ['emit', emit],
  ['validate', validate],
] as const satisfies readonly (readonly [string, CompilerPass])[];

/** Name of a compiler pass. */
export type CompilerPassName = (typeof COMPILER_PASSES)[number][0];

/** The resolved context of a compilation (options checked; QuantizeError on a bad one). */
export function compilerContext(co: CompileOptions, memo?: CompilerMemo): CompilerContext {
  return {
    mode: co.mode ?? 'calibrated',
    quant: resolveQuantOptions(co),
    preprocessing: co.preprocessing,
    calibrationFrames: co.calibrationFrames.map((f) => (f instanceof Uint8Array ? f : f.data)),
    overrides: co.overrides ?? {},
    ...(co.calibration ? { calibration: co.calibration } : {}),
    provenance: { ...(co.modelId !== undefined ? { modelId: co.modelId } : {}), ...(co.cutIndex !== undefined ? { cutIndex: co.cutIndex } : {}) },
    meta: co.meta ?? {},
    ...(memo ? { memo } : {}),
  };
}

/** Run the passes from `state` up to and including `until` (default: all). */
export function runPasses(state: CompilerState, ctx: CompilerContext, until?: CompilerPassName): CompilerState {
  let s = state;
  for (const [name, pass] of COMPILER_PASSES) {
    s = pass(s, ctx);
    if (name === until) break;
  }
  return s;
}

/** A compiled head: the program, the lowered float head, the resolved global options. */
export interface CompiledHead {
  readonly program: DhmProgram;
  readonly floatHead: FloatHead;
  readonly options: QuantOptions;
}

/** Compile a head graph with every pass (no report; see quantize.ts compileHead for the program + report). */
export function compileProgram(head: Graph, co: CompileOptions, memo?: CompilerMemo): CompiledHead {
  const ctx = compilerContext(co, memo);
  const s = runPasses({ graph: head }, ctx);
  return { program: s.program!, floatHead: s.floatHead!, options: ctx.quant };
}

/** A fresh memo for compiling several nested heads of one graph. */
export function compilerMemo(): CompilerMemo {
  return { lowered: new WeakMap(), floatConstants: new Map(), convs: new Map() };
}

/**
 * The estimate-mode compiler of one prepared graph: (cut, bits) → the calibration-free program of the head at that
 * cut, activations and weights of `bits` bits, default options otherwise. Head graphs, lowerings and quantised conv
 * layers are shared by all (nested) heads, so a whole sweep lowers each layer once per width. The cost models and
 * the page's live estimates use this.
 */
export function estimateCompiler(graph: Graph, preprocessing: Preprocessing, modelId?: string): (cut: CutPoint, bits: number) => DhmProgram {
  const memo = compilerMemo();
  const heads = new Map<number, Graph>();
  return (cut, bits) => {
    let head = heads.get(cut.index);
    if (!head) {
      head = splitAt(graph, cut.index).head;
      heads.set(cut.index, head);
    }
    return compileProgram(head, { mode: 'estimate', preprocessing, calibrationFrames: [], bits, weightBits: bits, cutIndex: cut.index, ...(modelId ? { modelId } : {}) }, memo).program;
  };
}
