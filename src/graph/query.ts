/** Small read-only queries over a Graph (linear scans; graphs here have a few hundred nodes). */
import type { Graph, GraphNode, Tensor, ValueInfo } from './types';
import { GraphStructureError } from './errors';

/** The node that produces `tensor`, or null for graph inputs, initializers and unknown names. */
export function producer(g: Graph, tensor: string): GraphNode | null {
  return g.nodes.find((n) => n.outputs.includes(tensor)) ?? null;
}

/** The nodes that read `tensor`, in topological order. */
export function consumers(g: Graph, tensor: string): GraphNode[] {
  return g.nodes.filter((n) => n.inputs.includes(tensor));
}

/** The initializer named `name`, or null. */
export function initializer(g: Graph, name: string): Tensor | null {
  return g.initializers.get(name) ?? null;
}

/** The node named `name`; throws GraphStructureError if absent. */
export function nodeByName(g: Graph, name: string): GraphNode {
  const n = g.nodes.find((q) => q.name === name);
  if (!n) throw new GraphStructureError(`no node named '${name}' in '${g.name}'`);
  return n;
}

/** Shape info of a tensor (valueInfo, or the dims of an initializer), or null if unknown. */
export function valueInfoOf(g: Graph, tensor: string): ValueInfo | null {
  const v = g.valueInfo.get(tensor);
  if (v) return v;
  const t = g.initializers.get(tensor);
  return t ? { name: t.name, dtype: t.dtype, shape: t.dims } : null;
}

/** Static shape of a tensor; throws GraphStructureError if it is unknown or not static (run prepareGraph first). */
export function shapeOf(g: Graph, tensor: string): readonly number[] {
  const v = valueInfoOf(g, tensor);
  if (!v || v.shape.some((d) => typeof d !== 'number')) throw new GraphStructureError(`no static shape known for tensor '${tensor}' (run prepareGraph / inferShapes first)`);
  return v.shape as readonly number[];
}

/** Map tensor name → consuming nodes, for repeated lookups. */
export function consumerIndex(g: Graph): Map<string, GraphNode[]> {
  const m = new Map<string, GraphNode[]>();
  for (const n of g.nodes) for (const t of n.inputs) if (t) { const l = m.get(t); if (l) l.push(n); else m.set(t, [n]); }
  return m;
}

/** Map tensor name → producing node, for repeated lookups. */
export function producerIndex(g: Graph): Map<string, GraphNode> {
  const m = new Map<string, GraphNode>();
  for (const n of g.nodes) for (const t of n.outputs) if (t) m.set(t, n);
  return m;
}
