/** Hand-built DHM programs for the cost-model tests (not a test file itself). */
import type { ConvLayer, DhmLayer, DhmProgram, FixedFormat, HeadCycles, MaxPoolLayer, StreamInfo } from '../../src/dhm/program';
import { layerLatencyCycles } from '../../src/dhm/program';
import type { FloatConv } from '../../src/dhm/float';
import { quantizeConv } from '../../src/dhm/compiler/weights';

export const U8: FixedFormat = { signed: false, bits: 8, intBits: 8 };
export const fx = (bits: number, intBits = 4): FixedFormat => ({ signed: true, bits, intBits });

export interface ConvSpec {
  name: string;
  input: string;
  output: string;
  inC: number;
  outC: number;
  k: number;
  stride?: number;
  pad?: number;
  groups?: number;
  weights: ArrayLike<number>;
  bias?: ArrayLike<number>;
  weightBits: number;
}

export function conv(s: ConvSpec): ConvLayer {
  const p = s.pad ?? 0;
  return {
    kind: 'conv', name: s.name, input: s.input, output: s.output, inChannels: s.inC, outChannels: s.outC,
    kernelH: s.k, kernelW: s.k, strideH: s.stride ?? 1, strideW: s.stride ?? 1, dilationH: 1, dilationW: 1,
    padTop: p, padLeft: p, padBottom: p, padRight: p, groups: s.groups ?? 1,
    padValue: new Int32Array(s.inC), weights: Int32Array.from(s.weights),
    weightFormat: fx(s.weightBits, 1), bias: Int32Array.from(s.bias ?? new Array(s.outC).fill(0)),
    shift: new Int32Array(s.outC).fill(8), rounding: 'half-up', overflow: 'saturate', activation: 'relu', weightQuant: 'pow2',
  };
}

export function maxpool(name: string, input: string, output: string, k: number, stride: number): MaxPoolLayer {
  return { kind: 'maxpool', name, input, output, kernelH: k, kernelW: k, strideH: stride, strideW: stride, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, ceilMode: false };
}

export function program(H: number, W: number, layers: DhmLayer[], streams: Record<string, Omit<StreamInfo, 'format'> & { format?: FixedFormat }>, bits = 8): DhmProgram {
  const all: Record<string, StreamInfo> = { in: { channels: 3, height: H, width: W, format: U8 } };
  for (const [k, v] of Object.entries(streams)) all[k] = { ...v, format: v.format ?? fx(bits) };
  return {
    version: 1, meta: { test: true }, input: { id: 'in', channels: 3, height: H, width: W, format: U8 },
    streams: all, layers, output: layers[layers.length - 1]!.output,
  };
}

/** Deterministic pseudo-random floats in [-1, 1) (xorshift32). */
export function randomFloats(n: number, seed: number): Float64Array {
  let x = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = (x / 2 ** 32) * 2 - 1;
  }
  return out;
}

/**
 * The compiler's default weight rule (src/dhm/compiler/weights.ts, per-layer pow2, no bias) applied to `w` as one
 * layer: the fixtures use the compiler's own code, not a copy of the rule.
 */
export function quantizePow2(w: Float64Array, bits: number): Int32Array {
  const layer: FloatConv = {
    kind: 'conv', name: 'fixture', input: 'in', output: 'out', inChannels: w.length, outChannels: 1, kernelH: 1, kernelW: 1,
    strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0, groups: 1,
    weights: w, bias: new Float64Array(1), padValue: new Float64Array(w.length), activation: 'none', folded: false,
  };
  return quantizeConv(layer, U8, fx(bits), { weightBits: bits, weightQuant: 'pow2', perChannel: false }).weights;
}

/**
 * Crude cycle counts for tests (not the compiler's formula): each layer's first output = its input's first output +
 * (K−1)·W_in + K + layerLatencyCycles; total = last layer first output + H·W of the frame.
 */
export function testCycles(p: DhmProgram): HeadCycles {
  const first = new Map<string, number>([[p.input.id, 0]]);
  const perLayer: { layer: string; firstOutput: number; total: number }[] = [];
  for (const l of p.layers) {
    const ins = l.kind === 'conv' || l.kind === 'maxpool' ? [l.input] : l.inputs;
    const start = Math.max(...ins.map((i) => first.get(i)!));
    const inS = p.streams[ins[0]!]!;
    const k = l.kind === 'conv' || l.kind === 'maxpool' ? l.kernelH : 1;
    const fo = start + (k - 1) * inS.width + k + layerLatencyCycles(l);
    first.set(l.output, fo);
    perLayer.push({ layer: l.name, firstOutput: fo, total: fo + p.input.height * p.input.width });
  }
  const last = perLayer[perLayer.length - 1]!;
  return { firstOutput: last.firstOutput, total: last.total, perLayer };
}
