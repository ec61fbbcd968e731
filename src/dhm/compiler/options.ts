/**
 * Options of the DHM compiler: the global quantisation options, per-layer overrides, the two modes (calibrated for
 * the programs that run; estimate for the calibration-free programs of the cost models) and the compiler's error.
 */
import type { Preprocessing } from '../../models/registry';
import type { RgbFrame } from '../../image/preprocess';
import { OVERFLOWS, ROUNDINGS, WEIGHT_QUANT_MODES, type Activation, type Overflow, type Rounding, type WeightQuantMode } from '../program';

/** Global quantisation options (defaults in {@link DEFAULT_QUANT_OPTIONS}). */
export interface QuantOptions {
  /** Activation (stream) bits, 4..16. */
  readonly bits: number;
  /** Weight (multiplier) bits, 4..16. */
  readonly weightBits: number;
  readonly rounding: Rounding;
  readonly overflow: Overflow;
  readonly weightQuant: WeightQuantMode;
  /** Pow2 weight scale per output channel instead of per layer. */
  readonly perChannel: boolean;
  /** Range rule of the calibration. */
  readonly range: 'max-abs' | 'percentile';
  /** Percentile (0..100] of |value| for `range: 'percentile'`. */
  readonly percentile: number;
}

/** Per-layer overrides, keyed by layer name (the ONNX node name) or by its output tensor name. */
export interface LayerOverride {
  readonly bits?: number;
  readonly weightBits?: number;
  readonly rounding?: Rounding;
  readonly overflow?: Overflow;
  /** Replace the layer's activation (e.g. 'hardtanh' for Haddoc2 behaviour). Conv and add layers only. */
  readonly activation?: Activation;
}

/** Defaults: 8-bit activations and weights, pow2 per layer, half-up, saturate, max-abs. */
export const DEFAULT_QUANT_OPTIONS: QuantOptions = {
  bits: 8, weightBits: 8, rounding: 'half-up', overflow: 'saturate', weightQuant: 'pow2', perChannel: false, range: 'max-abs', percentile: 99.99,
};

/** A head that cannot be quantised within the version-1 limits (names the layer). */
export class QuantizeError extends Error {
  override name = 'QuantizeError';
  constructor(readonly layer: string, detail: string) {
    super(`quantising layer '${layer}': ${detail}`);
  }
}

/** Calibration statistics of one stream over all calibration frames: float min, max, and the range rule's value. */
export interface CalibrationStats {
  min: number;
  max: number;
  range: number;
}

/**
 * How the compiler obtains each stream's range (closed union):
 * - `calibrated`: float evaluation of the head over the calibration frames (or given statistics) — the programs
 *   that run (pipeline, CLI, page);
 * - `estimate`: no frames; every stream is assumed to span {@link ESTIMATE_ASSUMED_RANGE} — the cost models'
 *   programs. Lowering, signedness, format rule, weight quantisation, bias cap and emission are the same code;
 *   weights and shapes are exact, activation formats (hence bias codes, shifts, and the weight scale of a layer
 *   whose bias cap binds) follow the assumed range.
 */
export type CompileMode = 'calibrated' | 'estimate';

/**
 * The range every stream is assumed to span in `estimate` mode, |value| ≤ 2^(⌈bits/2⌉ − 1) (assumption). The format
 * rule then gives signed streams ⌈bits/2⌉ integer bits — what the former structural lowering (src/cost/structural.ts)
 * assumed for every stream — and unsigned streams ⌈bits/2⌉ − 1. Not tuned on the paper's numbers; the estimates'
 * distance to the calibrated programs is checked by test/node/cost-reproduce.test.ts (ALMs within 1 %).
 */
export function estimateAssumedRange(bits: number): number {
  return 2 ** (Math.ceil(bits / 2) - 1);
}

/**
 * Options of {@link compileHead}: the global {@link QuantOptions} fields (flattened, each optional), the model's
 * preprocessing recipe, the calibration frames, per-layer overrides and provenance.
 */
export interface CompileOptions extends Partial<QuantOptions> {
  /** The model's preprocessing recipe (registry `ModelEntry.preprocessing`), folded into the first conv. */
  readonly preprocessing: Preprocessing;
  /** Calibration frames: HWC RGB uint8 of the head input's height × width (RgbFrame or its data). At least one (none in estimate mode). */
  readonly calibrationFrames: readonly (Uint8Array | RgbFrame)[];
  /** Default `calibrated`; `estimate` needs no frames ({@link CompileMode}). */
  readonly mode?: CompileMode;
  readonly overrides?: Readonly<Record<string, LayerOverride>>;
  /** Provenance for `program.meta`. */
  readonly modelId?: string;
  readonly cutIndex?: number;
  readonly meta?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Precomputed calibration statistics by stream id (from {@link calibrate} on this head or on a deeper head of the
   * same model: heads of one model are nested, their stream ids are the ONNX tensor names). Skips the float
   * evaluation; `calibrationFrames` are then used only for the report.
   */
  readonly calibration?: ReadonlyMap<string, CalibrationStats>;
  /** Compute the SQNR/clipping report (runs the reference executor on every frame). Default true; false → []. */
  readonly report?: boolean;
}

function checkMode(what: string, v: string, allowed: readonly string[]): void {
  if (!allowed.includes(v)) throw new QuantizeError('*', `${what} must be one of ${allowed.join('|')}, got '${v}'`);
}

/** Throws a QuantizeError naming `layer` unless `b` is an integer 4..16. */
export function checkBits(layer: string, what: string, b: number): void {
  if (!Number.isInteger(b) || b < 4 || b > 16) throw new QuantizeError(layer, `${what} must be an integer 4..16, got ${b}`);
}

/** The global options of `co` over the defaults, checked (QuantizeError on a bad value). */
export function resolveQuantOptions(co: Partial<QuantOptions>): QuantOptions {
  const opts: QuantOptions = { ...DEFAULT_QUANT_OPTIONS };
  for (const k of Object.keys(DEFAULT_QUANT_OPTIONS) as (keyof QuantOptions)[]) {
    if (co[k] !== undefined) (opts as unknown as Record<string, unknown>)[k] = co[k];
  }
  checkBits('*', 'bits', opts.bits);
  checkBits('*', 'weightBits', opts.weightBits);
  checkMode('rounding', opts.rounding, ROUNDINGS);
  checkMode('overflow', opts.overflow, OVERFLOWS);
  checkMode('weightQuant', opts.weightQuant, WEIGHT_QUANT_MODES);
  checkMode('range', opts.range, ['max-abs', 'percentile']);
  if (!(opts.percentile > 0 && opts.percentile <= 100)) throw new QuantizeError('*', `percentile must be in (0, 100], got ${opts.percentile}`);
  return opts;
}
