/**
 * The DHM compiler (quantiser): head Graph + the model's preprocessing recipe + calibration frames → DhmProgram,
 * plus a per-tensor report (observed range, chosen format, fraction clipped, SQNR against float).
 * The rules are those of docs/datapath.md §10:
 * - range rule: per stream, max |value| over all calibration frames (`range: 'max-abs'`, default), or the max over
 *   frames of the per-frame p-th percentile of |value| (`range: 'percentile'`); the format is the one with the most
 *   fractional bits whose largest code still covers that range. Unsigned after relu/relu6.
 * - weights: pow2 scale per layer (default) or per output channel, codes round-half-away-from-zero and saturated;
 *   or Haddoc2's `clip(round(w·(2^(N−1)−1)), ±(2^(N−1)−1))`. Bias in accumulator units, saturated to one leaf.
 * - re-quantisation shift = fracBits(in) + fracBits(weights[o]) − fracBits(out); add/concat alignment shifts
 *   fracBits(in_k) − fracBits(out). Producers feeding only a Concat take the Concat's joint format (shift 0).
 * Frames are HWC RGB uint8 of the head input's size (`toFrame` in src/image/preprocess.ts).
 *
 * Usage: `compileHead(splitAt(loadGraph(bytes), cut).head, { preprocessing: model.preprocessing, calibrationFrames, bits: 8 })`.
 */
import type { Graph } from '../graph/types';
import type { Preprocessing } from '../models/registry';
import type { RgbFrame } from '../image/preprocess';
import { evalFloatHead, lowerHead, type FloatHead, type FloatLayer } from './float';
import {
  OVERFLOWS, ROUNDINGS, WEIGHT_QUANT_MODES, convBiasBound, formatName, formatRange, fracBits, sameFormat,
  type Activation, type ConvLayer, type DhmLayer, type DhmProgram, type FixedFormat, type Overflow, type Rounding,
  type StreamInfo, type WeightQuantMode,
} from './program';
import { runReference } from './reference';
import { validateProgram } from './validate';

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

/** One row of the per-tensor report. Ranges and SQNR are over all calibration frames. */
export interface TensorReport {
  /** Stream id (= ONNX tensor name). */
  readonly stream: string;
  /** The layer producing it. */
  readonly layer: string;
  readonly kind: DhmLayer['kind'];
  /** Observed float range (min, max) and the range value the rule used. */
  readonly min: number;
  readonly max: number;
  readonly range: number;
  /** Chosen format, e.g. `UFIXED<8,3>`. */
  readonly format: string;
  /** Fraction of float values outside the format's representable range (clipped). */
  readonly clippedFraction: number;
  /** 10·log10(Σf² / Σ(f − q)²) of the quantised stream (reference executor) against float; Infinity when exact. */
  readonly sqnrDb: number;
}

/**
 * Options of {@link compileHead}: the global {@link QuantOptions} fields (flattened, each optional), the model's
 * preprocessing recipe, the calibration frames, per-layer overrides and provenance.
 */
export interface CompileOptions extends Partial<QuantOptions> {
  /** The model's preprocessing recipe (registry `ModelEntry.preprocessing`), folded into the first conv. */
  readonly preprocessing: Preprocessing;
  /** Calibration frames: HWC RGB uint8 of the head input's height × width (RgbFrame or its data). At least one. */
  readonly calibrationFrames: readonly (Uint8Array | RgbFrame)[];
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

/** The per-tensor report, one row per stream produced by a layer, in program order. */
export type QuantReport = readonly TensorReport[];

export interface CompileResult {
  readonly program: DhmProgram;
  /** Per stream in program order; empty when `report: false`. */
  readonly report: QuantReport;
  /** The lowered float head (float reference of every stream). */
  readonly floatHead: FloatHead;
  /** Resolved global options. */
  readonly options: QuantOptions;
}

/** Most fractional bits of a stream format (keeps shifts inside the version-1 limits for near-zero tensors). */
const MAX_FRAC_OVER_BITS = 8;

/** The format of `bits` bits with the most fractional bits whose largest code covers `m` (docs/datapath.md §10). */
export function chooseFormat(m: number, bits: number, signed: boolean): FixedFormat {
  const maxCode = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const cap = bits + MAX_FRAC_OVER_BITS;
  let frac: number;
  if (!(m > 0)) frac = cap;
  else {
    frac = Math.floor(Math.log2(maxCode / m));
    while (m * 2 ** frac > maxCode) frac--;
    while (m * 2 ** (frac + 1) <= maxCode) frac++;
    frac = Math.min(frac, cap);
  }
  return { signed, bits, intBits: bits - frac };
}

function checkMode(what: string, v: string, allowed: readonly string[]): void {
  if (!allowed.includes(v)) throw new QuantizeError('*', `${what} must be one of ${allowed.join('|')}, got '${v}'`);
}

function checkBits(layer: string, what: string, b: number): void {
  if (!Number.isInteger(b) || b < 4 || b > 16) throw new QuantizeError(layer, `${what} must be an integer 4..16, got ${b}`);
}

/** Round half away from zero. */
const roundAway = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function percentileAbs(a: Float64Array, p: number): number {
  const abs = Float64Array.from(a, Math.abs).sort();
  if (abs.length === 0) return 0;
  const idx = Math.min(abs.length - 1, Math.max(0, Math.ceil((p / 100) * abs.length) - 1));
  return abs[idx]!;
}

/** Calibration statistics of one stream over all calibration frames: float min, max, and the range rule's value. */
export interface CalibrationStats {
  min: number;
  max: number;
  range: number;
}

/** Float evaluation of the head on every frame → per-stream min, max and range value of the rule. */
export function calibrate(head: FloatHead, frames: readonly Uint8Array[], opts: Pick<QuantOptions, 'range' | 'percentile'> = DEFAULT_QUANT_OPTIONS): Map<string, CalibrationStats> {
  const stats = new Map<string, CalibrationStats>();
  for (const f of frames) {
    const vals = evalFloatHead(head, f);
    for (const [id, v] of vals) {
      let mn = Infinity, mx = -Infinity;
      for (let i = 0; i < v.length; i++) { const x = v[i]!; if (x < mn) mn = x; if (x > mx) mx = x; }
      const r = opts.range === 'percentile' ? percentileAbs(v, opts.percentile) : Math.max(Math.abs(mn), Math.abs(mx));
      const s = stats.get(id);
      if (!s) stats.set(id, { min: mn, max: mx, range: r });
      else { s.min = Math.min(s.min, mn); s.max = Math.max(s.max, mx); s.range = Math.max(s.range, r); }
    }
  }
  return stats;
}

/**
 * Compile a head graph (splitAt(...).head of a prepared model) to a DhmProgram (see the module comment for the rules).
 * Throws UnsupportedHeadOpError (float.ts) for ops outside the DHM blocks, QuantizeError for options or heads outside
 * the version-1 limits.
 */
export function compileHead(head: Graph, co: CompileOptions): CompileResult {
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
  if (co.calibrationFrames.length === 0) throw new QuantizeError('*', 'at least one calibration frame is needed');
  const fh = lowerHead(head, co.preprocessing);
  const frames = co.calibrationFrames.map((f, i) => {
    const d = f instanceof Uint8Array ? f : f.data;
    if (d.length !== fh.height * fh.width * 3) throw new QuantizeError('*', `calibration frame ${i} has ${d.length} bytes, expected ${fh.height}×${fh.width}×3 = ${fh.height * fh.width * 3} (HWC RGB, the head input size)`);
    return d;
  });
  const overrides = co.overrides ?? {};
  const ov = (l: FloatLayer): LayerOverride => ({ ...(overrides[l.output] ?? {}), ...(overrides[l.name] ?? {}) });
  // Known override keys must name a layer or stream (typo protection).
  for (const key of Object.keys(overrides)) {
    if (!fh.layers.some((l) => l.name === key || l.output === key)) throw new QuantizeError(key, `override names no layer or stream of the head (layers: ${fh.layers.map((l) => l.name).join(', ')})`);
  }
  let stats: ReadonlyMap<string, CalibrationStats>;
  if (co.calibration) {
    stats = co.calibration;
    for (const id of Object.keys(fh.streams)) if (!stats.has(id)) throw new QuantizeError('*', `the given calibration has no statistics for stream '${id}'`);
  } else stats = calibrate(fh, frames, opts);
  const producer = new Map<string, FloatLayer>(fh.layers.map((l) => [l.output, l]));
  const readers = new Map<string, FloatLayer[]>();
  for (const l of fh.layers) for (const i of l.kind === 'conv' || l.kind === 'maxpool' ? [l.input] : l.inputs) readers.set(i, [...(readers.get(i) ?? []), l]);
  const actOf = (l: FloatLayer): Activation => (l.kind === 'conv' || l.kind === 'add' ? ov(l).activation ?? l.activation : 'none');

  // Signedness (structural) and range per stream; concat producers adopt the concat's joint range.
  const signed = new Map<string, boolean>([[fh.inputId, false]]);
  for (const l of fh.layers) {
    if (l.kind === 'conv' || l.kind === 'add') signed.set(l.output, !(actOf(l) === 'relu' || actOf(l) === 'relu6'));
    else if (l.kind === 'maxpool') signed.set(l.output, signed.get(l.input)!);
    else signed.set(l.output, l.inputs.some((i) => signed.get(i)!));
  }
  const rangeOf = new Map<string, number>([...stats].filter(([k]) => k in fh.streams).map(([k, s]) => [k, s.range]));
  for (const l of fh.layers) {
    if (l.kind !== 'wire' || l.op !== 'concat') continue;
    const joint = Math.max(...l.inputs.map((i) => rangeOf.get(i)!));
    for (const i of l.inputs) {
      const p = producer.get(i);
      if (p && (p.kind === 'conv' || p.kind === 'add') && (readers.get(i) ?? []).length === 1 && signed.get(i) === signed.get(l.output)) rangeOf.set(i, joint);
    }
  }
  const formats = new Map<string, FixedFormat>([[fh.inputId, { signed: false, bits: 8, intBits: 8 }]]);
  for (const l of fh.layers) {
    const bits = ov(l).bits ?? opts.bits;
    checkBits(l.name, 'bits', bits);
    let f: FixedFormat;
    if (l.kind === 'maxpool') f = formats.get(l.input)!;
    else if (l.kind === 'wire' && l.op !== 'concat') f = formats.get(l.inputs[0]!)!;
    else if (l.kind === 'wire') {
      const fs = l.inputs.map((i) => formats.get(i)!);
      f = fs.every((x) => sameFormat(x, fs[0]!)) && ov(l).bits === undefined ? fs[0]! : chooseFormat(rangeOf.get(l.output)!, bits, signed.get(l.output)!);
    } else f = chooseFormat(rangeOf.get(l.output)!, bits, signed.get(l.output)!);
    formats.set(l.output, f);
  }

  const streams: Record<string, StreamInfo> = {};
  streams[fh.inputId] = { channels: 3, height: fh.height, width: fh.width, format: formats.get(fh.inputId)! };
  const layers: DhmLayer[] = [];
  for (const l of fh.layers) {
    const s = fh.streams[l.output]!;
    const out = formats.get(l.output)!;
    streams[l.output] = { channels: s.channels, height: s.height, width: s.width, format: out };
    const o = ov(l);
    const rounding = o.rounding ?? opts.rounding;
    const overflow = o.overflow ?? opts.overflow;
    if (l.kind === 'conv') {
      layers.push(quantizeConv(l, formats.get(l.input)!, out, { ...opts, weightBits: o.weightBits ?? opts.weightBits }, rounding, overflow, actOf(l)));
    } else if (l.kind === 'maxpool') {
      const { kind, name, input, output, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, ceilMode } = l;
      layers.push({ kind, name, input, output, kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight, ceilMode });
    } else if (l.kind === 'add') {
      const sh = l.inputs.map((i) => alignShift(l.name, formats.get(i)!, out)) as [number, number];
      layers.push({ kind: 'add', name: l.name, output: l.output, inputs: l.inputs, shifts: sh, rounding, overflow, activation: actOf(l) });
    } else {
      layers.push({
        kind: 'wire', name: l.name, op: l.op, output: l.output, inputs: l.inputs, sourceInput: l.sourceInput, sourceChannel: l.sourceChannel,
        shifts: l.inputs.map((i) => alignShift(l.name, formats.get(i)!, out)), rounding, overflow,
      });
    }
  }
  const program: DhmProgram = {
    version: 1,
    meta: {
      preprocessing: co.preprocessing, bits: opts.bits, weightBits: opts.weightBits, rounding: opts.rounding, overflow: opts.overflow,
      weightQuant: opts.weightQuant, perChannel: opts.perChannel, range: opts.range, calibrationFrames: frames.length,
      ...(co.modelId !== undefined ? { modelId: co.modelId } : {}), ...(co.cutIndex !== undefined ? { cutIndex: co.cutIndex } : {}),
      crossingTensor: fh.output, ...(co.meta ?? {}),
    },
    input: { id: fh.inputId, channels: 3, height: fh.height, width: fh.width, format: formats.get(fh.inputId)! },
    streams, layers, output: fh.output,
  };
  validateProgram(program);
  const report = co.report === false ? [] : quantReport(program, fh, frames);
  return { program, report, floatHead: fh, options: opts };
}

function alignShift(layer: string, inF: FixedFormat, outF: FixedFormat): number {
  const s = fracBits(inF) - fracBits(outF);
  if (s < -16 || s > 32) throw new QuantizeError(layer, `alignment shift ${s} (from ${formatName(inF)} to ${formatName(outF)}) is outside −16..32`);
  return s;
}

function quantizeConv(l: Extract<FloatLayer, { kind: 'conv' }>, inF: FixedFormat, outF: FixedFormat, opts: QuantOptions,
  rounding: Rounding, overflow: Overflow, activation: Activation): ConvLayer {
  const bw = opts.weightBits;
  checkBits(l.name, 'weightBits', bw);
  const per = l.weights.length / l.outChannels;
  const maxW = 2 ** (bw - 1) - 1;
  const fw = new Int32Array(l.outChannels);
  const weights = new Int32Array(l.weights.length);
  let weightFormat: FixedFormat;
  const fin = fracBits(inF);
  if (opts.weightQuant === 'haddoc2') {
    // Haddoc2: clip(round(w·(2^(N−1)−1)), ±(2^(N−1)−1)), read as FIXED<N,1> codes.
    for (let i = 0; i < weights.length; i++) weights[i] = clamp(roundAway(l.weights[i]! * maxW), -maxW, maxW);
    fw.fill(bw - 1);
    weightFormat = { signed: true, bits: bw, intBits: 1 };
  } else {
    const fracFor = (m: number): number => {
      if (!(m > 0)) return bw + MAX_FRAC_OVER_BITS;
      let f = Math.floor(Math.log2(maxW / m));
      while (m * 2 ** f > maxW) f--;
      while (m * 2 ** (f + 1) <= maxW) f++;
      return Math.min(f, bw + 24);
    };
    // The bias is one adder-tree leaf (§3.2): |round(b·2^(fin+fw))| ≤ 2^(b_x'+b_w−2) caps fw where a bias is large.
    const bxp = inF.bits + (inF.signed ? 0 : 1);
    const biasCap = (b: number): number => (b === 0 ? Infinity : Math.floor(Math.log2((2 ** (bxp + bw - 2) - 0.5) / Math.abs(b))) - fin);
    let layerMax = 0;
    let layerCap = Infinity;
    for (let i = 0; i < l.weights.length; i++) layerMax = Math.max(layerMax, Math.abs(l.weights[i]!));
    for (let o = 0; o < l.outChannels; o++) layerCap = Math.min(layerCap, biasCap(l.bias[o]!));
    const layerFrac = Math.min(fracFor(layerMax), layerCap);
    for (let o = 0; o < l.outChannels; o++) {
      let m = 0;
      for (let i = 0; i < per; i++) m = Math.max(m, Math.abs(l.weights[o * per + i]!));
      fw[o] = opts.perChannel ? Math.max(layerFrac, Math.min(fracFor(m), biasCap(l.bias[o]!))) : layerFrac;
      for (let i = 0; i < per; i++) weights[o * per + i] = clamp(roundAway(l.weights[o * per + i]! * 2 ** fw[o]!), -maxW - 1, maxW);
    }
    weightFormat = { signed: true, bits: bw, intBits: bw - layerFrac };
  }
  const proto = { inChannels: l.inChannels, outChannels: l.outChannels, groups: l.groups, kernelH: l.kernelH, kernelW: l.kernelW, weightFormat } as ConvLayer;
  const bb = convBiasBound(proto, inF);
  const bias = new Int32Array(l.outChannels);
  const shift = new Int32Array(l.outChannels);
  for (let o = 0; o < l.outChannels; o++) {
    const b = opts.weightQuant === 'haddoc2' ? roundAway(l.bias[o]! * maxW) * 2 ** fin : roundAway(l.bias[o]! * 2 ** (fin + fw[o]!));
    bias[o] = clamp(Math.round(b), -bb, bb);
    shift[o] = fin + fw[o]! - fracBits(outF);
    if (shift[o]! < -16 || shift[o]! > 48) throw new QuantizeError(l.name, `re-quantisation shift ${shift[o]} for output channel ${o} is outside −16..48 (input ${formatName(inF)}, weight frac ${fw[o]}, output ${formatName(outF)})`);
  }
  const ir = formatRange(inF);
  const padValue = Int32Array.from(l.padValue, (v) => clamp(Math.floor(v + 0.5), ir.min, ir.max)); // round half up (§8)
  return {
    kind: 'conv', name: l.name, input: l.input, output: l.output, inChannels: l.inChannels, outChannels: l.outChannels,
    kernelH: l.kernelH, kernelW: l.kernelW, strideH: l.strideH, strideW: l.strideW, dilationH: l.dilationH, dilationW: l.dilationW,
    padTop: l.padTop, padLeft: l.padLeft, padBottom: l.padBottom, padRight: l.padRight, groups: l.groups,
    padValue, weights, weightFormat, bias, shift, rounding, overflow, activation, weightQuant: opts.weightQuant,
    ...(opts.perChannel && opts.weightQuant === 'pow2' ? { weightFracBits: fw } : {}),
  };
}

/**
 * The per-tensor report: for every stream produced by a layer, observed float range, chosen format, fraction of
 * float values outside the format's range, and SQNR of the reference executor's dequantised stream vs float.
 */
export function quantReport(program: DhmProgram, fh: FloatHead, frames: readonly Uint8Array[]): TensorReport[] {
  const acc = new Map<string, { min: number; max: number; range: number; clipped: number; n: number; sig: number; err: number }>();
  for (const f of frames) {
    const fl = evalFloatHead(fh, f);
    const q = runReference(program, f, { keepStreams: true }).streams!;
    for (const l of program.layers) {
      const fmt = program.streams[l.output]!.format;
      const scale = 2 ** -fracBits(fmt);
      const r = formatRange(fmt);
      const lo = r.min * scale, hi = r.max * scale;
      const fv = fl.get(l.output)!, qv = q.get(l.output)!;
      const a = acc.get(l.output) ?? { min: Infinity, max: -Infinity, range: 0, clipped: 0, n: 0, sig: 0, err: 0 };
      for (let i = 0; i < fv.length; i++) {
        const x = fv[i]!;
        if (x < a.min) a.min = x;
        if (x > a.max) a.max = x;
        if (x < lo || x > hi) a.clipped++;
        const d = x - qv[i]! * scale;
        a.sig += x * x;
        a.err += d * d;
      }
      a.n += fv.length;
      a.range = Math.max(a.range, Math.abs(a.min), Math.abs(a.max));
      acc.set(l.output, a);
    }
  }
  return program.layers.map((l) => {
    const a = acc.get(l.output)!;
    return {
      stream: l.output, layer: l.name, kind: l.kind, min: a.min, max: a.max, range: a.range,
      format: formatName(program.streams[l.output]!.format), clippedFraction: a.clipped / a.n,
      sqnrDb: a.err === 0 ? Infinity : 10 * Math.log10(a.sig / a.err),
    };
  });
}

/** The report as an aligned text table (one line per tensor). */
export function formatReport(report: readonly TensorReport[]): string {
  const rows = report.map((r) => [r.layer, r.kind, r.stream, r.min.toPrecision(4), r.max.toPrecision(4), r.format, (r.clippedFraction * 100).toFixed(4) + '%', Number.isFinite(r.sqnrDb) ? r.sqnrDb.toFixed(2) : 'exact']);
  const head = ['layer', 'kind', 'tensor', 'min', 'max', 'format', 'clipped', 'SQNR dB'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n');
}
