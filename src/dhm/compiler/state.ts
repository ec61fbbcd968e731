/**
 * What flows through the compiler's passes (src/dhm/compiler.ts lists them): the state each pass reads and
 * extends, and the resolved options every pass receives.
 */
import type { Graph } from '../../graph/types';
import type { Preprocessing } from '../../models/registry';
import type { FloatConvConstants, FloatHead, FloatLayer } from '../float';
import type { Activation, DhmProgram, FixedFormat, WeightQuantMode } from '../program';
import type { CalibrationStats, CompileMode, LayerOverride, QuantOptions } from './options';

/** The integer weights of one conv layer (weights pass). */
export interface QuantizedConv {
  /** OIHW weight codes. */
  readonly weights: Int32Array;
  readonly weightFormat: FixedFormat;
  /** Accumulator-unit bias codes, saturated to one adder-tree leaf. */
  readonly bias: Int32Array;
  /** Re-quantisation shift per output channel. */
  readonly shift: Int32Array;
  /** Per output channel weight fraction bits (per-channel pow2 only). */
  readonly weightFracBits?: Int32Array;
  readonly weightQuant: WeightQuantMode;
  /** Pad value per input channel in the input format (the folded first conv's mean/scale; 0 elsewhere). */
  readonly padValue: Int32Array;
}

/**
 * The compiler's state. Each pass returns a new state with its own field added; earlier fields are never changed.
 * Maps are keyed by stream id (= ONNX tensor name) except `convs` (by layer name).
 */
export interface CompilerState {
  /** The head graph (splitAt(...).head of a prepared model). */
  readonly graph: Graph;
  /** lower: the float DHM layers (normalisation folded into the first conv). */
  readonly floatHead?: FloatHead;
  /** lower: the calibration frames checked against the head's input size (HWC RGB uint8); [] in estimate mode. */
  readonly frames?: readonly Uint8Array[];
  /** calibrate: per-stream float statistics (measured, given, or assumed in estimate mode). */
  readonly stats?: ReadonlyMap<string, CalibrationStats>;
  /** signedness: whether each stream is signed (unsigned after relu/relu6 and for the input). */
  readonly signed?: ReadonlyMap<string, boolean>;
  /** concat-ranges: the range each stream's format must cover (producers of a concat adopt its joint range). */
  readonly ranges?: ReadonlyMap<string, number>;
  /** formats: the fixed-point format of every stream. */
  readonly formats?: ReadonlyMap<string, FixedFormat>;
  /** weights: integer weights, bias and shifts of every conv layer. */
  readonly convs?: ReadonlyMap<string, QuantizedConv>;
  /** emit: the program. */
  readonly program?: DhmProgram;
}

/** Memo shared by the compilations of nested heads of one graph (results are pure functions of their keys). */
export interface CompilerMemo {
  /** Lowered heads by head graph (the same head graph object lowers once). */
  readonly lowered: WeakMap<Graph, FloatHead>;
  /** Float constants of the lowered convs by node (lowerHead's cache). */
  readonly floatConstants: Map<string, FloatConvConstants>;
  /** Quantised conv layers by layer name + every input the weights pass reads. */
  readonly convs: Map<string, QuantizedConv>;
}

/** The resolved options every pass receives. */
export interface CompilerContext {
  readonly mode: CompileMode;
  readonly quant: QuantOptions;
  readonly preprocessing: Preprocessing;
  /** Calibration frames as given (checked by the lower pass). */
  readonly calibrationFrames: readonly Uint8Array[];
  readonly overrides: Readonly<Record<string, LayerOverride>>;
  /** Precomputed calibration statistics (skips the float evaluation). */
  readonly calibration?: ReadonlyMap<string, CalibrationStats>;
  /** `program.meta` provenance: model id and cut index when known. */
  readonly provenance: Readonly<{ modelId?: string; cutIndex?: number }>;
  /** The caller's extra `program.meta` entries (written last). */
  readonly meta: Readonly<Record<string, string | number | boolean>>;
  readonly memo?: CompilerMemo;
}

/** The field `key` of the state, or an error naming the pass that needs it and the pass that provides it. */
export function need<K extends keyof CompilerState>(s: CompilerState, key: K, pass: string, from: string): NonNullable<CompilerState[K]> {
  const v = s[key];
  if (v === undefined) throw new Error(`compiler pass '${pass}' needs '${String(key)}' (run pass '${from}' first)`);
  return v as NonNullable<CompilerState[K]>;
}

/** The merged override of a layer (by output stream, then by name). */
export function overrideOf(ctx: CompilerContext, l: FloatLayer): LayerOverride {
  return { ...(ctx.overrides[l.output] ?? {}), ...(ctx.overrides[l.name] ?? {}) };
}

/** The activation a conv/add layer applies (its override, else the fused one); 'none' for other layers. */
export function activationOf(ctx: CompilerContext, l: FloatLayer): Activation {
  return l.kind === 'conv' || l.kind === 'add' ? overrideOf(ctx, l).activation ?? l.activation : 'none';
}

/** The stream ids a float layer reads. */
export function inputsOf(l: FloatLayer): readonly string[] {
  return l.kind === 'conv' || l.kind === 'maxpool' ? [l.input] : l.inputs;
}
