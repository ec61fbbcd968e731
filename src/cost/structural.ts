/**
 * Fast, calibration-free lowering of a head graph to a `DhmProgram` for the cost sweep.
 *
 * The cost models need the head's structure (layers, shapes, bit widths) and its *actual integer weights*; they do
 * not depend on where the binary point of an activation stream sits. Calibrating every head of every cut at three
 * bit widths (the DHM compiler's float evaluation over sample images) takes far longer than the sweep's 10 s budget,
 * so this builder applies the compiler's rules of docs/datapath.md directly:
 * - §8: the model's normalisation (and BGR order) is folded into the first conv's weights, bias and pad values;
 * - §10 weights: per-layer power-of-two scale, `frac` = the largest with max|W|·2^frac ≤ 2^(b−1) − 1, codes
 *   round(W·2^frac) half away from zero, saturated — exactly the compiler's default weight rule;
 * - activation formats are NOT calibrated: every stream gets `b` bits with a fixed `intBits` (ASSUMED_INT_BITS;
 *   unsigned after ReLU/ReLU6 as §10 says), so bias codes and shifts follow §3.3/§10 but for an assumed range.
 *   Bit widths, shapes and weights — what the estimators read — are exact; the program is valid
 *   (validateProgram) but not meant to be executed for accuracy.
 * Supported ops: Conv (+ fused Relu / Clip(0,6)), MaxPool, Add (+ fused Relu / Clip), Concat and Split on the
 * channel axis, the Reshape→Transpose(0,2,1,3,4)→Reshape channel shuffle; Identity/Dropout are skipped.
 */
import type { Preprocessing } from '../models/registry';
import { recipeNormalisation } from '../image/preprocess';
import {
  convBiasBound, type AddLayer, type Activation, type ConvLayer, type DhmLayer, type DhmProgram, type FixedFormat,
  type MaxPoolLayer, type StreamInfo, type WireLayer,
} from '../dhm/program';
import { attrInt, attrInts, shapeOf, splitAt, type CutPoint } from '../graph/index';
import type { Graph, GraphNode, Tensor } from '../graph/types';

/** A head op this builder cannot lower (names the node and the op). */
export class StructuralLoweringError extends Error {
  override name = 'StructuralLoweringError';
  constructor(readonly node: string, readonly op: string, why: string) {
    super(`structural lowering: node '${node}' (${op}): ${why}`);
  }
}

/** Integer bits assumed for every activation stream of `bits` bits (the sweep does not calibrate). */
export function assumedIntBits(bits: number): number {
  return Math.ceil(bits / 2);
}

/** Per-layer pow2 weight quantisation of docs/datapath.md §10: returns codes and fracBits. */
export function quantizeWeightsPow2(w: ArrayLike<number>, bits: number): { readonly codes: Int32Array; readonly frac: number } {
  const lim = 2 ** (bits - 1) - 1;
  let maxAbs = 0;
  for (let i = 0; i < w.length; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]!));
  let frac = bits - 1;
  if (maxAbs > 0) {
    frac = Math.floor(Math.log2(lim / maxAbs));
    while (maxAbs * 2 ** frac > lim) frac--;
    while (maxAbs * 2 ** (frac + 1) <= lim) frac++;
  }
  const codes = new Int32Array(w.length);
  const s = 2 ** frac;
  for (let i = 0; i < w.length; i++) {
    const v = w[i]! * s;
    const r = Math.sign(v) * Math.floor(Math.abs(v) + 0.5);
    codes[i] = Math.max(-lim - 1, Math.min(lim, r));
  }
  return { codes, frac };
}

const fracOf = (f: FixedFormat): number => f.bits - f.intBits;

function floatData(g: Graph, name: string, node: GraphNode): Float32Array {
  const t: Tensor | undefined = g.initializers.get(name);
  if (!t || !(t.data instanceof Float32Array)) throw new StructuralLoweringError(node.name, node.opType, `input '${name}' is not a float32 initializer`);
  return t.data;
}

/** Options of {@link structuralProgram}. */
export interface StructuralOptions {
  /** Activation and weight bits (the sweep's 6, 8, 10). */
  readonly bits: number;
  /** The model's preprocessing recipe (folded into the first conv). */
  readonly preprocessing: Preprocessing;
  /** Cache of lowered conv layers by `node/bits`, shared across the heads of one network to save time. */
  readonly cache?: Map<string, ConvLayer>;
}

/**
 * The structural compile function of one network's prepared graph: (cut, bits) → the structural program of the head
 * at that cut, with one conv-layer cache shared by all its (nested) heads.
 */
export function structuralCompiler(graph: Graph, preprocessing: Preprocessing): (cut: CutPoint, bits: number) => DhmProgram {
  const cache = new Map<string, ConvLayer>();
  return (cut, bits) => structuralProgram(splitAt(graph, cut.index).head, { bits, preprocessing, cache });
}

/** Lower a head graph (one input: the NCHW RGB image; one output: the crossing tensor) to a DhmProgram. */
export function structuralProgram(head: Graph, o: StructuralOptions): DhmProgram {
  const b = o.bits;
  if (!Number.isInteger(b) || b < 2 || b > 16) throw new RangeError(`structural lowering: bits must be 2..16, got ${b}`);
  if (head.inputs.length !== 1 || head.outputs.length !== 1) throw new RangeError(`structural lowering: head '${head.name}' must have one input and one output`);
  const inName = head.inputs[0]!.name;
  const inShape = shapeOf(head, inName);
  if (inShape.length !== 4 || inShape[1] !== 3) throw new RangeError(`structural lowering: head input '${inName}' shape [${inShape.join(',')}] is not NCHW RGB`);
  const H = inShape[2]!;
  const W = inShape[3]!;
  const norm = recipeNormalisation(o.preprocessing);
  if (norm.layout !== 'NCHW') throw new RangeError(`structural lowering: preprocessing '${o.preprocessing}' is ${norm.layout}; only NCHW models are supported`);
  const ib = assumedIntBits(b);
  const act = (unsigned: boolean): FixedFormat => ({ signed: !unsigned, bits: b, intBits: ib });

  const consumers = new Map<string, GraphNode[]>();
  for (const n of head.nodes) for (const t of n.inputs) if (t) {
    const a = consumers.get(t);
    if (a) a.push(n);
    else consumers.set(t, [n]);
  }
  const streams: Record<string, StreamInfo> = { [inName]: { channels: 3, height: H, width: W, format: { signed: false, bits: 8, intBits: 8 } } };
  /** tensor name → stream id holding it (aliases for skipped ops). */
  const alias = new Map<string, string>([[inName, inName]]);
  const layers: DhmLayer[] = [];
  const done = new Set<GraphNode>();
  const sid = (t: string, n: GraphNode): string => {
    const s = alias.get(t);
    if (s === undefined) throw new StructuralLoweringError(n.name, n.opType, `reads '${t}', which no supported head layer produced`);
    return s;
  };
  const declare = (t: string, n: GraphNode, format: FixedFormat): void => {
    const sh = shapeOf(head, t);
    if (sh.length !== 4) throw new StructuralLoweringError(n.name, n.opType, `output '${t}' is not 4-D NCHW`);
    streams[t] = { channels: sh[1]!, height: sh[2]!, width: sh[3]!, format };
    alias.set(t, t);
  };
  /** A Relu / Clip(0,6) that is the only consumer of `t`, fused as the activation. */
  const fusedAct = (t: string): { readonly act: Activation; readonly out: string; readonly node: GraphNode | null } => {
    const cs = consumers.get(t) ?? [];
    if (cs.length === 1) {
      const c = cs[0]!;
      if (c.opType === 'Relu') return { act: 'relu', out: c.outputs[0]!, node: c };
      if (c.opType === 'Clip') {
        const lo = c.inputs[1] ? head.initializers.get(c.inputs[1])?.data[0] : (c.attrs.min as number | undefined);
        const hi = c.inputs[2] ? head.initializers.get(c.inputs[2])?.data[0] : (c.attrs.max as number | undefined);
        if (Number(lo) === 0 && Number(hi) === 6) return { act: 'relu6', out: c.outputs[0]!, node: c };
        if (Number(lo) === 0 && hi === undefined) return { act: 'relu', out: c.outputs[0]!, node: c };
      }
    }
    return { act: 'none', out: t, node: null };
  };

  for (let ni = 0; ni < head.nodes.length; ni++) {
    const n = head.nodes[ni]!;
    if (done.has(n)) continue;
    done.add(n);
    switch (n.opType) {
      case 'Identity': case 'Dropout':
        alias.set(n.outputs[0]!, sid(n.inputs[0]!, n));
        break;
      case 'Conv': {
        const input = sid(n.inputs[0]!, n);
        const inS = streams[input]!;
        const wT = head.initializers.get(n.inputs[1]!);
        if (!wT || wT.dims.length !== 4) throw new StructuralLoweringError(n.name, n.opType, 'weights must be a 4-D OIHW initializer');
        const [O, Ig, kh, kw] = wT.dims as [number, number, number, number];
        const groups = attrInt(n, 'group', 1);
        const strides = attrInts(n, 'strides') ?? [1, 1];
        const dil = attrInts(n, 'dilations') ?? [1, 1];
        const pads = attrInts(n, 'pads') ?? [0, 0, 0, 0];
        const fa = fusedAct(n.outputs[0]!);
        if (fa.node) done.add(fa.node);
        const outFmt = act(fa.act !== 'none');
        const key = `${n.name}/${b}`;
        let layer = o.cache?.get(key);
        if (!layer) {
          let wf = Float64Array.from(floatData(head, n.inputs[1]!, n));
          const bf = n.inputs[2] ? Float64Array.from(floatData(head, n.inputs[2], n)) : new Float64Array(O);
          let padValue = new Int32Array(inS.channels);
          const first = input === inName;
          if (first) {
            if (groups !== 1 || Ig !== 3) throw new StructuralLoweringError(n.name, n.opType, 'the first layer must be a groups = 1 conv on the 3 image channels (docs/datapath.md §8)');
            // §8: W'[o][c] = W[o][π⁻¹(c)]·scale/std[c]; b'[o] = b[o] − Σ W[o][π⁻¹(c)]·mean[c]/std[c]
            const folded = new Float64Array(wf.length);
            const k2 = kh * kw;
            for (let oc = 0; oc < O; oc++) {
              for (let c = 0; c < 3; c++) {
                const mc = norm.order === 'BGR' ? 2 - c : c;
                for (let k = 0; k < k2; k++) {
                  const w = wf[(oc * 3 + mc) * k2 + k]!;
                  folded[(oc * 3 + c) * k2 + k] = (w * norm.scale) / norm.std[c]!;
                  bf[oc] = bf[oc]! - (w * norm.mean[c]!) / norm.std[c]!;
                }
              }
            }
            wf = folded;
            padValue = Int32Array.from([0, 1, 2], (c) => Math.floor(norm.mean[c]! / norm.scale + 0.5));
          }
          const q = quantizeWeightsPow2(wf, b);
          const weightFormat: FixedFormat = { signed: true, bits: b, intBits: b - q.frac };
          const base = {
            kind: 'conv' as const, name: n.name, input, output: fa.out, inChannels: inS.channels, outChannels: O,
            kernelH: kh, kernelW: kw, strideH: strides[0]!, strideW: strides[1]!, dilationH: dil[0]!, dilationW: dil[1]!,
            padTop: pads[0]!, padLeft: pads[1]!, padBottom: pads[2]!, padRight: pads[3]!, groups, padValue,
            weights: q.codes, weightFormat, rounding: 'half-up' as const, overflow: 'saturate' as const, activation: fa.act, weightQuant: 'pow2' as const,
          };
          const bound = convBiasBound({ ...base, bias: new Int32Array(O), shift: new Int32Array(O) }, inS.format);
          const accFrac = fracOf(inS.format) + q.frac;
          const bias = Int32Array.from(bf, (v) => {
            const x = v * 2 ** accFrac;
            return Math.max(-bound, Math.min(bound, Math.sign(x) * Math.floor(Math.abs(x) + 0.5)));
          });
          const shift = new Int32Array(O).fill(accFrac - fracOf(outFmt));
          layer = { ...base, bias, shift };
          o.cache?.set(key, layer);
        }
        layers.push(layer);
        declare(fa.out, n, outFmt);
        break;
      }
      case 'MaxPool': {
        const input = sid(n.inputs[0]!, n);
        const k = attrInts(n, 'kernel_shape')!;
        const s = attrInts(n, 'strides') ?? [1, 1];
        const p = attrInts(n, 'pads') ?? [0, 0, 0, 0];
        const l: MaxPoolLayer = {
          kind: 'maxpool', name: n.name, input, output: n.outputs[0]!, kernelH: k[0]!, kernelW: k[1]!, strideH: s[0]!, strideW: s[1]!,
          padTop: p[0]!, padLeft: p[1]!, padBottom: p[2]!, padRight: p[3]!, ceilMode: attrInt(n, 'ceil_mode', 0) === 1,
        };
        layers.push(l);
        declare(l.output, n, streams[input]!.format);
        break;
      }
      case 'Add': {
        const a = sid(n.inputs[0]!, n);
        const c = sid(n.inputs[1]!, n);
        const fa = fusedAct(n.outputs[0]!);
        if (fa.node) done.add(fa.node);
        const fmt = act(fa.act !== 'none');
        const l: AddLayer = {
          kind: 'add', name: n.name, inputs: [a, c], output: fa.out,
          shifts: [fracOf(streams[a]!.format) - fracOf(fmt), fracOf(streams[c]!.format) - fracOf(fmt)],
          rounding: 'half-up', overflow: 'saturate', activation: fa.act,
        };
        layers.push(l);
        declare(fa.out, n, fmt);
        break;
      }
      case 'Concat': {
        if (attrInt(n, 'axis', 1) !== 1) throw new StructuralLoweringError(n.name, n.opType, 'only channel-axis concat is supported');
        const ins = n.inputs.map((t) => sid(t, n));
        const unsigned = ins.every((s) => !streams[s]!.format.signed);
        const fmt = act(unsigned);
        const srcIn: number[] = [];
        const srcCh: number[] = [];
        ins.forEach((s, k) => { for (let c = 0; c < streams[s]!.channels; c++) { srcIn.push(k); srcCh.push(c); } });
        const l: WireLayer = {
          kind: 'wire', name: n.name, op: 'concat', inputs: ins, sourceInput: Int32Array.from(srcIn), sourceChannel: Int32Array.from(srcCh),
          shifts: ins.map((s) => fracOf(streams[s]!.format) - fracOf(fmt)), rounding: 'half-up', overflow: 'saturate', output: n.outputs[0]!,
        };
        layers.push(l);
        declare(l.output, n, fmt);
        break;
      }
      case 'Split': {
        if (attrInt(n, 'axis', 0) !== 1) throw new StructuralLoweringError(n.name, n.opType, 'only channel-axis split is supported');
        const input = sid(n.inputs[0]!, n);
        let start = 0;
        n.outputs.forEach((t, k) => {
          const ch = shapeOf(head, t)[1]!;
          const l: WireLayer = {
            kind: 'wire', name: n.outputs.length > 1 ? `${n.name}#${k}` : n.name, op: 'split', inputs: [input], sourceInput: new Int32Array(ch),
            sourceChannel: Int32Array.from({ length: ch }, (_, j) => start + j), shifts: [0], rounding: 'half-up', overflow: 'saturate', output: t,
          };
          start += ch;
          layers.push(l);
          declare(t, n, streams[input]!.format);
        });
        break;
      }
      case 'Reshape': {
        // channel shuffle: Reshape [1,G,n,H,W] → Transpose(0,2,1,3,4) → Reshape [1,C,H,W]
        const r5 = shapeOf(head, n.outputs[0]!);
        const tr = consumers.get(n.outputs[0]!) ?? [];
        const t = tr[0];
        const r2 = t ? (consumers.get(t.outputs[0]!) ?? [])[0] : undefined;
        const perm = t ? attrInts(t, 'perm') : null;
        if (r5.length !== 5 || tr.length !== 1 || t!.opType !== 'Transpose' || !perm || perm.join(',') !== '0,2,1,3,4' || !r2 || r2.opType !== 'Reshape') {
          throw new StructuralLoweringError(n.name, n.opType, 'only the Reshape→Transpose(0,2,1,3,4)→Reshape channel shuffle is supported');
        }
        const input = sid(n.inputs[0]!, n);
        const G = r5[1]!;
        const nn = r5[2]!;
        const C = G * nn;
        const srcCh = new Int32Array(C);
        for (let a = 0; a < nn; a++) for (let bb = 0; bb < G; bb++) srcCh[a * G + bb] = bb * nn + a;
        done.add(t!);
        done.add(r2);
        const l: WireLayer = {
          kind: 'wire', name: n.name, op: 'shuffle', inputs: [input], sourceInput: new Int32Array(C), sourceChannel: srcCh,
          shifts: [0], rounding: 'half-up', overflow: 'saturate', output: r2.outputs[0]!,
        };
        layers.push(l);
        declare(l.output, r2, streams[input]!.format);
        break;
      }
      default:
        throw new StructuralLoweringError(n.name, n.opType, 'op not supported in a DHM head (Conv, MaxPool, Add, Concat, Split, channel shuffle, fused Relu/Clip)');
    }
  }
  const outT = head.outputs[0]!.name;
  const output = alias.get(outT);
  if (!output) throw new RangeError(`structural lowering: head output '${outT}' was not produced by a supported layer`);
  return {
    version: 1,
    meta: { builder: 'cost/structural', bits: b, preprocessing: o.preprocessing, head: head.name, calibrated: false },
    input: { id: inName, channels: 3, height: H, width: W, format: { signed: false, bits: 8, intBits: 8 } },
    streams, layers, output,
  };
}
