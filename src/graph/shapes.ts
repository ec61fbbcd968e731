/**
 * Static shape inference for the ops of the provisioned models. `inferShapes(graph)` returns a graph whose
 * valueInfo holds the dtype and static shape of every non-initializer tensor (graph inputs, intermediates, outputs).
 * Shapes are in the tensor's own layout (NCHW for the 4-D feature maps of these models; the TF-Lite SqueezeNet's
 * input is NHWC and is transposed to NCHW by its first node).
 */
import type { DType, Graph, GraphNode, Tensor, ValueInfo } from './types';
import { DynamicShapeError, GraphStructureError, ShapeInferenceError, UnsupportedOpError } from './errors';
import { int64Tensor } from './build';
import { SUPPORTED_OPS } from './ops';

/** Static shape of a value: every dim a positive integer (or 0 for empty tensors). */
export type Shape = readonly number[];

/** Number of elements of a static shape. */
export const numel = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** Integer attribute with default. */
export function attrInt(n: GraphNode, name: string, dflt: number): number {
  const v = n.attrs[name];
  return typeof v === 'number' ? v : dflt;
}
/** Float attribute with default. */
export function attrFloat(n: GraphNode, name: string, dflt: number): number {
  const v = n.attrs[name];
  return typeof v === 'number' ? v : dflt;
}
/** Integer-list attribute or null. */
export function attrInts(n: GraphNode, name: string): readonly number[] | null {
  const v = n.attrs[name];
  return Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number') ? (v as readonly number[]) : null;
}
/** String attribute with default. */
export function attrString(n: GraphNode, name: string, dflt: string): string {
  const v = n.attrs[name];
  return typeof v === 'string' ? v : dflt;
}

/** Values of a small integer constant (int64/int32 tensor) as numbers. */
export function intValues(t: Tensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));
}

/** Numpy-style broadcast of two static shapes. */
export function broadcast(a: Shape, b: Shape, node: GraphNode): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ShapeInferenceError(node.name, node.opType, `cannot broadcast [${a.join(', ')}] with [${b.join(', ')}]`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Spatial window geometry of Conv/MaxPool/AveragePool: pads resolved from auto_pad, output sizes. */
export interface Window {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  /** [x1_begin, x2_begin, …, x1_end, x2_end, …] as in ONNX. */
  readonly pads: readonly number[];
  readonly outSpatial: readonly number[];
}

/** Resolve the window of a Conv or pooling node over an input of spatial size `inSpatial`. */
export function windowOf(n: GraphNode, inSpatial: readonly number[], kernel: readonly number[], ceilMode = false): Window {
  const r = inSpatial.length;
  const strides = attrInts(n, 'strides') ?? new Array<number>(r).fill(1);
  const dilations = attrInts(n, 'dilations') ?? new Array<number>(r).fill(1);
  const autoPad = attrString(n, 'auto_pad', 'NOTSET');
  let pads = [...(attrInts(n, 'pads') ?? new Array<number>(2 * r).fill(0))];
  if (kernel.length !== r || strides.length !== r || dilations.length !== r || pads.length !== 2 * r) {
    throw new ShapeInferenceError(n.name, n.opType, `kernel/strides/dilations/pads ranks (${kernel.length}/${strides.length}/${dilations.length}/${pads.length}) do not match ${r} spatial dims`);
  }
  if (strides.some((s) => s < 1) || dilations.some((d) => d < 1) || kernel.some((k) => k < 1) || pads.some((p) => p < 0)) {
    throw new ShapeInferenceError(n.name, n.opType, 'kernel, strides and dilations must be ≥ 1 and pads ≥ 0');
  }
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * r).fill(0);
    for (let i = 0; i < r; i++) {
      const out = Math.ceil(inSpatial[i]! / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + dilations[i]! * (kernel[i]! - 1) + 1 - inSpatial[i]!);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + r] = total - pads[i]!;
    }
  } else if (autoPad === 'VALID') pads = new Array<number>(2 * r).fill(0);
  const outSpatial = inSpatial.map((x, i) => {
    const span = x + pads[i]! + pads[i + r]! - dilations[i]! * (kernel[i]! - 1) - 1;
    if (span < 0) throw new ShapeInferenceError(n.name, n.opType, `window ${kernel[i]} (dilation ${dilations[i]}) does not fit input size ${x} with pads ${pads[i]}+${pads[i + r]}`);
    let o = (ceilMode ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    // ONNX/PyTorch rule: in ceil mode the last window must start inside the input or the begin padding.
    if (ceilMode && (o - 1) * strides[i]! >= x + pads[i]!) o--;
    return o;
  });
  return { kernel, strides, dilations, pads, outSpatial };
}

function normAxis(axis: number, rank: number, n: GraphNode): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new ShapeInferenceError(n.name, n.opType, `axis ${axis} out of range for rank ${rank}`);
  return a;
}

/** Requires a static shape; throws DynamicShapeError naming the tensor. */
export function requireStatic(v: ValueInfo): Shape {
  v.shape.forEach((d, i) => { if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) throw new DynamicShapeError(v.name, v.shape, i); });
  return v.shape as Shape;
}

interface Known { readonly dtype: DType; readonly shape: Shape; }

/**
 * Infer static shapes of every tensor. Throws DynamicShapeError for a graph input with a symbolic dim,
 * UnsupportedOpError for an op outside SUPPORTED_OPS, ShapeInferenceError for inconsistent attributes or shapes.
 */
export function inferShapes(graph: Graph): Graph {
  const known = new Map<string, Known>();
  const consts = new Map<string, Tensor>(graph.initializers);
  for (const [name, t] of graph.initializers) known.set(name, { dtype: t.dtype, shape: t.dims });
  for (const v of graph.inputs) known.set(v.name, { dtype: v.dtype, shape: requireStatic(v) });
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of graph.inputs) valueInfo.set(v.name, { name: v.name, dtype: v.dtype, shape: [...known.get(v.name)!.shape] });

  for (const n of graph.nodes) {
    if (n.domain !== '' || !SUPPORTED_OPS.includes(n.opType)) throw new UnsupportedOpError(n.name, n.opType, n.domain, SUPPORTED_OPS);
    const ins = n.inputs.map((t) => {
      if (!t) return null;
      const k = known.get(t);
      if (!k) throw new GraphStructureError(`node '${n.name}' (${n.opType}) reads tensor '${t}' before it is produced (nodes not in topological order?)`);
      return k;
    });
    const in0 = (): Known => { const k = ins[0]; if (!k) throw new ShapeInferenceError(n.name, n.opType, 'missing input 0'); return k; };
    const constInput = (i: number): number[] | null => {
      const name = n.inputs[i];
      if (!name) return null;
      const t = consts.get(name);
      if (!t) throw new ShapeInferenceError(n.name, n.opType, `input ${i} ('${name}') must be a constant (initializer, Constant or Shape of a static tensor)`);
      return intValues(t);
    };
    const outs = inferNode(n, ins, in0, constInput, graph.opsets[''] ?? 13);
    outs.forEach((o, i) => {
      const name = n.outputs[i];
      if (!name) return;
      if (o.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new ShapeInferenceError(n.name, n.opType, `inferred invalid shape [${o.shape.join(', ')}] for '${name}'`);
      known.set(name, o);
      valueInfo.set(name, { name, dtype: o.dtype, shape: [...o.shape] });
    });
    if (n.opType === 'Constant') consts.set(n.outputs[0]!, constantValue(n));
    if (n.opType === 'Shape') {
      const s = in0().shape;
      consts.set(n.outputs[0]!, int64Tensor(n.outputs[0]!, s));
    }
  }
  const outputs = graph.outputs.map((o) => {
    const v = valueInfo.get(o.name);
    if (!v) {
      const k = known.get(o.name);
      if (!k) throw new GraphStructureError(`graph output '${o.name}' is produced by no node`);
      return { name: o.name, dtype: k.dtype, shape: [...k.shape] };
    }
    return v;
  });
  return { ...graph, outputs, valueInfo };
}

/** The tensor value of a Constant node (value, value_float(s), value_int(s)). */
export function constantValue(n: GraphNode): Tensor {
  const name = n.outputs[0] ?? n.name;
  const v = n.attrs['value'];
  if (v && typeof v === 'object' && !Array.isArray(v)) return { ...(v as Tensor), name };
  const f = n.attrs['value_float'];
  if (typeof f === 'number') return { name, dtype: 'float32', dims: [], data: Float32Array.of(f) };
  const fs = n.attrs['value_floats'];
  if (Array.isArray(fs)) return { name, dtype: 'float32', dims: [fs.length], data: Float32Array.from(fs as number[]) };
  const i = n.attrs['value_int'];
  if (typeof i === 'number') return { name, dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(i)) };
  const is = n.attrs['value_ints'];
  if (Array.isArray(is)) return { name, dtype: 'int64', dims: [is.length], data: BigInt64Array.from(is as number[], (x) => BigInt(x)) };
  throw new ShapeInferenceError(n.name, 'Constant', 'no supported value attribute (value, value_float(s), value_int(s))');
}

function inferNode(
  n: GraphNode, ins: readonly (Known | null)[], in0: () => Known,
  constInput: (i: number) => number[] | null, opset: number,
): Known[] {
  const fail = (msg: string): never => { throw new ShapeInferenceError(n.name, n.opType, msg); };
  switch (n.opType) {
    case 'Relu': case 'Clip': case 'Sigmoid': case 'LeakyRelu': case 'Identity': case 'Softmax':
      return [in0()];
    case 'Dropout': {
      const x = in0();
      return n.outputs.map((_, i) => (i === 0 ? x : { dtype: 'bool', shape: x.shape }));
    }
    case 'BatchNormalization': {
      const x = in0();
      if (x.shape.length < 2) fail(`input rank ${x.shape.length} < 2`);
      for (let i = 1; i <= 4; i++) { const p = ins[i]; if (!p || numel(p.shape) !== x.shape[1]) fail(`parameter input ${i} must have ${x.shape[1]} values`); }
      return [x];
    }
    case 'Conv': {
      const x = in0();
      const w = ins[1] ?? fail('missing weight input');
      if (x.shape.length < 3) fail(`input rank ${x.shape.length} < 3 (expects N, C, spatial…)`);
      if (w.shape.length !== x.shape.length) fail(`weight rank ${w.shape.length} ≠ input rank ${x.shape.length}`);
      const group = attrInt(n, 'group', 1);
      if (group < 1 || x.shape[1]! % group !== 0 || w.shape[0]! % group !== 0) fail(`group ${group} does not divide channels ${x.shape[1]} / ${w.shape[0]}`);
      if (w.shape[1]! * group !== x.shape[1]) fail(`weight expects ${w.shape[1]! * group} input channels (group ${group}), input has ${x.shape[1]}`);
      const b = ins[2];
      if (b && numel(b.shape) !== w.shape[0]) fail(`bias has ${numel(b.shape)} values, expected ${w.shape[0]}`);
      const kernel = attrInts(n, 'kernel_shape') ?? w.shape.slice(2);
      const win = windowOf(n, x.shape.slice(2), kernel);
      return [{ dtype: x.dtype, shape: [x.shape[0]!, w.shape[0]!, ...win.outSpatial] }];
    }
    case 'MaxPool': case 'AveragePool': {
      const x = in0();
      const kernel = attrInts(n, 'kernel_shape') ?? fail('kernel_shape is required');
      if (x.shape.length !== kernel.length + 2) fail(`input rank ${x.shape.length} does not match kernel rank ${kernel.length}`);
      const win = windowOf(n, x.shape.slice(2), kernel, attrInt(n, 'ceil_mode', 0) === 1);
      const y: Known = { dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...win.outSpatial] };
      return n.outputs.map((_, i) => (i === 0 ? y : { dtype: 'int64', shape: y.shape }));
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool': {
      const x = in0();
      if (x.shape.length < 3) fail(`input rank ${x.shape.length} < 3`);
      return [{ dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] }];
    }
    case 'Concat': {
      const xs = ins.filter((k): k is Known => k !== null);
      if (xs.length === 0) fail('no inputs');
      const r = xs[0]!.shape.length;
      const axis = normAxis(attrInt(n, 'axis', 1), r, n);
      const shape = [...xs[0]!.shape];
      shape[axis] = 0;
      for (const k of xs) {
        if (k.shape.length !== r || k.shape.some((d, i) => i !== axis && d !== xs[0]!.shape[i])) fail(`inputs [${xs.map((q) => q.shape.join('x')).join('], [')}] differ outside axis ${axis}`);
        shape[axis]! += k.shape[axis]!;
      }
      return [{ dtype: xs[0]!.dtype, shape }];
    }
    case 'Add': case 'Sub': case 'Mul': case 'Div': {
      const a = in0();
      const b = ins[1] ?? fail('missing input 1');
      return [{ dtype: a.dtype, shape: broadcast(a.shape, b.shape, n) }];
    }
    case 'Reshape': {
      const x = in0();
      const spec = constInput(1) ?? fail('missing shape input');
      const allowZero = attrInt(n, 'allowzero', 0) === 1;
      const shape = spec.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] ?? fail(`0 at axis ${i} copies a missing input dim`)) : d));
      const neg = shape.filter((d) => d === -1).length;
      if (neg > 1 || shape.some((d) => d < -1)) fail(`invalid shape [${spec.join(', ')}]`);
      const known = shape.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
      const total = numel(x.shape);
      if (neg === 1) {
        if (known === 0 || total % known !== 0) fail(`cannot reshape ${total} values to [${spec.join(', ')}]`);
        shape[shape.indexOf(-1)] = total / known;
      } else if (known !== total) fail(`cannot reshape [${x.shape.join(', ')}] (${total} values) to [${spec.join(', ')}]`);
      return [{ dtype: x.dtype, shape }];
    }
    case 'Flatten': {
      const x = in0();
      const axis = attrInt(n, 'axis', 1);
      const a = axis < 0 ? axis + x.shape.length : axis;
      if (a < 0 || a > x.shape.length) fail(`axis ${axis} out of range for rank ${x.shape.length}`);
      return [{ dtype: x.dtype, shape: [numel(x.shape.slice(0, a)), numel(x.shape.slice(a))] }];
    }
    case 'Transpose': {
      const x = in0();
      const r = x.shape.length;
      const perm = attrInts(n, 'perm') ?? [...Array(r).keys()].reverse();
      if (perm.length !== r || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) fail(`perm [${perm.join(', ')}] is not a permutation of rank ${r}`);
      return [{ dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) }];
    }
    case 'Split': {
      const x = in0();
      const axis = normAxis(attrInt(n, 'axis', 0), x.shape.length, n);
      let split = opset >= 13 ? constInput(1) : attrInts(n, 'split');
      const count = n.outputs.length;
      if (!split || split.length === 0) {
        if (x.shape[axis]! % count !== 0) fail(`axis ${axis} of size ${x.shape[axis]} does not split evenly into ${count}`);
        split = new Array<number>(count).fill(x.shape[axis]! / count);
      }
      if (split.length !== count || split.reduce((a, b) => a + b, 0) !== x.shape[axis]) fail(`split [${split.join(', ')}] does not match ${count} outputs / size ${x.shape[axis]}`);
      return split.map((s) => { const shape = [...x.shape]; shape[axis] = s; return { dtype: x.dtype, shape }; });
    }
    case 'Slice': {
      const x = in0();
      const r = x.shape.length;
      const starts = (opset >= 10 ? constInput(1) : attrInts(n, 'starts')) ?? fail('missing starts');
      const ends = (opset >= 10 ? constInput(2) : attrInts(n, 'ends')) ?? fail('missing ends');
      const axes = (opset >= 10 ? constInput(3) : attrInts(n, 'axes')) ?? starts.map((_, i) => i);
      const steps = (opset >= 10 ? constInput(4) : null) ?? starts.map(() => 1);
      const shape = [...x.shape];
      axes.forEach((ax, i) => {
        const a = normAxis(ax, r, n);
        const dim = x.shape[a]!;
        const step = steps[i]!;
        if (step === 0) fail('step 0');
        const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + dim : v, lo), hi);
        const s = step > 0 ? clamp(starts[i]!, 0, dim) : clamp(starts[i]!, -1, dim - 1);
        const e = step > 0 ? clamp(ends[i]!, 0, dim) : clamp(ends[i]!, -1, dim - 1);
        shape[a] = Math.max(0, Math.ceil((e - s) / step));
      });
      return [{ dtype: x.dtype, shape }];
    }
    case 'Gemm': {
      const a = in0();
      const b = ins[1] ?? fail('missing input B');
      if (a.shape.length !== 2 || b.shape.length !== 2) fail(`A and B must be 2-D, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
      const [m, k] = attrInt(n, 'transA', 0) ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
      const [k2, nn] = attrInt(n, 'transB', 0) ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
      if (k !== k2) fail(`inner dimensions differ: ${k} vs ${k2}`);
      return [{ dtype: a.dtype, shape: [m, nn] }];
    }
    case 'MatMul': {
      const a = in0();
      const b = ins[1] ?? fail('missing input B');
      if (a.shape.length < 1 || b.shape.length < 1) fail('scalar operands');
      const A = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
      const B = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
      if (A[A.length - 1] !== B[B.length - 2]) fail(`inner dimensions differ: [${a.shape.join(', ')}] × [${b.shape.join(', ')}]`);
      const batch = broadcast(A.slice(0, -2), B.slice(0, -2), n);
      const shape = [...batch, ...(a.shape.length === 1 ? [] : [A[A.length - 2]!]), ...(b.shape.length === 1 ? [] : [B[B.length - 1]!])];
      return [{ dtype: a.dtype, shape }];
    }
    case 'ReduceMean': {
      const x = in0();
      const r = x.shape.length;
      const axesRaw = (opset >= 18 ? constInput(1) : attrInts(n, 'axes')) ?? [...Array(r).keys()];
      const axes = new Set(axesRaw.map((a) => normAxis(a, r, n)));
      const keep = attrInt(n, 'keepdims', 1) === 1;
      const shape = x.shape.flatMap((d, i) => (axes.has(i) ? (keep ? [1] : []) : [d]));
      return [{ dtype: x.dtype, shape }];
    }
    case 'Squeeze': {
      const x = in0();
      const axesRaw = (opset >= 13 ? constInput(1) : attrInts(n, 'axes')) ?? x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      const axes = new Set(axesRaw.map((a) => normAxis(a, x.shape.length, n)));
      for (const a of axes) if (x.shape[a] !== 1) fail(`axis ${a} has size ${x.shape[a]}, not 1`);
      return [{ dtype: x.dtype, shape: x.shape.filter((_, i) => !axes.has(i)) }];
    }
    case 'Unsqueeze': {
      const x = in0();
      const axesRaw = (opset >= 13 ? constInput(1) : attrInts(n, 'axes')) ?? fail('missing axes');
      const r = x.shape.length + axesRaw.length;
      const axes = new Set(axesRaw.map((a) => normAxis(a, r, n)));
      const shape: number[] = [];
      let j = 0;
      for (let i = 0; i < r; i++) shape.push(axes.has(i) ? 1 : x.shape[j++]!);
      return [{ dtype: x.dtype, shape }];
    }
    case 'Shape':
      return [{ dtype: 'int64', shape: [in0().shape.length] }];
    case 'Constant': {
      const t = constantValue(n);
      return [{ dtype: t.dtype, shape: t.dims }];
    }
    default:
      throw new UnsupportedOpError(n.name, n.opType, n.domain, SUPPORTED_OPS);
  }
}
