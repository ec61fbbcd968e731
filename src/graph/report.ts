/**
 * Per-layer report: op, input/output shapes, MACs and parameters — the numbers the cost models use.
 * MACs (multiply-accumulates, batch included): Conv = outElems·(Cin/group)·∏kernel; Gemm = M·N·K; MatMul = outElems·K;
 * BatchNormalization = outElems (one scale-and-shift each); every other op (pools, Add, Concat, activations,
 * layout ops) counts 0. Parameters: elements of the float initializers read by Conv, Gemm, MatMul, BatchNormalization
 * and elementwise Add/Sub/Mul/Div (biases); Clip bounds and shape tensors are not parameters.
 */
import type { Graph, GraphNode } from './types';
import { attrInt, numel } from './shapes';
import { shapeOf } from './query';

/** One row of the layer report (shapes in the tensors' own layout, NCHW for feature maps). */
export interface LayerReport {
  readonly name: string;
  readonly opType: string;
  readonly inputShapes: readonly (readonly number[])[];
  readonly outputShapes: readonly (readonly number[])[];
  /** Multiply-accumulate operations of one inference (batch as in the graph). */
  readonly macs: number;
  /** Number of learned values (weights + biases). */
  readonly params: number;
}

const PARAM_OPS = new Set(['Conv', 'Gemm', 'MatMul', 'BatchNormalization', 'Add', 'Sub', 'Mul', 'Div']);

/** MACs of one node of a shape-inferred graph (see the module comment for the counting rules). */
export function nodeMacs(g: Graph, n: GraphNode): number {
  switch (n.opType) {
    case 'Conv': {
      const w = shapeOf(g, n.inputs[1]!);
      return numel(shapeOf(g, n.outputs[0]!)) * numel(w.slice(1));
    }
    case 'Gemm': {
      const a = shapeOf(g, n.inputs[0]!);
      const k = attrInt(n, 'transA', 0) ? a[0]! : a[1]!;
      return numel(shapeOf(g, n.outputs[0]!)) * k;
    }
    case 'MatMul': {
      const a = shapeOf(g, n.inputs[0]!);
      return numel(shapeOf(g, n.outputs[0]!)) * a[a.length - 1]!;
    }
    case 'BatchNormalization':
      return numel(shapeOf(g, n.outputs[0]!));
    default:
      return 0;
  }
}

/** Learned parameters read by one node (float initializers of weight-bearing ops). */
export function nodeParams(g: Graph, n: GraphNode): number {
  if (!PARAM_OPS.has(n.opType)) return 0;
  let p = 0;
  for (const t of n.inputs) {
    const init = t ? g.initializers.get(t) : undefined;
    if (init && (init.dtype === 'float32' || init.dtype === 'float16')) p += numel(init.dims);
  }
  return p;
}

/** The per-layer report of a shape-inferred graph (run prepareGraph first), one row per node in topological order. */
export function layerReport(g: Graph): LayerReport[] {
  return g.nodes.map((n) => ({
    name: n.name,
    opType: n.opType,
    inputShapes: n.inputs.filter((t) => t).map((t) => shapeOf(g, t)),
    outputShapes: n.outputs.filter((t) => t).map((t) => shapeOf(g, t)),
    macs: nodeMacs(g, n),
    params: nodeParams(g, n),
  }));
}
