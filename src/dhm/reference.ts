/**
 * The reference executor: plain TypeScript written from docs/datapath.md, independent of the Wasm emulator.
 * Clarity over speed. Integers are JS numbers (exact: |acc| < 2^53 by the accumulator bound of §3.2, and
 * left shifts / power-of-two divisions of doubles are exact).
 *
 * Cycles come from {@link referenceCycles}, a straightforward per-pixel simulation of the timing model (§9).
 */
import {
  fracBits, formatRange, layerLatencyCycles,
  type Activation, type AddLayer, type ConvLayer, type CycleCounts, type DhmProgram, type FixedFormat,
  type HeadCycles, type MaxPoolLayer, type Overflow, type Rounding, type StreamInfo, type WireLayer,
} from './program';
import { DhmProgramError, validateProgram } from './validate';

/** Shift right by `s` bits with rounding (s > 0), or exact left shift (s ≤ 0). docs/datapath.md §4. */
export function roundShift(v: number, s: number, mode: Rounding): number {
  if (s <= 0) return v * 2 ** -s;
  const d = 2 ** s;
  switch (mode) {
    case 'floor':
      return Math.floor(v / d);
    case 'half-up':
      return Math.floor((v + d / 2) / d);
    case 'half-even': {
      const q = Math.floor(v / d);
      const r = v - q * d;
      if (r > d / 2) return q + 1;
      if (r === d / 2) return q % 2 !== 0 ? q + 1 : q;
      return q;
    }
  }
}

/** Activation in output codes of format `f` (docs/datapath.md §5). */
export function activate(v: number, act: Activation, f: FixedFormat): number {
  switch (act) {
    case 'none':
      return v;
    case 'relu':
      return Math.max(0, v);
    case 'relu6':
      return Math.min(Math.max(0, v), Math.floor(6 * 2 ** fracBits(f)));
    case 'hardtanh': {
      const one = Math.floor(2 ** fracBits(f));
      return Math.min(Math.max(-one, v), one);
    }
  }
}

/** Range-limit to format `f` (docs/datapath.md §6). */
export function overflowTo(v: number, f: FixedFormat, mode: Overflow): number {
  const { min, max } = formatRange(f);
  if (mode === 'saturate') return Math.min(Math.max(v, min), max);
  const m = 2 ** f.bits;
  const r = (((v - min) % m) + m) % m; // non-negative modulo
  return r + min;
}

/** Result of one frame through the reference executor. */
export interface ReferenceResult {
  /** The head's output stream, NCHW Int32Array, codes in the output stream's format. */
  readonly output: Int32Array;
  /** Every stream by id (NCHW Int32Array), when `keepStreams` was set. */
  readonly streams?: Map<string, Int32Array>;
  /** Simulated cycle counts (per layer and of the output stream). */
  readonly cycles: HeadCycles;
}

/** A stream during execution: its shape/format and values (NCHW). */
interface Live {
  readonly info: StreamInfo;
  readonly data: Int32Array;
}

/** t(k) = max(ready(k), t(k−1)+1) over the ready times in place; returns the layer's counts. */
function fifo(ready: Float64Array): CycleCounts {
  let prev = -Infinity;
  for (let k = 0; k < ready.length; k++) {
    const t = Math.max(ready[k]!, prev + 1);
    ready[k] = t;
    prev = t;
  }
  return { firstOutput: ready[0]!, total: ready[ready.length - 1]! + 1 };
}

function runConv(l: ConvLayer, x: Live, out: StreamInfo): Int32Array {
  const H = x.info.height, W = x.info.width;
  const OH = out.height, OW = out.width;
  const cg = l.inChannels / l.groups;
  const og = l.outChannels / l.groups;
  const data = new Int32Array(l.outChannels * OH * OW);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      for (let o = 0; o < l.outChannels; o++) {
        const g = Math.floor(o / og);
        let acc = l.bias[o]!;
        for (let i = 0; i < cg; i++) {
          const c = g * cg + i;
          for (let ky = 0; ky < l.kernelH; ky++) {
            const iy = oy * l.strideH - l.padTop + ky * l.dilationH;
            for (let kx = 0; kx < l.kernelW; kx++) {
              const ix = ox * l.strideW - l.padLeft + kx * l.dilationW;
              const v = iy >= 0 && iy < H && ix >= 0 && ix < W ? x.data[(c * H + iy) * W + ix]! : l.padValue[c]!;
              acc += v * l.weights[((o * cg + i) * l.kernelH + ky) * l.kernelW + kx]!;
            }
          }
        }
        const r = roundShift(acc, l.shift[o]!, l.rounding);
        data[(o * OH + oy) * OW + ox] = overflowTo(activate(r, l.activation, out.format), out.format, l.overflow);
      }
    }
  }
  return data;
}

function runMaxPool(l: MaxPoolLayer, x: Live, out: StreamInfo): Int32Array {
  const H = x.info.height, W = x.info.width, C = x.info.channels;
  const OH = out.height, OW = out.width;
  const data = new Int32Array(C * OH * OW);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      for (let c = 0; c < C; c++) {
        let m = -Infinity;
        for (let ky = 0; ky < l.kernelH; ky++) {
          for (let kx = 0; kx < l.kernelW; kx++) {
            const iy = oy * l.strideH - l.padTop + ky;
            const ix = ox * l.strideW - l.padLeft + kx;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue; // padding is ignored
            m = Math.max(m, x.data[(c * H + iy) * W + ix]!);
          }
        }
        data[(c * OH + oy) * OW + ox] = m;
      }
    }
  }
  return data;
}

function runAdd(l: AddLayer, a: Live, b: Live, out: StreamInfo): Int32Array {
  const n = out.channels * out.height * out.width;
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = roundShift(a.data[i]!, l.shifts[0], l.rounding) + roundShift(b.data[i]!, l.shifts[1], l.rounding);
    data[i] = overflowTo(activate(s, l.activation, out.format), out.format, l.overflow);
  }
  return data;
}

function runWire(l: WireLayer, xs: readonly Live[], out: StreamInfo): Int32Array {
  const hw = out.height * out.width;
  const data = new Int32Array(out.channels * hw);
  for (let j = 0; j < out.channels; j++) {
    const k = l.sourceInput[j]!;
    const c = l.sourceChannel[j]!;
    const src = xs[k]!.data;
    for (let p = 0; p < hw; p++) {
      data[j * hw + p] = overflowTo(roundShift(src[c * hw + p]!, l.shifts[k]!, l.rounding), out.format, l.overflow);
    }
  }
  return data;
}

/**
 * Cycle counts by a straightforward per-pixel simulation of the timing model (docs/datapath.md §9): for every output
 * pixel, the max valid cycle over EVERY needed input pixel (each in-image window tap; each input stream of an
 * add/wire), plus the block latency; then the output FIFO t(k) = max(ready(k), t(k−1)+1). Validates the program.
 */
export function referenceCycles(program: DhmProgram): HeadCycles {
  validateProgram(program);
  const times = new Map<string, Float64Array>();
  const { height: H, width: W, id } = program.input;
  const tIn = new Float64Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) tIn[y * W + x] = y * W + x;
  times.set(id, tIn);
  const perLayer: ({ layer: string } & CycleCounts)[] = [];
  for (const l of program.layers) {
    const out = program.streams[l.output]!;
    const latency = layerLatencyCycles(l);
    const ready = new Float64Array(out.height * out.width);
    for (let oy = 0; oy < out.height; oy++) {
      for (let ox = 0; ox < out.width; ox++) {
        let need = -Infinity;
        if (l.kind === 'conv' || l.kind === 'maxpool') {
          const xs = program.streams[l.input]!;
          const tx = times.get(l.input)!;
          const dH = l.kind === 'conv' ? l.dilationH : 1;
          const dW = l.kind === 'conv' ? l.dilationW : 1;
          for (let ky = 0; ky < l.kernelH; ky++) {
            for (let kx = 0; kx < l.kernelW; kx++) {
              const iy = oy * l.strideH - l.padTop + ky * dH;
              const ix = ox * l.strideW - l.padLeft + kx * dW;
              if (iy >= 0 && iy < xs.height && ix >= 0 && ix < xs.width) need = Math.max(need, tx[iy * xs.width + ix]!); // padding needs no input
            }
          }
        } else {
          for (const s of l.inputs) need = Math.max(need, times.get(s)![oy * out.width + ox]!);
        }
        ready[oy * out.width + ox] = need + latency;
      }
    }
    perLayer.push({ layer: l.name, ...fifo(ready) });
    times.set(l.output, ready);
  }
  const o = times.get(program.output)!;
  return { firstOutput: o[0]!, total: o[o.length - 1]! + 1, perLayer };
}

/**
 * Run a program on one frame. `frame`: HWC RGB uint8, `input.height × input.width × 3` bytes.
 * Returns the output stream (NCHW Int32Array), optionally every stream, and the simulated cycle counts
 * ({@link referenceCycles}). Throws {@link DhmProgramError} for an invalid program or a frame of the wrong size.
 */
export function runReference(program: DhmProgram, frame: Uint8Array, opts: { readonly keepStreams?: boolean } = {}): ReferenceResult {
  const cycles = referenceCycles(program); // validates
  const { height: H, width: W, id } = program.input;
  if (!(frame instanceof Uint8Array) || frame.length !== H * W * 3) {
    throw new DhmProgramError('', 'frame', `a Uint8Array of ${H}×${W}×3 = ${H * W * 3} bytes (HWC RGB)`, frame instanceof Uint8Array ? `${frame.length} bytes` : String(frame));
  }
  const live = new Map<string, Live>();
  const inData = new Int32Array(3 * H * W); // HWC → NCHW
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) inData[(c * H + y) * W + x] = frame[(y * W + x) * 3 + c]!;
  live.set(id, { info: program.streams[id]!, data: inData });
  for (const l of program.layers) {
    const out = program.streams[l.output]!;
    let data: Int32Array;
    switch (l.kind) {
      case 'conv': data = runConv(l, live.get(l.input)!, out); break;
      case 'maxpool': data = runMaxPool(l, live.get(l.input)!, out); break;
      case 'add': data = runAdd(l, live.get(l.inputs[0])!, live.get(l.inputs[1])!, out); break;
      case 'wire': data = runWire(l, l.inputs.map((s) => live.get(s)!), out); break;
    }
    live.set(l.output, { info: out, data });
  }
  const result: ReferenceResult = { output: live.get(program.output)!.data, cycles };
  if (opts.keepStreams) return { ...result, streams: new Map([...live].map(([k, v]) => [k, v.data])) };
  return result;
}
