/**
 * Split a prepared graph at a legal cut into a head Graph (input: the model input; only output: the crossing
 * tensor) and a tail Graph (only input: the crossing tensor; outputs: the model outputs). Both keep topological
 * node order, their own initializers and the valueInfo (static shapes) of every tensor they touch; each
 * serialises with writeOnnx to a model onnxruntime-web loads.
 */
import type { Graph, GraphNode, Tensor, ValueInfo } from './types';
import { CutRangeError, GraphStructureError } from './errors';
import { listCuts, ancestorsOf, type CutPoint } from './cuts';
import { writeOnnx } from './onnx-write';

/** The two halves of a model cut at one legal cut point. */
export interface SplitResult {
  /** Nodes up to the crossing tensor (the DHM head); its only output is `cut.tensor`. */
  readonly head: Graph;
  /** The rest; its only input is `cut.tensor` (NCHW float32). */
  readonly tail: Graph;
  readonly cut: CutPoint;
}

function subgraph(g: Graph, name: string, nodes: readonly GraphNode[], inputs: readonly ValueInfo[], outputs: readonly ValueInfo[]): Graph {
  const used = new Set<string>([...inputs.map((v) => v.name), ...outputs.map((v) => v.name)]);
  for (const n of nodes) for (const t of [...n.inputs, ...n.outputs]) if (t) used.add(t);
  const initializers = new Map<string, Tensor>([...g.initializers].filter(([k]) => used.has(k)));
  const valueInfo = new Map<string, ValueInfo>([...g.valueInfo].filter(([k]) => used.has(k) && !initializers.has(k)));
  for (const v of [...inputs, ...outputs]) valueInfo.set(v.name, v);
  return { name, opsets: g.opsets, irVersion: g.irVersion, inputs, outputs, initializers, nodes, valueInfo };
}

/**
 * Split a prepared graph (prepareGraph) at legal cut `cutIndex` (0 = earliest, see listCuts).
 * Throws CutRangeError for an index outside 0..count-1, MultipleInputsError for several graph inputs.
 */
export function splitAt(g: Graph, cutIndex: number): SplitResult {
  const cuts = listCuts(g); // cached per graph
  if (!Number.isInteger(cutIndex) || cutIndex < 0 || cutIndex >= cuts.length) throw new CutRangeError(cutIndex, cuts.length, g.name);
  const cut = cuts[cutIndex]!;
  const headIdx = new Set(ancestorsOf(g, cut.tensor));
  const crossing = g.valueInfo.get(cut.tensor);
  if (!crossing) throw new GraphStructureError(`no shape for crossing tensor '${cut.tensor}' (run prepareGraph first)`);
  const head = subgraph(g, `${g.name}_head_cut${cutIndex}`, g.nodes.filter((_, i) => headIdx.has(i)), g.inputs, [crossing]);
  const tail = subgraph(g, `${g.name}_tail_cut${cutIndex}`, g.nodes.filter((_, i) => !headIdx.has(i)), [crossing], g.outputs);
  return { head, tail, cut };
}

/** splitAt, serialised: head.onnx and tail.onnx bytes. */
export function splitToOnnx(g: Graph, cutIndex: number): { readonly head: Uint8Array; readonly tail: Uint8Array; readonly cut: CutPoint } {
  const s = splitAt(g, cutIndex);
  return { head: writeOnnx(s.head), tail: writeOnnx(s.tail), cut: s.cut };
}
