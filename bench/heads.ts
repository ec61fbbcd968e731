/**
 * Shared, environment-neutral parts of the emulator benchmarks (bench/emulator.ts in Node, bench/emulator-browser.ts
 * in Chromium): the heads benchmarked, how each is built from a model file and the two BMP sample images, the MAC
 * count, the bit-exactness gate, the timing loop (what each timed block includes), the result rows and their text,
 * the 2-worker scaling rounds, and the order statistics. No node: imports and no DOM: callers pass the file bytes in.
 */
import { compileHead } from '../src/dhm/quantize';
import { runReference } from '../src/dhm/reference';
import type { DhmProgram } from '../src/dhm/program';
import type { DhmEmulator } from '../src/dhm/wasm';
import { loadGraph, listCuts, splitAt, splitToOnnx } from '../src/graph/index';
import { getModel, type ModelId } from '../src/models/registry';
import { frameToTensor, type RgbFrame } from '../src/image/preprocess';
import { modelSweepInput } from '../src/cost/reproduce';
import { sweepNetwork } from '../src/cost/sweep';
import { CYCLONE10GX_10CX220, JETSON_TX2, PCIE_GEN2_X4 } from '../src/cost/devices';

/** The benchmarked networks (the paper's three); every cut whose head fits the FPGA at {@link BENCH_BITS} bits is timed. */
export const BENCH_MODELS: readonly ModelId[] = ['squeezenet1.1', 'mobilenetv2', 'shufflenetv2'];
/** Activation and weight width of the benchmarked heads, bits. */
export const BENCH_BITS = 8;

/** A cut of a network whose head fits the FPGA, by the cost model. */
export interface FittingCut {
  readonly model: ModelId;
  readonly cutIndex: number;
  /** Tensor the head is cut at. */
  readonly tensor: string;
  /** Resource limiting the fit (the highest utilisation). */
  readonly limiting: string;
}

/**
 * The cuts of `model` whose head fits the paper's FPGA (Cyclone 10 GX 10CX220) at {@link BENCH_BITS} bits, computed
 * by the cost model's sweep (src/cost: structural programs, DSPs for the costliest multipliers) — not a fixed list.
 */
export function fittingCuts(model: ModelId, modelBytes: Uint8Array): FittingCut[] {
  const net = modelSweepInput({ entry: getModel(model), bytes: modelBytes });
  const rows = sweepNetwork(net, { fpga: CYCLONE10GX_10CX220, gpu: JETSON_TX2, link: PCIE_GEN2_X4, bits: [BENCH_BITS], dspPolicy: 'dsp-largest-first', inputSource: 'host' });
  return rows.filter((r) => r.fits).map((r) => ({ model, cutIndex: r.cutIndex, tensor: r.tensor, limiting: r.limiting }));
}

/** Path of a model's ONNX file relative to models/ (from src/models/registry). */
export function modelPath(model: ModelId): string {
  return getModel(model).file.path;
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
  readonly model: ModelId;
  readonly cutIndex: number;
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
 * Build head `cutIndex` of `model` from its ONNX bytes and the model's calibration frames (the compiler's calibration
 * set, src/dhm/calibration-set.ts, in its order; the first one, cat, is the timed frame): compile it to a DhmProgram
 * with the default {@link BENCH_BITS}-bit options, as the pipeline does, and serialise the float head for ORT.
 */
export function buildHead(model: ModelId, cutIndex: number, modelBytes: Uint8Array, frames: readonly RgbFrame[]): BuiltHead {
  const m = getModel(model);
  const g = loadGraph(modelBytes);
  const cuts = listCuts(g);
  const { program } = compileHead(splitAt(g, cutIndex).head, {
    preprocessing: m.preprocessing, calibrationFrames: frames, report: false, modelId: model, cutIndex, bits: BENCH_BITS, weightBits: BENCH_BITS,
  });
  const t = frameToTensor(frames[0]!, m.preprocessing);
  const cut = cuts[cutIndex]!.tensor;
  return {
    label: `${model} cut ${cutIndex} (${cut})`, model, cutIndex, cut, program, frame: frames[0]!.data, onnx: splitToOnnx(g, cutIndex).head,
    input: { data: t.data, dims: [...t.dims] }, macs: headMacs(program),
  };
}

/** Every fitting head of every benchmarked network, built (see {@link fittingCuts}, {@link buildHead}). */
export function buildFittingHeads(modelBytes: (model: ModelId) => Uint8Array, calibration: (model: ModelId) => readonly RgbFrame[]): BuiltHead[] {
  return BENCH_MODELS.flatMap((model) => {
    const bytes = modelBytes(model);
    const frames = calibration(model);
    return fittingCuts(model, bytes).map((c) => buildHead(model, c.cutIndex, bytes, frames));
  });
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

/**
 * The part of an onnxruntime-web InferenceSession the timing loop uses (the same for the 'onnxruntime-web' build in
 * Node and the 'onnxruntime-web/wasm' build in Chromium, so this module imports neither).
 */
export interface OrtSessionLike {
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { readonly data: unknown; dispose(): void }>>;
}

/** A head set up on both sides, with the timing samples (ms per run) collected so far. */
export interface TimedHead extends BuiltHead {
  readonly session: OrtSessionLike;
  /** ORT's feeds: the input tensor, created once. */
  readonly feeds: Record<string, unknown>;
  /** Emulator cycle count of the frame (from the bit-exactness check). */
  readonly cycles: number;
  /** The caller-owned output array the pooled path writes into (what a recycled output is in the product). */
  readonly pooled: Int32Array;
  /** Per-run samples, ms: emulator fresh output, emulator pooled output, ORT, and a fresh output-sized array filled by copy. */
  readonly samplesMs: { readonly fresh: number[]; readonly pooled: number[]; readonly ort: number[]; readonly allocCopy: number[] };
}

/** Check `b` bit-exact on `emulator` (throws if not), then wrap it with its ORT session and empty sample lists. */
export function timedHead(emulator: DhmEmulator, b: BuiltHead, session: OrtSessionLike, feeds: Record<string, unknown>): TimedHead {
  const cycles = checkBitExact(emulator, b);
  const out = b.program.streams[b.program.output]!;
  return { ...b, session, feeds, cycles, pooled: new Int32Array(out.channels * out.height * out.width), samplesMs: { fresh: [], pooled: [], ort: [], allocCopy: [] } };
}

/**
 * `n` timed runs of `h` per block, block after block (so each block's timings include the garbage-collection work of
 * its own allocations only; `gc`, when given, collects before each block):
 *  - fresh: `emulator.run(program, frame)` — frame copied into Wasm memory, run, output copied into a new Int32Array;
 *  - pooled: `emulator.run(program, frame, { output })` — the same with the output copied into a caller-owned array
 *    (what the page's worker does with an output handed back through HeadBackend.recycle);
 *  - ort: `session.run(feeds)` — ORT copies the input tensor into its heap (malloc + copy), runs, and copies the output
 *    into a new Float32Array (onnxruntime-web's wasm EP cannot write a CPU output into a caller's array: a pre-allocated
 *    output tensor comes back unwritten in 1.30), then the output is disposed;
 *  - allocCopy: no model at all, `new Int32Array(outLength).set(pooled)` — what allocating and filling one fresh
 *    output-sized array costs here (both fresh paths pay it once per run).
 */
export async function timeRuns(emulator: DhmEmulator, h: TimedHead, n: number, record: boolean, gc?: () => void): Promise<void> {
  const keep: Int32Array[] = []; // the last fresh arrays stay alive for a while, as a caller's results would
  const retain = (a: Int32Array): void => {
    keep.push(a);
    if (keep.length > 2) keep.shift();
  };
  gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = emulator.run(h.program, h.frame);
    if (record) h.samplesMs.fresh.push(performance.now() - t0);
    retain(r.output);
  }
  keep.length = 0;
  gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    emulator.run(h.program, h.frame, { output: h.pooled });
    if (record) h.samplesMs.pooled.push(performance.now() - t0);
  }
  gc?.();
  const outName = h.session.outputNames[0]!;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await h.session.run(h.feeds);
    void (r[outName]!.data as Float32Array)[0]; // the output is in JS memory (copied out of ORT's heap)
    if (record) h.samplesMs.ort.push(performance.now() - t0);
    for (const v of Object.values(r)) v.dispose();
  }
  gc?.();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const a = new Int32Array(h.pooled.length);
    a.set(h.pooled);
    if (record) h.samplesMs.allocCopy.push(performance.now() - t0);
    retain(a);
  }
  keep.length = 0;
}

/** One result row of the single-thread comparison (times in ms, medians; IQRs as text; throughput in GMAC/s). */
export interface ResultRow {
  readonly head: string;
  readonly model: ModelId;
  readonly cutIndex: number;
  readonly cut: string;
  readonly macs: number;
  readonly cycles: number;
  /** Datapath chosen per conv layer, comma-separated. */
  readonly datapath: string;
  readonly emulatorPooledMs: number;
  readonly emulatorFreshMs: number;
  readonly ortMs: number;
  readonly allocCopyMs: number;
  readonly emulatorPooledIqrMs: string;
  readonly emulatorFreshIqrMs: string;
  readonly ortIqrMs: string;
  readonly allocCopyIqrMs: string;
  readonly emulatorPooledGmacPerS: number;
  readonly emulatorFreshGmacPerS: number;
  readonly ortGmacPerS: number;
  /** Headline: ORT time / emulator time with a pooled output (the product's path). */
  readonly ratio: number;
  /** ORT time / emulator time with a fresh output per run (both sides allocate). */
  readonly ratioFresh: number;
  /** Number of timed runs per block behind each median. */
  readonly samples: number;
}

/** The row of `h` from its samples. */
export function resultRow(emulator: DhmEmulator, h: TimedHead): ResultRow {
  const m = h.samplesMs;
  const pooled = median(m.pooled);
  const fresh = median(m.fresh);
  const ortMs = median(m.ort);
  return {
    head: h.label, model: h.model, cutIndex: h.cutIndex, cut: h.cut, macs: h.macs, cycles: h.cycles, datapath: [...emulator.prepare(h.program).values()].join(','),
    emulatorPooledMs: pooled, emulatorFreshMs: fresh, ortMs, allocCopyMs: median(m.allocCopy),
    emulatorPooledIqrMs: iqr(m.pooled), emulatorFreshIqrMs: iqr(m.fresh), ortIqrMs: iqr(m.ort), allocCopyIqrMs: iqr(m.allocCopy),
    emulatorPooledGmacPerS: h.macs / pooled / 1e6, emulatorFreshGmacPerS: h.macs / fresh / 1e6, ortGmacPerS: h.macs / ortMs / 1e6,
    ratio: ortMs / pooled, ratioFresh: ortMs / fresh, samples: m.pooled.length,
  };
}

/** One line of text for a row (the same in Node and Chromium). */
export function formatRow(r: ResultRow): string {
  return `${r.head.padEnd(40)} ${(r.macs / 1e6).toFixed(2).padStart(6)} MMAC | emulator pooled out ${r.emulatorPooledMs.toFixed(2)} ms (IQR ${r.emulatorPooledIqrMs}) ` +
    `${r.emulatorPooledGmacPerS.toFixed(2)} GMAC/s, fresh out ${r.emulatorFreshMs.toFixed(2)} ms (IQR ${r.emulatorFreshIqrMs}) ${r.emulatorFreshGmacPerS.toFixed(2)} GMAC/s | ` +
    `ORT wasm 1T ${r.ortMs.toFixed(2)} ms (IQR ${r.ortIqrMs}) ${r.ortGmacPerS.toFixed(2)} GMAC/s | ratio ${r.ratio.toFixed(2)}x (fresh: ${r.ratioFresh.toFixed(2)}x) | ` +
    `fresh output-sized alloc+copy ${r.allocCopyMs.toFixed(2)} ms | ${r.datapath}, ${r.cycles} cycles`;
}

/** Throughput of 1 and of 2 workers over `rounds` rounds (1 worker, then 2, per round), medians and all samples. */
export interface ScalingResult {
  readonly frames: number;
  readonly rounds: number;
  readonly oneFps: number;
  readonly twoFps: number;
  /** twoFps / oneFps. */
  readonly scaling: number;
  readonly oneFpsAll: readonly number[];
  readonly twoFpsAll: readonly number[];
}

/** Runs `fps(1)` then `fps(2)` `rounds` times (each: frames per second of that many workers over `frames` frames). */
export async function measureScaling(frames: number, rounds: number, fps: (workers: 1 | 2) => Promise<number>): Promise<ScalingResult> {
  const ones: number[] = [];
  const twos: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ones.push(await fps(1));
    twos.push(await fps(2));
  }
  const one = median(ones);
  const two = median(twos);
  return { frames, rounds, oneFps: one, twoFps: two, scaling: two / one, oneFpsAll: ones, twoFpsAll: twos };
}

/** One line of text for a scaling result; `macs` (per frame) adds GMAC/s, `note` is appended (e.g. the load). */
export function formatScaling(label: string, what: string, s: ScalingResult, macs?: number, note = ''): string {
  const g = (fps: number): string => (macs === undefined ? '' : ` (${(fps * macs / 1e9).toFixed(2)} GMAC/s)`);
  const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  return `${label.padEnd(40)} ${what} (${s.frames} frames x ${s.rounds} rounds): 1 → ${s.oneFps.toFixed(0)} frames/s${g(s.oneFps)} [${range(s.oneFpsAll)}], ` +
    `2 → ${s.twoFps.toFixed(0)} frames/s${g(s.twoFps)} [${range(s.twoFpsAll)}], scaling 2w/1w ${s.scaling.toFixed(2)}x${note ? ` ${note}` : ''}`;
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
