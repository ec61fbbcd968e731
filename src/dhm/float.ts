/**
 * Lowering of a head Graph (from the partitioner) to float DHM layers, and their float64 evaluation.
 *
 * `lowerHead(head, preprocessing)` maps ONNX ops onto the four DHM blocks (docs/datapath.md §10): Conv (+ a fused
 * Relu / Clip(0,6)), MaxPool, Add (+ fused Relu / Clip(0,6)), and wire layers for Concat, Split, Slice (channel axis)
 * and the Reshape→Transpose(0,2,1,3,4)→Reshape channel shuffle. The model's input normalisation and channel order are
 * folded into the first conv (§8): the float head consumes raw RGB pixels (0..255), and its first conv pads with the
 * exact float pixel `mean/scale`, so `evalFloatHead` reproduces the original model's head numerically.
 * Any other op raises {@link UnsupportedHeadOpError} naming the node and the op.
 *
 * Layouts: float streams are NCHW Float64Array (N = 1); frames are HWC RGB uint8.
 */
import type { Graph, GraphNode, Tensor } from '../graph/types';
import { windowOf, attrInt, attrInts } from '../graph/shapes';
import { recipeNormalisation } from '../image/preprocess';
import type { Preprocessing } from '../models/registry';
import type { Activation, ConvGeometry, PoolGeometry } from './program';

/** An ONNX node the DHM compiler cannot map onto a DHM block. */
export class UnsupportedHeadOpError extends Error {
  override name = 'UnsupportedHeadOpError';
  constructor(readonly nodeName: string, readonly opType: string, readonly reason: string) {
    super(`head node '${nodeName}' (op ${opType}) cannot be mapped to the DHM datapath: ${reason}. Supported: Conv(+Relu/Clip(0,6)), MaxPool, Add(+Relu/Clip(0,6)), Concat/Split/Slice on channels, Reshape→Transpose→Reshape channel shuffle`);
  }
}

/** Shape of a float stream (channels × height × width). */
export interface FloatStream {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** The ONNX tensor this stream carries. */
  readonly tensor: string;
}

export interface FloatConv extends ConvGeometry {
  readonly kind: 'conv';
  readonly name: string;
  readonly input: string;
  readonly output: string;
  /** OIHW float weights (first layer: folded, input channels in pixel R,G,B order). */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  /** Float value of the padded taps per input channel (0, or mean/scale for the folded first layer). */
  readonly padValue: Float64Array;
  readonly activation: Activation;
  /** True for the first layer, which has the input normalisation folded in. */
  readonly folded: boolean;
}

export interface FloatMaxPool extends PoolGeometry {
  readonly kind: 'maxpool';
  readonly name: string;
  readonly input: string;
  readonly output: string;
}

export interface FloatAdd {
  readonly kind: 'add';
  readonly name: string;
  readonly inputs: readonly [string, string];
  readonly output: string;
  readonly activation: Activation;
}

export interface FloatWire {
  readonly kind: 'wire';
  readonly name: string;
  readonly op: 'concat' | 'split' | 'shuffle' | 'slice';
  readonly inputs: readonly string[];
  readonly output: string;
  readonly sourceInput: Int32Array;
  readonly sourceChannel: Int32Array;
}

export type FloatLayer = FloatConv | FloatMaxPool | FloatAdd | FloatWire;

/** A lowered head: float layers over named streams (stream id = the ONNX tensor name it carries). */
export interface FloatHead {
  readonly inputId: string;
  readonly height: number;
  readonly width: number;
  readonly preprocessing: Preprocessing;
  readonly streams: Readonly<Record<string, FloatStream>>;
  readonly layers: readonly FloatLayer[];
  readonly output: string;
}

function shape4(g: Graph, t: string, node: GraphNode): [number, number, number, number] {
  const v = g.valueInfo.get(t) ?? g.inputs.find((i) => i.name === t) ?? g.outputs.find((o) => o.name === t);
  if (!v || v.shape.length !== 4 || v.shape.some((d) => typeof d !== 'number')) {
    throw new UnsupportedHeadOpError(node.name, node.opType, `tensor '${t}' needs a static 4-D NCHW shape, got ${v ? `[${v.shape.join(', ')}]` : 'none (run prepareGraph)'}`);
  }
  if (v.shape[0] !== 1) throw new UnsupportedHeadOpError(node.name, node.opType, `tensor '${t}' has batch ${v.shape[0]}; the DHM streams batch 1`);
  return v.shape as [number, number, number, number];
}

function floatData(t: Tensor, node: GraphNode): Float64Array {
  if (t.dtype !== 'float32') throw new UnsupportedHeadOpError(node.name, node.opType, `constant '${t.name}' is ${t.dtype}, expected float32`);
  return Float64Array.from(t.data as Float32Array);
}

function intData(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));
}

function scalarOf(g: Graph, name: string | undefined): number | null {
  if (!name) return null;
  const t = g.initializers.get(name);
  if (!t || t.data.length !== 1) return null;
  return Number((t.data as ArrayLike<number | bigint>)[0]);
}

/** The activation of a standalone Relu/Clip node, or null when it is neither Relu nor Clip(0,6) / Clip(0,∞). */
function activationOf(g: Graph, n: GraphNode): Activation | null {
  if (n.opType === 'Relu') return 'relu';
  if (n.opType !== 'Clip') return null;
  const lo = scalarOf(g, n.inputs[1]) ?? (typeof n.attrs['min'] === 'number' ? (n.attrs['min'] as number) : -Infinity);
  const hi = scalarOf(g, n.inputs[2]) ?? (typeof n.attrs['max'] === 'number' ? (n.attrs['max'] as number) : Infinity);
  if (lo === 0 && hi === 6) return 'relu6';
  if (lo === 0 && hi === Infinity) return 'relu';
  return null;
}

/** The float constants of one lowered conv (weights and bias after the §8 fold for the first conv, pad values). */
export interface FloatConvConstants {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
  readonly padValue: Float64Array;
}

/**
 * Lower a prepared head graph (splitAt(...).head) to float DHM layers. `preprocessing` is the model's recipe
 * (registry entry), whose normalisation is folded into the first conv. `constants`, when given, caches each conv's
 * float constants by node name across the nested heads of one graph (they depend only on the node and its
 * initializers); the arrays are shared and must not be written.
 */
export function lowerHead(g: Graph, preprocessing: Preprocessing, constants?: Map<string, FloatConvConstants>): FloatHead {
  if (g.inputs.length !== 1) throw new UnsupportedHeadOpError(g.name, 'graph', `the head must have exactly one input, got ${g.inputs.length}`);
  if (g.outputs.length !== 1) throw new UnsupportedHeadOpError(g.name, 'graph', `the head must have exactly one output, got ${g.outputs.length}`);
  const inputId = g.inputs[0]!.name;
  const inShape = g.inputs[0]!.shape;
  if (inShape.length !== 4 || inShape[0] !== 1 || inShape[1] !== 3 || typeof inShape[2] !== 'number' || typeof inShape[3] !== 'number') {
    throw new UnsupportedHeadOpError(inputId, 'input', `the head input must be NCHW [1, 3, H, W], got [${inShape.join(', ')}]`);
  }
  const H = inShape[2], W = inShape[3];
  const norm = recipeNormalisation(preprocessing);
  if (norm.layout !== 'NCHW') throw new UnsupportedHeadOpError(inputId, 'input', `preprocessing '${preprocessing}' is ${norm.layout}; only NCHW models can be folded`);
  const consumers = new Map<string, GraphNode[]>();
  for (const n of g.nodes) for (const t of n.inputs) if (t) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  const streams: Record<string, FloatStream> = { [inputId]: { channels: 3, height: H, width: W, tensor: inputId } };
  const layers: FloatLayer[] = [];
  const alias = new Map<string, string>(); // tensor → stream id, for skipped / fused nodes
  const fused = new Set<GraphNode>();
  const sid = (t: string): string => alias.get(t) ?? t;
  const need = (n: GraphNode, t: string): FloatStream => {
    const s = streams[sid(t)];
    if (!s) throw new UnsupportedHeadOpError(n.name, n.opType, `input '${t}' is not a feature map produced in the head (constants are only allowed as weights)`);
    return s;
  };
  const addStream = (t: string, n: GraphNode): FloatStream => {
    const [, c, h, w] = shape4(g, t, n);
    const s = { channels: c, height: h, width: w, tensor: t };
    streams[t] = s;
    return s;
  };
  /** Fuse a sole Relu/Clip consumer of `t`; returns [activation, final tensor name]. */
  const fuseAct = (t: string): [Activation, string] => {
    const cs = consumers.get(t) ?? [];
    const isOut = g.outputs.some((o) => o.name === t);
    if (cs.length === 1 && !isOut) {
      const a = activationOf(g, cs[0]!);
      if (a) {
        fused.add(cs[0]!);
        return [a, cs[0]!.outputs[0]!];
      }
    }
    return ['none', t];
  };
  let shuffle: { reshape1: GraphNode; groups: number; input: string } | null = null;
  let shuffleT: GraphNode | null = null;

  for (const n of g.nodes) {
    if (fused.has(n)) continue;
    if (n.domain !== '' && n.domain !== 'ai.onnx') throw new UnsupportedHeadOpError(n.name, n.opType, `domain '${n.domain}' is not ai.onnx`);
    switch (n.opType) {
      case 'Identity':
      case 'Dropout':
        alias.set(n.outputs[0]!, sid(n.inputs[0]!));
        break;
      case 'Conv': {
        const x = need(n, n.inputs[0]!);
        const wT = g.initializers.get(n.inputs[1] ?? '');
        if (!wT) throw new UnsupportedHeadOpError(n.name, n.opType, 'weights must be a constant initializer');
        const bT = n.inputs[2] ? g.initializers.get(n.inputs[2]) : undefined;
        if (n.inputs[2] && !bT) throw new UnsupportedHeadOpError(n.name, n.opType, 'bias must be a constant initializer');
        if (wT.dims.length !== 4) throw new UnsupportedHeadOpError(n.name, n.opType, `only 2-D convolutions are supported (weights [${wT.dims.join(', ')}])`);
        const [outC, cg, kH, kW] = wT.dims as [number, number, number, number];
        const groups = attrInt(n, 'group', 1);
        const win = windowOf(n, [x.height, x.width], [kH, kW]);
        const folded = sid(n.inputs[0]!) === inputId;
        if (folded && (groups !== 1 || cg !== 3)) throw new UnsupportedHeadOpError(n.name, n.opType, `the first conv must have groups = 1 and 3 input channels to fold the input normalisation (group ${groups}, ${cg} channels)`);
        const constKey = `${n.name}|${folded}|${x.channels}`;
        const known = constants?.get(constKey);
        let weights = known?.weights ?? floatData(wT, n);
        let bias = known?.bias ?? (bT ? floatData(bT, n) : new Float64Array(outC));
        let padValue = known?.padValue ?? new Float64Array(x.channels);
        if (folded && !known) {
          // docs/datapath.md §8: W'[o][c] = W[o][π⁻¹(c)]·scale/std[c]; b' = b − Σ W[o][π⁻¹(c)]·mean[c]/std[c]; pad = mean/scale.
          const k2 = kH * kW;
          const w2 = new Float64Array(weights.length);
          const b2 = Float64Array.from(bias);
          for (let o = 0; o < outC; o++) {
            for (let c = 0; c < 3; c++) {
              const mc = norm.order === 'BGR' ? 2 - c : c; // model channel reading pixel channel c
              for (let k = 0; k < k2; k++) {
                const w = weights[(o * 3 + mc) * k2 + k]!;
                w2[(o * 3 + c) * k2 + k] = (w * norm.scale) / norm.std[c]!;
                b2[o] = b2[o]! - (w * norm.mean[c]!) / norm.std[c]!;
              }
            }
          }
          weights = w2;
          bias = b2;
          padValue = Float64Array.from([0, 1, 2], (c) => norm.mean[c]! / norm.scale);
        }
        if (constants && !known) constants.set(constKey, { weights, bias, padValue });
        const [act, outT] = fuseAct(n.outputs[0]!);
        addStream(outT, n);
        layers.push({
          kind: 'conv', name: n.name, input: sid(n.inputs[0]!), output: outT, inChannels: x.channels, outChannels: outC,
          kernelH: kH, kernelW: kW, strideH: win.strides[0]!, strideW: win.strides[1]!, dilationH: win.dilations[0]!, dilationW: win.dilations[1]!,
          padTop: win.pads[0]!, padLeft: win.pads[1]!, padBottom: win.pads[2]!, padRight: win.pads[3]!, groups,
          weights, bias, padValue, activation: act, folded,
        });
        break;
      }
      case 'MaxPool': {
        const x = need(n, n.inputs[0]!);
        const k = attrInts(n, 'kernel_shape');
        if (!k || k.length !== 2) throw new UnsupportedHeadOpError(n.name, n.opType, 'kernel_shape must have 2 entries');
        if ((attrInts(n, 'dilations') ?? [1, 1]).some((d) => d !== 1)) throw new UnsupportedHeadOpError(n.name, n.opType, 'dilated max-pool is not supported');
        if (n.outputs.length > 1 && n.outputs[1]) throw new UnsupportedHeadOpError(n.name, n.opType, 'the Indices output is not supported');
        const ceilMode = attrInt(n, 'ceil_mode', 0) === 1;
        const win = windowOf(n, [x.height, x.width], k, ceilMode);
        if (win.pads[0]! >= k[0]! || win.pads[2]! >= k[0]! || win.pads[1]! >= k[1]! || win.pads[3]! >= k[1]!) throw new UnsupportedHeadOpError(n.name, n.opType, 'pads must be smaller than the kernel');
        addStream(n.outputs[0]!, n);
        layers.push({
          kind: 'maxpool', name: n.name, input: sid(n.inputs[0]!), output: n.outputs[0]!, kernelH: k[0]!, kernelW: k[1]!,
          strideH: win.strides[0]!, strideW: win.strides[1]!, padTop: win.pads[0]!, padLeft: win.pads[1]!, padBottom: win.pads[2]!, padRight: win.pads[3]!, ceilMode,
        });
        break;
      }
      case 'Add': {
        const a = need(n, n.inputs[0]!);
        const b = need(n, n.inputs[1]!);
        if (a.channels !== b.channels || a.height !== b.height || a.width !== b.width) throw new UnsupportedHeadOpError(n.name, n.opType, `inputs must have equal shapes (no broadcasting), got ${a.channels}×${a.height}×${a.width} and ${b.channels}×${b.height}×${b.width}`);
        const [act, outT] = fuseAct(n.outputs[0]!);
        addStream(outT, n);
        layers.push({ kind: 'add', name: n.name, inputs: [sid(n.inputs[0]!), sid(n.inputs[1]!)], output: outT, activation: act });
        break;
      }
      case 'Relu':
      case 'Clip':
        throw new UnsupportedHeadOpError(n.name, n.opType, activationOf(g, n) ? 'a standalone activation is only supported right after a Conv or an Add whose output has no other reader' : 'only Relu and Clip(0,6) are supported');
      case 'Concat': {
        const ax = attrInt(n, 'axis', 1);
        if (ax !== 1 && ax !== -3) throw new UnsupportedHeadOpError(n.name, n.opType, `only the channel axis (1) is supported, got axis ${ax}`);
        const ins = n.inputs.map((t) => need(n, t));
        const si: number[] = [], sc: number[] = [];
        ins.forEach((s, k) => { for (let c = 0; c < s.channels; c++) { si.push(k); sc.push(c); } });
        const out = addStream(n.outputs[0]!, n);
        if (ins.some((s) => s.height !== out.height || s.width !== out.width)) throw new UnsupportedHeadOpError(n.name, n.opType, 'inputs must share height and width');
        layers.push({ kind: 'wire', name: n.name, op: 'concat', inputs: n.inputs.map(sid), output: n.outputs[0]!, sourceInput: Int32Array.from(si), sourceChannel: Int32Array.from(sc) });
        break;
      }
      case 'Split': {
        const ax = attrInt(n, 'axis', 0);
        if (ax !== 1 && ax !== -3) throw new UnsupportedHeadOpError(n.name, n.opType, `only the channel axis (1) is supported, got axis ${ax}`);
        const x = need(n, n.inputs[0]!);
        let sizes = attrInts(n, 'split') as number[] | null;
        if (!sizes && n.inputs[1]) {
          const t = g.initializers.get(n.inputs[1]);
          if (!t) throw new UnsupportedHeadOpError(n.name, n.opType, 'split sizes must be constant');
          sizes = intData(t);
        }
        if (!sizes) sizes = n.outputs.map(() => x.channels / n.outputs.length);
        let start = 0;
        n.outputs.forEach((t, k) => {
          const len = sizes![k]!;
          if (!t) { start += len; return; }
          addStream(t, n);
          layers.push({ kind: 'wire', name: n.outputs.length > 1 ? `${n.name}:${k}` : n.name, op: 'split', inputs: [sid(n.inputs[0]!)], output: t, sourceInput: new Int32Array(len), sourceChannel: Int32Array.from({ length: len }, (_, j) => start + j) });
          start += len;
        });
        break;
      }
      case 'Slice': {
        const x = need(n, n.inputs[0]!);
        const get = (i: number): number[] | null => {
          const name = n.inputs[i];
          if (!name) return null;
          const t = g.initializers.get(name);
          if (!t) throw new UnsupportedHeadOpError(n.name, n.opType, `input ${i} must be constant`);
          return intData(t);
        };
        const starts = get(1) ?? (attrInts(n, 'starts') as number[]);
        const ends = get(2) ?? (attrInts(n, 'ends') as number[]);
        const axes = get(3) ?? (attrInts(n, 'axes') as number[] | null) ?? starts.map((_, i) => i);
        const steps = get(4) ?? starts.map(() => 1);
        let c0 = 0, c1 = x.channels;
        for (let i = 0; i < axes.length; i++) {
          const a = axes[i]! < 0 ? axes[i]! + 4 : axes[i]!;
          if (a !== 1) throw new UnsupportedHeadOpError(n.name, n.opType, `only slicing the channel axis is supported (axis ${axes[i]})`);
          if (steps[i] !== 1) throw new UnsupportedHeadOpError(n.name, n.opType, `only step 1 is supported (step ${steps[i]})`);
          const clampIdx = (v: number): number => Math.min(x.channels, Math.max(0, v < 0 ? v + x.channels : v));
          c0 = clampIdx(starts[i]!);
          c1 = clampIdx(ends[i]!);
        }
        if (c1 <= c0) throw new UnsupportedHeadOpError(n.name, n.opType, 'empty channel slice');
        addStream(n.outputs[0]!, n);
        layers.push({ kind: 'wire', name: n.name, op: 'slice', inputs: [sid(n.inputs[0]!)], output: n.outputs[0]!, sourceInput: new Int32Array(c1 - c0), sourceChannel: Int32Array.from({ length: c1 - c0 }, (_, j) => c0 + j) });
        break;
      }
      case 'Reshape': {
        const outShape = g.valueInfo.get(n.outputs[0]!)?.shape;
        if (!shuffle && outShape && outShape.length === 5 && streams[sid(n.inputs[0]!)]) {
          const x = need(n, n.inputs[0]!);
          const [b, G, cpg, h, w] = outShape as number[];
          const cs = consumers.get(n.outputs[0]!) ?? [];
          if (b === 1 && G! * cpg! === x.channels && h === x.height && w === x.width && cs.length === 1 && cs[0]!.opType === 'Transpose') {
            shuffle = { reshape1: n, groups: G!, input: sid(n.inputs[0]!) };
            break;
          }
        }
        if (shuffle && shuffleT && n.inputs[0] === shuffleT.outputs[0]) {
          const x = streams[shuffle.input]!;
          const out = addStream(n.outputs[0]!, n);
          if (out.channels !== x.channels || out.height !== x.height || out.width !== x.width) throw new UnsupportedHeadOpError(n.name, n.opType, 'channel shuffle must restore the input shape');
          const G = shuffle.groups, per = x.channels / G;
          // Output channel j = a·G + b takes input channel b·per + a (docs/datapath.md §7.3).
          layers.push({
            kind: 'wire', name: n.name, op: 'shuffle', inputs: [shuffle.input], output: n.outputs[0]!,
            sourceInput: new Int32Array(x.channels), sourceChannel: Int32Array.from({ length: x.channels }, (_, j) => (j % G) * per + Math.floor(j / G)),
          });
          shuffle = null;
          shuffleT = null;
          break;
        }
        throw new UnsupportedHeadOpError(n.name, n.opType, 'a Reshape is only supported as part of a Reshape→Transpose(0,2,1,3,4)→Reshape channel shuffle');
      }
      case 'Transpose': {
        const perm = attrInts(n, 'perm');
        if (shuffle && n.inputs[0] === shuffle.reshape1.outputs[0] && perm && perm.join(',') === '0,2,1,3,4') {
          const cs = consumers.get(n.outputs[0]!) ?? [];
          if (cs.length === 1 && cs[0]!.opType === 'Reshape') {
            shuffleT = n;
            break;
          }
        }
        throw new UnsupportedHeadOpError(n.name, n.opType, 'a Transpose is only supported inside a Reshape→Transpose(0,2,1,3,4)→Reshape channel shuffle');
      }
      default:
        throw new UnsupportedHeadOpError(n.name, n.opType, 'op not supported by the DHM compiler');
    }
  }
  const output = sid(g.outputs[0]!.name);
  if (!streams[output]) throw new UnsupportedHeadOpError(g.outputs[0]!.name, 'output', 'the head output is not produced by a DHM layer');
  if (layers.length === 0) throw new UnsupportedHeadOpError(g.name, 'graph', 'the head has no layers');
  if (layers[0]!.kind !== 'conv' || !(layers[0] as FloatConv).folded) throw new UnsupportedHeadOpError(layers[0]!.name, layers[0]!.kind, 'the first layer must be a Conv on the model input (to fold the normalisation)');
  for (const l of layers) {
    const ins = l.kind === 'conv' || l.kind === 'maxpool' ? [l.input] : l.inputs;
    if (l !== layers[0] && ins.includes(inputId)) throw new UnsupportedHeadOpError(l.name, l.kind, 'only the first conv may read the model input');
  }
  return { inputId, height: H, width: W, preprocessing, streams, layers, output };
}

/** Float activation. */
function act(v: number, a: Activation): number {
  switch (a) {
    case 'none': return v;
    case 'relu': return v > 0 ? v : 0;
    case 'relu6': return v < 0 ? 0 : v > 6 ? 6 : v;
    case 'hardtanh': return v < -1 ? -1 : v > 1 ? 1 : v;
  }
}

/**
 * Evaluate a lowered head in float64 on one frame (HWC RGB uint8). Returns every stream (NCHW Float64Array) by id;
 * the head output is `streams.get(head.output)`.
 */
export function evalFloatHead(head: FloatHead, frame: Uint8Array): Map<string, Float64Array> {
  const H = head.height, W = head.width;
  if (frame.length !== H * W * 3) throw new RangeError(`frame has ${frame.length} bytes, expected ${H}×${W}×3 = ${H * W * 3} (HWC RGB)`);
  const vals = new Map<string, Float64Array>();
  const x0 = new Float64Array(3 * H * W);
  for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) x0[c * H * W + p] = frame[p * 3 + c]!;
  vals.set(head.inputId, x0);
  for (const l of head.layers) {
    const out = head.streams[l.output]!;
    const OH = out.height, OW = out.width;
    const y = new Float64Array(out.channels * OH * OW);
    if (l.kind === 'conv') {
      // Row-wise accumulation (tap-major loops; the valid output columns of each tap are computed once).
      const xs = head.streams[l.input]!;
      const x = vals.get(l.input)!;
      const IH = xs.height, IW = xs.width;
      const cg = l.inChannels / l.groups, og = l.outChannels / l.groups;
      const kk = l.kernelH * l.kernelW;
      const loX = new Int32Array(l.kernelW), hiX = new Int32Array(l.kernelW);
      for (let kx = 0; kx < l.kernelW; kx++) {
        const off = kx * l.dilationW - l.padLeft; // ix = ox·sw + off
        loX[kx] = Math.max(0, Math.ceil(-off / l.strideW));
        hiX[kx] = Math.min(OW - 1, Math.floor((IW - 1 - off) / l.strideW));
      }
      for (let o = 0; o < l.outChannels; o++) {
        const g = Math.floor(o / og);
        const base = o * OH * OW;
        y.fill(l.bias[o]!, base, base + OH * OW);
        for (let i = 0; i < cg; i++) {
          const c = g * cg + i;
          const pv = l.padValue[c]!;
          const xBase = c * IH * IW;
          const wBase = (o * cg + i) * kk;
          for (let ky = 0; ky < l.kernelH; ky++) {
            for (let oy = 0; oy < OH; oy++) {
              const iy = oy * l.strideH - l.padTop + ky * l.dilationH;
              const rowIn = iy >= 0 && iy < IH;
              const yRow = base + oy * OW;
              for (let kx = 0; kx < l.kernelW; kx++) {
                const w = l.weights[wBase + ky * l.kernelW + kx]!;
                if (w === 0) continue;
                const pw = pv * w;
                if (!rowIn) { // the whole output row reads padding for this tap
                  if (pv !== 0) for (let ox = 0; ox < OW; ox++) y[yRow + ox] += pw;
                  continue;
                }
                const lo = loX[kx]!, hi = hiX[kx]!; // in-image output columns [lo, hi] (may be empty)
                if (pv !== 0) {
                  const a = Math.min(lo, OW);
                  for (let ox = 0; ox < a; ox++) y[yRow + ox] += pw;
                  for (let ox = Math.max(hi + 1, a); ox < OW; ox++) y[yRow + ox] += pw;
                }
                const off = xBase + iy * IW + kx * l.dilationW - l.padLeft;
                for (let ox = lo; ox <= hi; ox++) y[yRow + ox] += x[off + ox * l.strideW]! * w;
              }
            }
          }
        }
        if (l.activation !== 'none') for (let k = base; k < base + OH * OW; k++) y[k] = act(y[k]!, l.activation);
      }
    } else if (l.kind === 'maxpool') {
      const xs = head.streams[l.input]!;
      const x = vals.get(l.input)!;
      const IH = xs.height, IW = xs.width;
      for (let c = 0; c < out.channels; c++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            let m = -Infinity;
            for (let ky = 0; ky < l.kernelH; ky++) {
              const iy = oy * l.strideH - l.padTop + ky;
              if (iy < 0 || iy >= IH) continue;
              for (let kx = 0; kx < l.kernelW; kx++) {
                const ix = ox * l.strideW - l.padLeft + kx;
                if (ix < 0 || ix >= IW) continue;
                m = Math.max(m, x[(c * IH + iy) * IW + ix]!);
              }
            }
            y[(c * OH + oy) * OW + ox] = m;
          }
        }
      }
    } else if (l.kind === 'add') {
      const a = vals.get(l.inputs[0])!, b = vals.get(l.inputs[1])!;
      for (let i = 0; i < y.length; i++) y[i] = act(a[i]! + b[i]!, l.activation);
    } else {
      const hw = OH * OW;
      const ins = l.inputs.map((s) => vals.get(s)!);
      for (let j = 0; j < out.channels; j++) {
        const src = ins[l.sourceInput[j]!]!;
        y.set(src.subarray(l.sourceChannel[j]! * hw, (l.sourceChannel[j]! + 1) * hw), j * hw);
      }
    }
    vals.set(l.output, y);
  }
  return vals;
}
