/**
 * Quantising a head: `compileHead` = the DHM compiler (compiler.ts, its passes in order) + the per-tensor report
 * (observed range, chosen format, fraction clipped, SQNR against float). The rules are those of docs/datapath.md §10,
 * one pass each (see compiler.ts). Frames are HWC RGB uint8 of the head input's size (`toFrame` in
 * src/image/preprocess.ts).
 *
 * Usage: `compileHead(splitAt(loadGraph(bytes), cut).head, { preprocessing: model.preprocessing, calibrationFrames, bits: 8 })`.
 */
import type { Graph } from '../graph/types';
import { evalFloatHead, type FloatHead } from './float';
import { formatName, formatRange, fracBits, type DhmLayer, type DhmProgram } from './program';
import { runReference } from './reference';
import { compileProgram } from './compiler';
import type { CompileOptions, QuantOptions } from './compiler/options';

export {
  DEFAULT_QUANT_OPTIONS, QuantizeError, estimateAssumedRange,
  type CalibrationStats, type CompileMode, type CompileOptions, type LayerOverride, type QuantOptions,
} from './compiler/options';
export { calibrate } from './compiler/calibrate';
export { chooseFormat } from './compiler/formats';

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

/** The per-tensor report, one row per stream produced by a layer, in program order. */
export type QuantReport = readonly TensorReport[];

export interface CompileResult {
  readonly program: DhmProgram;
  /** Per stream in program order; empty when `report: false` (and in estimate mode, which has no frames). */
  readonly report: QuantReport;
  /** The lowered float head (float reference of every stream). */
  readonly floatHead: FloatHead;
  /** Resolved global options. */
  readonly options: QuantOptions;
}

/**
 * Compile a head graph (splitAt(...).head of a prepared model) to a DhmProgram with every compiler pass, and its
 * per-tensor report. Throws UnsupportedHeadOpError (float.ts) for ops outside the DHM blocks, QuantizeError for
 * options or heads outside the version-1 limits.
 */
export function compileHead(head: Graph, co: CompileOptions): CompileResult {
  const c = compileProgram(head, co);
  const frames = co.calibrationFrames.map((f) => (f instanceof Uint8Array ? f : f.data));
  const report = co.report === false || frames.length === 0 ? [] : quantReport(c.program, c.floatHead, frames);
  return { ...c, report };
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
