/**
 * Shared, environment-neutral parts of the emulator benchmarks (bench/emulator.ts in Node, bench/emulator-browser.ts
 * in Chromium): the heads benchmarked, how each is built from a model file and the two BMP sample images, the MAC
 * count and the order statistics. No node: imports and no DOM: callers pass the file bytes in.
 */
import { compileHead } from '../src/dhm/quantize';
import { runReference } from '../src/dhm/reference';
import type { DhmProgram } from '../src/dhm/program';
import type { DhmEmulator } from '../src/dhm/wasm';
import { loadGraph, listCuts, splitAt, splitToOnnx } from '../src/graph/index';
import { MODELS, type ModelId } from '../src/models/registry';
import { decodeBmp } from '../src/image/bmp';
import { frameToTensor, toFrame } from '../src/image/preprocess';

/** The benchmarked heads: cut 0 (the first conv + its activation) of each network. */
export const HEADS: readonly { readonly model: ModelId; readonly label: string }[] = [
  { model: 'squeezenet1.1', label: 'squeezenet1.1 conv1+relu' },
  { model: 'mobilenetv2', label: 'mobilenetv2 conv1+relu6' },
  { model: 'shufflenetv2', label: 'shufflenetv2 conv1+relu' },
];

/** The sample images used for calibration (the first one is the timed frame), relative to models/images/. */
export const SAMPLE_IMAGES = ['cat.bmp', 'dragonfly.bmp'] as const;

/** Path of a model's ONNX file relative to models/ (from src/models/registry). */
export function modelPath(model: ModelId): string {
  const m = MODELS.find((x) => x.id === model);
  if (!m) throw new Error(`bench: unknown model '${model}'`);
  return m.file.path;
}

/**
 * MACs of a head = Σ over conv layers of Cout·Hout·Wout·(Cin/groups)·kH·kW (the ORT-style count; bias and
 * activation not counted): the same number for the emulator and ORT.
 */
export function headMacs(program: DhmProgram): number {
  let macs = 0;
  for (const l of program.layers) {
    if (l.kind !== 'conv') continue;
    const o = program.streams[l.output]!;
    macs += o.channels * o.height * o.width * (l.inChannels / l.groups) * l.kernelH * l.kernelW;
  }
  return macs;
}

/** A head ready to time on both sides. */
export interface BuiltHead {
  readonly label: string;
  /** Name of the tensor the head is cut at. */
  readonly cut: string;
  readonly program: DhmProgram;
  /** The timed frame: HWC RGB bytes (H·W·3). */
  readonly frame: Uint8Array;
  /** The same head as a float ONNX model (for ORT). */
  readonly onnx: Uint8Array;
  /** ORT's input: NCHW float32 data and dims of the preprocessed frame. */
  readonly input: { readonly data: Float32Array; readonly dims: readonly number[] };
  readonly macs: number;
}

/**
 * Build head cut 0 of `model` from its ONNX bytes and the sample images' bytes (in SAMPLE_IMAGES order): compile it to a
 * DhmProgram with the default 8-bit options calibrated on the images, and serialise the float head for ORT.
 */
export function buildHead(model: ModelId, label: string, modelBytes: Uint8Array, imageBytes: readonly Uint8Array[]): BuiltHead {
  const m = MODELS.find((x) => x.id === model)!;
  const g = loadGraph(modelBytes);
  const cuts = listCuts(g);
  const frames = imageBytes.map((b, i) => toFrame(decodeBmp(b, SAMPLE_IMAGES[i] ?? `image${i}`), m.preprocessing));
  const { program } = compileHead(splitAt(g, 0, cuts).head, {
    preprocessing: m.preprocessing, calibrationFrames: frames, report: false, modelId: model, cutIndex: 0,
  });
  const t = frameToTensor(frames[0]!, m.preprocessing);
  return {
    label, cut: cuts[0]!.tensor, program, frame: frames[0]!.data, onnx: splitToOnnx(g, 0).head,
    input: { data: t.data, dims: [...t.dims] }, macs: headMacs(program),
  };
}

/**
 * Bit-exactness gate: throws unless `emulator` gives the reference executor's output on `h`; returns the emulator's
 * cycle count for the frame.
 */
export function checkBitExact(emulator: DhmEmulator, h: BuiltHead): number {
  const check = emulator.run(h.program, h.frame);
  const ref = runReference(h.program, h.frame);
  if (check.output.length !== ref.output.length || check.output.some((v, i) => v !== ref.output[i])) {
    throw new Error(`${h.label}: emulator output differs from the reference executor — refusing to benchmark`);
  }
  return check.cycles.total;
}

/** Linear-interpolated quantile `q` ∈ [0, 1] of `xs`. */
export const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (i - lo);
};
/** Median of `xs`. */
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);
/** The 25th–75th percentile range of `xs` (ms), as text. */
export const iqr = (xs: readonly number[]): string => `${quantile(xs, 0.25).toFixed(2)}–${quantile(xs, 0.75).toFixed(2)}`;

/**
 * Idle share of the machine's CPUs over `ms` milliseconds, from two reads of `statText()` (the text of Linux's
 * /proc/stat; the caller reads it, this module has no file access): idle cores = idle fraction × `cores`. Returns
 * null when the text has no aggregate `cpu` line.
 */
export function idleCores(before: string, after: string, cores: number): number | null {
  const parse = (t: string): number[] | null => {
    const line = t.split('\n').find((l) => l.startsWith('cpu '));
    return line ? line.trim().split(/\s+/).slice(1).map(Number) : null;
  };
  const a = parse(before);
  const b = parse(after);
  if (!a || !b) return null;
  const d = b.map((v, i) => v - (a[i] ?? 0));
  const total = d.reduce((s, v) => s + v, 0);
  const idle = (d[3] ?? 0) + (d[4] ?? 0); // idle + iowait
  return total > 0 ? (idle / total) * cores : null;
}
