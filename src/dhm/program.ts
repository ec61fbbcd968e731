/**
 * The DHM program: the contract between the DHM compiler (quantizer), the TypeScript reference executor,
 * the Wasm emulator, the board protocol and the cost models. `docs/datapath.md` is the normative prose;
 * this file is its machine-readable half. Everything here is plain data (structured-clone friendly).
 *
 * Conventions
 * - A *stream* is one feature map flowing through the pipeline: `channels × height × width` integers.
 *   Streams are produced pixel by pixel in raster order (row-major, all channels of a pixel at once).
 *   Arrays of stream values handed across APIs are **NCHW** (N = 1) Int32Array unless stated otherwise.
 * - Integers are exact: a stream value `q` in format F stands for the real number `q · 2^-fracBits(F)`.
 * - Layers are listed in topological order; each reads streams produced earlier (or the program input).
 */

/**
 * A fixed-point format. Its one parseable name is `FIXED<bits,intBits>` (signed two's complement, the sign
 * bit counted in `intBits`) or `UFIXED<bits,intBits>` (unsigned). `fracBits = bits - intBits` may be negative
 * or exceed `bits`. Example: raw camera pixels are `UFIXED<8,8>` (0..255, value = pixel).
 */
export interface FixedFormat {
  readonly signed: boolean;
  /** Total width in bits, 1..32 for stream values (accumulators may be wider, up to 53). */
  readonly bits: number;
  /** Integer bits (including the sign bit when signed). */
  readonly intBits: number;
}

/** Every rounding mode (the values of {@link Rounding}). */
export const ROUNDINGS = ['floor', 'half-up', 'half-even'] as const;
/** Re-quantisation rounding when a value is shifted right by s > 0 bits (see docs/datapath.md). */
export type Rounding = (typeof ROUNDINGS)[number];
/** Every overflow mode (the values of {@link Overflow}). */
export const OVERFLOWS = ['saturate', 'wrap'] as const;
/** What happens to a value outside the target format's range. */
export type Overflow = (typeof OVERFLOWS)[number];
/** Every activation (the values of {@link Activation}). */
export const ACTIVATIONS = ['none', 'relu', 'relu6', 'hardtanh'] as const;
/** Activation applied in fixed point after re-quantisation and before the overflow stage. */
export type Activation = (typeof ACTIVATIONS)[number];
/** Every weight quantisation mode (the values of {@link WeightQuantMode}). */
export const WEIGHT_QUANT_MODES = ['pow2', 'haddoc2'] as const;
/** How weights were quantised: power-of-two scale (re-quantisation is a shift) or Haddoc2's `w·(2^(N-1)-1)`. */
export type WeightQuantMode = (typeof WEIGHT_QUANT_MODES)[number];

/**
 * Along one axis of a window op: the first output index whose window (k taps, stride, dilation, leading pad `padA`)
 * reads only padding, or -1 when every window contains an in-image tap (required: docs/datapath.md §3.1).
 */
export function paddingOnlyWindow(inSize: number, outSize: number, k: number, stride: number, dil: number, padA: number): number {
  for (let o = 0; o < outSize; o++) {
    let hit = false;
    for (let t = 0; t < k && !hit; t++) {
      const i = o * stride - padA + t * dil;
      if (i >= 0 && i < inSize) hit = true;
    }
    if (!hit) return o;
  }
  return -1;
}

/** Whether two formats are the same (signedness, bits, integer bits). */
export function sameFormat(a: FixedFormat, b: FixedFormat): boolean {
  return a.signed === b.signed && a.bits === b.bits && a.intBits === b.intBits;
}

/** Number of fractional bits of a format. */
export function fracBits(f: FixedFormat): number {
  return f.bits - f.intBits;
}

/** Smallest and largest integer code of a format. */
export function formatRange(f: FixedFormat): { readonly min: number; readonly max: number } {
  if (f.signed) return { min: -(2 ** (f.bits - 1)), max: 2 ** (f.bits - 1) - 1 };
  return { min: 0, max: 2 ** f.bits - 1 };
}

/** `FIXED<8,3>` / `UFIXED<8,8>`. */
export function formatName(f: FixedFormat): string {
  return `${f.signed ? 'FIXED' : 'UFIXED'}<${f.bits},${f.intBits}>`;
}

/** Inverse of {@link formatName}; throws a RangeError naming the bad text. */
export function parseFormat(name: string): FixedFormat {
  const m = /^(U?)FIXED<\s*(\d+)\s*,\s*(-?\d+)\s*>$/.exec(name.trim());
  if (!m) throw new RangeError(`bad fixed-point format name '${name}': expected FIXED<bits,intBits> or UFIXED<bits,intBits>`);
  const bits = Number(m[2]);
  if (bits < 1 || bits > 53) throw new RangeError(`bad fixed-point format '${name}': bits must be 1..53, got ${bits}`);
  return { signed: m[1] !== 'U', bits, intBits: Number(m[3]) };
}

/** Shape and format of one stream. */
export interface StreamInfo {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly format: FixedFormat;
}

interface LayerBase {
  /** Unique layer name (usually the ONNX node name it came from). */
  readonly name: string;
  /** Output stream id (unique in the program). */
  readonly output: string;
}

/** Shape of a convolution: channels, kernel, stride, dilation, zero/pad-value padding (pixels), groups. */
export interface ConvGeometry {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly groups: number;
}

/**
 * Convolution with constant weights (also depthwise / grouped), bias, re-quantisation and activation.
 * acc[o] = Σ_{i,ky,kx} x[g·Cin/groups + i][oy·sh - padTop + ky·dh][ox·sw - padLeft + kx·dw] · W[o][i][ky][kx] + bias[o]
 *   where out-of-image positions read `padValue[channel]` (0 except for the first layer, see datapath.md);
 * y[o] = overflow(activation(round(acc[o] >> shift[o]))) in `outFormat`.
 */
export interface ConvLayer extends LayerBase, ConvGeometry {
  readonly kind: 'conv';
  readonly input: string;
  /** Integer pad value per input channel (length inChannels), in the input stream's codes. */
  readonly padValue: Int32Array;
  /** OIHW: outChannels × (inChannels/groups) × kernelH × kernelW integer weights. */
  readonly weights: Int32Array;
  /** Format of the weight codes (per layer; per-channel pow2 scales show up in `shift`). */
  readonly weightFormat: FixedFormat;
  /** Per output channel, in accumulator units (the product scale), added as one more adder-tree leaf. */
  readonly bias: Int32Array;
  /** Per output channel right shift from accumulator to output codes (negative = left shift). */
  readonly shift: Int32Array;
  readonly rounding: Rounding;
  readonly overflow: Overflow;
  readonly activation: Activation;
  readonly weightQuant: WeightQuantMode;
  /**
   * Optional (additive in version 1): per output channel, the fractional bits of that channel's weight codes
   * (per-channel pow2 scales). Absent = every channel uses `fracBits(weightFormat)`. The datapath never reads it
   * (the scale is already in `shift`); reports and the dequantiser do.
   */
  readonly weightFracBits?: Int32Array;
}

/** Shape of a max-pool window: kernel, stride, padding (pixels), ONNX ceil mode. */
export interface PoolGeometry {
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly ceilMode: boolean;
}

/** Max pooling; padded positions are ignored (−∞). Output format = input format. */
export interface MaxPoolLayer extends LayerBase, PoolGeometry {
  readonly kind: 'maxpool';
  readonly input: string;
}

/**
 * Element-wise residual add of two streams of equal shape. Each input is first aligned to the output's
 * fractional bits: a_k = round(x_k >> shifts[k]) (negative = left shift, exact); then
 * y = overflow(activation(a_0 + a_1)) in the output format.
 */
export interface AddLayer extends LayerBase {
  readonly kind: 'add';
  readonly inputs: readonly [string, string];
  readonly shifts: readonly [number, number];
  readonly rounding: Rounding;
  readonly overflow: Overflow;
  readonly activation: Activation;
}

/**
 * Pure wiring of channels: Concat, Split/Slice of channels, channel shuffle. Output channel j is
 * channel `sourceChannel[j]` of stream `inputs[sourceInput[j]]`, aligned to the output format by
 * `shifts[sourceInput[j]]` (right shift with `rounding`, negative = left shift) then `overflow`.
 * All inputs have the output's height and width.
 */
export interface WireLayer extends LayerBase {
  readonly kind: 'wire';
  /** What the wiring came from, for reports only. */
  readonly op: 'concat' | 'split' | 'shuffle' | 'slice';
  readonly inputs: readonly string[];
  readonly sourceInput: Int32Array;
  readonly sourceChannel: Int32Array;
  readonly shifts: readonly number[];
  readonly rounding: Rounding;
  readonly overflow: Overflow;
}

/** A closed union of the hardware blocks a DHM head is built of. */
export type DhmLayer = ConvLayer | MaxPoolLayer | AddLayer | WireLayer;
export type DhmLayerKind = DhmLayer['kind'];

/** The input of every program: raw 8-bit RGB camera pixels, `UFIXED<8,8>`, 3 channels in R,G,B order. */
export interface ProgramInput {
  /** Stream id of the input (referenced by the first layers). */
  readonly id: string;
  readonly channels: 3;
  readonly height: number;
  readonly width: number;
  readonly format: FixedFormat;
}

/** A complete DHM head. */
export interface DhmProgram {
  readonly version: 1;
  /** Free-form provenance (model id, cut index, crossing ONNX tensor name, options). */
  readonly meta: Readonly<Record<string, string | number | boolean>>;
  readonly input: ProgramInput;
  /** Every stream (including the input) by id. */
  readonly streams: Readonly<Record<string, StreamInfo>>;
  readonly layers: readonly DhmLayer[];
  /** Stream id of the head's output (the feature map sent over the link). */
  readonly output: string;
}

/**
 * Timing model constants (normative; docs/datapath.md §Timing). Pipeline register stages of each block,
 * i.e. cycles between the cycle the last input a result needs is valid and the cycle the result is valid:
 * - conv: 1 (constant multipliers) + ceil(log2(fanIn + 1)) (binary adder tree, bias is one more leaf) + 1
 *   (re-quantisation, activation, overflow); fanIn = (inChannels/groups)·kernelH·kernelW.
 * - maxpool: ceil(log2(kernelH·kernelW)) (comparator tree) + 1 (output register).
 * - add: 1 (alignment shifts) + 1 (adder, activation, overflow).
 * - wire: 1 (output register; alignment shifts are wiring or a single rounding adder).
 */
export function layerLatencyCycles(layer: DhmLayer): number {
  const clog2 = (n: number): number => (n <= 1 ? 0 : Math.ceil(Math.log2(n)));
  switch (layer.kind) {
    case 'conv': {
      const fanIn = (layer.inChannels / layer.groups) * layer.kernelH * layer.kernelW;
      return 1 + clog2(fanIn + 1) + 1;
    }
    case 'maxpool':
      return clog2(layer.kernelH * layer.kernelW) + 1;
    case 'add':
      return 2;
    case 'wire':
      return 1;
  }
}

/** Cycle counts of one frame through a head (cycle 0 = the cycle input pixel (0,0) is presented). */
export interface CycleCounts {
  /** Cycle at which the first output pixel of the stream is valid. */
  readonly firstOutput: number;
  /** Last output pixel's valid cycle + 1: the frame's latency in cycles. */
  readonly total: number;
}

/** Cycle counts of a whole head: per layer (by layer name, in program order) and of the program output. */
export interface HeadCycles extends CycleCounts {
  readonly perLayer: readonly ({ readonly layer: string } & CycleCounts)[];
}

/** Output size of a conv along one axis (docs/datapath.md §3.1): floor((in + padA + padB − dil·(k−1) − 1)/stride) + 1. */
export function convOutputSize(inSize: number, kernel: number, stride: number, dilation: number, padA: number, padB: number): number {
  return Math.floor((inSize + padA + padB - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Output size of a max-pool along one axis (docs/datapath.md §7.1): floor or ceil of (in + padA + padB − k)/stride, + 1;
 * in ceil mode the last window must start inside the image or the leading padding (ONNX/PyTorch rule).
 */
export function poolOutputSize(inSize: number, kernel: number, stride: number, padA: number, padB: number, ceilMode: boolean): number {
  const n = inSize + padA + padB - kernel;
  let out = (ceilMode ? Math.ceil(n / stride) : Math.floor(n / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padA) out -= 1;
  return out;
}

/**
 * Accumulator width in bits (signed) of a conv that can never overflow (docs/datapath.md §3.2):
 * b_x' + b_w + ceil(log2(fanIn + 1)), with b_x' = input bits (+1 when the input format is unsigned).
 */
export function convAccumulatorBits(layer: ConvLayer, inputFormat: FixedFormat): number {
  const fanIn = (layer.inChannels / layer.groups) * layer.kernelH * layer.kernelW;
  const bx = inputFormat.bits + (inputFormat.signed ? 0 : 1);
  return bx + layer.weightFormat.bits + (fanIn + 1 <= 1 ? 0 : Math.ceil(Math.log2(fanIn + 1)));
}

/** Largest |bias| code of a conv (one adder-tree leaf, docs/datapath.md §3.2): 2^(b_x' + b_w − 2). */
export function convBiasBound(layer: ConvLayer, inputFormat: FixedFormat): number {
  const bx = inputFormat.bits + (inputFormat.signed ? 0 : 1);
  return 2 ** (bx + layer.weightFormat.bits - 2);
}
