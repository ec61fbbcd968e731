/**
 * Legal cut points of a prepared graph (after prepareGraph), in topological order.
 *
 * A cut is named by its crossing tensor t: the head is every node t depends on, the tail is every other node.
 * It is legal when
 *  1. exactly one tensor crosses from head to tail: the tail (and the graph outputs) read no head tensor and no
 *     graph input other than t, and t itself is no graph output;
 *  2. the head holds at least one Conv (the DHM head is a CNN prefix);
 *  3. t is a 4-D NCHW feature map with H > 1 and W > 1 (so not after GlobalAveragePool/ReduceMean/Flatten/Gemm);
 *  4. t is a layer output: no reader of t is an activation or layout op that belongs to t's layer
 *     (Relu, Clip, LeakyRelu, Sigmoid, BatchNormalization, Reshape, Transpose, Flatten, Squeeze, Unsqueeze, …);
 *  5. t is a block boundary: the head is just the stem (exactly one Conv, with its activation/pool-free tail), or
 *     t comes out of a merge (Concat, Add), a pooling op (MaxPool, AveragePool), a layout op ending a channel
 *     shuffle (Reshape/Transpose, 4-D), or a linear Conv (a bottleneck projection, no activation after it).
 * So MobileNetV2 cuts fall between inverted-residual blocks, ShuffleNetV2 cuts between units (the
 * Reshape/Transpose/Reshape channel shuffle stays inside its unit), SqueezeNet cuts between fire modules and around
 * the stem (after conv1+relu, after maxpool), and the TF-Lite SqueezeNet's input Transpose stays in the head.
 *
 * Index semantics: cut index 0 is the earliest legal cut (its head holds at least one layer, a Conv); indices rise
 * with the position of t's producer in topological order, up to count − 1.
 */
import type { Graph, GraphNode } from './types';
import { MultipleInputsError } from './errors';
import { numel } from './shapes';
import { shapeOf, consumerIndex } from './query';
import { nodeMacs, nodeParams } from './report';

/** One legal cut point. */
export interface CutPoint {
  /** 0-based index among the legal cuts (0 = earliest). */
  readonly index: number;
  /** Name of the one tensor that crosses from head to tail. */
  readonly tensor: string;
  /** Its static shape, NCHW. */
  readonly shape: readonly number[];
  /** Its size in bytes at 8 bits per value (= number of values). */
  readonly bytes: number;
  /** Names of the head's nodes in topological order (activations and layout ops included). */
  readonly headLayers: readonly string[];
  /** MACs of the head / of the tail (see report.ts for the counting rules). */
  readonly headMacs: number;
  readonly tailMacs: number;
  /** Learned parameters of the head / of the tail. */
  readonly headParams: number;
  readonly tailParams: number;
}

/** Ops that continue the layer of the tensor they read: a cut right before them would split a layer. */
const LAYER_CONTINUATION_OPS = new Set([
  'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'BatchNormalization', 'Reshape', 'Transpose', 'Flatten', 'Squeeze',
  'Unsqueeze', 'Identity', 'Dropout', 'Softmax',
]);
const BOUNDARY_OPS = new Set(['Concat', 'Add', 'MaxPool', 'AveragePool', 'Reshape', 'Transpose']);

/** Head node indices (ancestors of `tensor`) as a sorted array of positions in g.nodes. */
export function ancestorsOf(g: Graph, tensor: string): number[] {
  const pos = new Map<string, number>();
  g.nodes.forEach((n, i) => n.outputs.forEach((o) => { if (o) pos.set(o, i); }));
  const seen = new Set<number>();
  const stack = [tensor];
  while (stack.length) {
    const p = pos.get(stack.pop()!);
    if (p === undefined || seen.has(p)) continue;
    seen.add(p);
    for (const t of g.nodes[p]!.inputs) if (t) stack.push(t);
  }
  return [...seen].sort((a, b) => a - b);
}

/** Tensors that cross from the head (node positions `head`) to the rest of the graph, graph inputs included. */
export function crossingTensors(g: Graph, head: ReadonlySet<number>): Set<string> {
  const headOut = new Set<string>(g.inputs.map((v) => v.name));
  g.nodes.forEach((n, i) => { if (head.has(i)) n.outputs.forEach((o) => o && headOut.add(o)); });
  const crossing = new Set<string>();
  g.nodes.forEach((n, i) => { if (!head.has(i)) for (const t of n.inputs) if (t && headOut.has(t)) crossing.add(t); });
  for (const o of g.outputs) if (headOut.has(o.name)) crossing.add(o.name);
  return crossing;
}

const cutsOf = new WeakMap<Graph, readonly CutPoint[]>();

/**
 * Every legal cut of a prepared graph (see the module comment for the rules and the index semantics), computed once
 * per graph (graphs are immutable) and returned frozen. Throws MultipleInputsError unless the graph has exactly one input.
 */
export function listCuts(g: Graph): readonly CutPoint[] {
  let cuts = cutsOf.get(g);
  if (!cuts) {
    cuts = Object.freeze(computeCuts(g));
    cutsOf.set(g, cuts);
  }
  return cuts;
}

function computeCuts(g: Graph): CutPoint[] {
  if (g.inputs.length !== 1) throw new MultipleInputsError(g.inputs.map((v) => v.name));
  const cons = consumerIndex(g);
  const macs = g.nodes.map((n) => nodeMacs(g, n));
  const params = g.nodes.map((n) => nodeParams(g, n));
  const totalMacs = macs.reduce((a, b) => a + b, 0);
  const totalParams = params.reduce((a, b) => a + b, 0);
  const cuts: CutPoint[] = [];
  g.nodes.forEach((n: GraphNode) => {
    for (const t of n.outputs) {
      if (!t || !isCandidate(g, n, t, cons)) continue;
      const head = ancestorsOf(g, t);
      const convs = head.filter((i) => g.nodes[i]!.opType === 'Conv').length;
      if (convs === 0) continue;
      const crossing = crossingTensors(g, new Set(head));
      if (crossing.size !== 1 || !crossing.has(t)) continue;
      if (!(BOUNDARY_OPS.has(n.opType) || n.opType === 'Conv' || convs === 1)) continue;
      const shape = shapeOf(g, t);
      const headMacs = head.reduce((a, i) => a + macs[i]!, 0);
      const headParams = head.reduce((a, i) => a + params[i]!, 0);
      cuts.push({
        index: cuts.length, tensor: t, shape, bytes: numel(shape), headLayers: head.map((i) => g.nodes[i]!.name),
        headMacs, tailMacs: totalMacs - headMacs, headParams, tailParams: totalParams - headParams,
      });
    }
  });
  return cuts;
}

function isCandidate(g: Graph, n: GraphNode, t: string, cons: Map<string, GraphNode[]>): boolean {
  if (g.outputs.some((o) => o.name === t)) return false;
  const v = g.valueInfo.get(t);
  if (!v || v.dtype !== 'float32' || v.shape.length !== 4 || v.shape.some((d) => typeof d !== 'number')) return false;
  if ((v.shape[2] as number) <= 1 || (v.shape[3] as number) <= 1) return false;
  if (n.opType === 'GlobalAveragePool' || n.opType === 'GlobalMaxPool' || n.opType === 'ReduceMean') return false;
  const readers = cons.get(t) ?? [];
  if (readers.length === 0) return false;
  return !readers.some((r) => LAYER_CONTINUATION_OPS.has(r.opType));
}
