/**
 * Pure graph passes. `PASSES` is the one ordered list (the table of contents); `prepareGraph` applies them in
 * that order and then infers every shape. Each pass returns a new Graph and leaves its input untouched.
 */
import type { Graph, GraphNode, Tensor } from './types';
import { inferShapes, constantValue, numel } from './shapes';
import { consumerIndex, producerIndex } from './query';
import { int64Tensor } from './build';

/** One named pure pass. */
export interface GraphPass {
  readonly name: PassName;
  /** What it does, one line. */
  readonly description: string;
  readonly run: (g: Graph) => Graph;
}

/** Names of the passes, in application order. */
export type PassName = 'foldConstants' | 'dropIdentity' | 'foldBatchNorm' | 'removeUnused';

/** Drop valueInfo entries of tensors that no node, input or output mentions any more. */
function pruneValueInfo(g: Graph): Graph {
  const live = new Set<string>([...g.inputs.map((v) => v.name), ...g.outputs.map((v) => v.name)]);
  for (const n of g.nodes) for (const t of [...n.inputs, ...n.outputs]) if (t) live.add(t);
  const valueInfo = new Map([...g.valueInfo].filter(([k]) => live.has(k)));
  return { ...g, valueInfo };
}

/**
 * Fold shape constants: Constant nodes become initializers, and Shape nodes of statically shaped tensors become
 * int64 initializers (so Reshape/Slice/Split/… read constants). Graph outputs are left alone.
 */
export function foldConstants(g: Graph): Graph {
  const outputs = new Set(g.outputs.map((o) => o.name));
  const inits = new Map<string, Tensor>(g.initializers);
  let shapes: Graph | null = null;
  const nodes: GraphNode[] = [];
  for (const n of g.nodes) {
    const out = n.outputs[0] ?? '';
    if (n.opType === 'Constant' && n.domain === '' && out && !outputs.has(out)) {
      inits.set(out, { ...constantValue(n), name: out });
      continue;
    }
    if (n.opType === 'Shape' && n.domain === '' && out && !outputs.has(out) && Object.keys(n.attrs).length === 0) {
      shapes ??= inferShapes(g);
      const s = shapes.valueInfo.get(n.inputs[0]!)?.shape ?? g.initializers.get(n.inputs[0]!)?.dims;
      if (s && s.every((d) => typeof d === 'number')) {
        inits.set(out, int64Tensor(out, s as number[]));
        continue;
      }
    }
    nodes.push(n);
  }
  return pruneValueInfo({ ...g, nodes, initializers: inits });
}

/** Remove Identity and inference-mode Dropout nodes (whose mask output is unused), rewiring their consumers. */
export function dropIdentity(g: Graph): Graph {
  const outputs = new Set(g.outputs.map((o) => o.name));
  const inputs = new Set(g.inputs.map((o) => o.name));
  let nodes = [...g.nodes];
  const cons = consumerIndex(g);
  for (const n of g.nodes) {
    if (n.domain !== '' || (n.opType !== 'Identity' && n.opType !== 'Dropout')) continue;
    if (n.outputs.slice(1).some((m) => m && (cons.has(m) || outputs.has(m)))) continue; // Dropout mask in use
    const src = n.inputs[0]!;
    const dst = n.outputs[0]!;
    if (!outputs.has(dst)) {
      nodes = nodes.filter((q) => q !== n).map((q) => (q.inputs.includes(dst) ? { ...q, inputs: q.inputs.map((t) => (t === dst ? src : t)) } : q));
    } else if (!outputs.has(src) && !inputs.has(src) && !g.initializers.has(src)) {
      // dst is a graph output: rename src to dst everywhere instead.
      nodes = nodes.filter((q) => q !== n).map((q) => ({ ...q, inputs: q.inputs.map((t) => (t === src ? dst : t)), outputs: q.outputs.map((t) => (t === src ? dst : t)) }));
    }
  }
  return pruneValueInfo({ ...g, nodes });
}

/**
 * Fold a BatchNormalization that directly follows a Conv (whose output nothing else reads) into the Conv:
 * s = gamma / sqrt(var + epsilon); W'[o] = W[o]·s[o]; b'[o] = (b[o] − mean[o])·s[o] + beta[o] (float32, per output channel).
 */
export function foldBatchNorm(g: Graph): Graph {
  const outputs = new Set(g.outputs.map((o) => o.name));
  const cons = consumerIndex(g);
  const prod = producerIndex(g);
  const inits = new Map(g.initializers);
  const replace = new Map<GraphNode, GraphNode | null>();
  for (const bn of g.nodes) {
    if (bn.opType !== 'BatchNormalization' || bn.domain !== '' || bn.outputs.filter((o) => o).length !== 1) continue;
    const conv = prod.get(bn.inputs[0]!);
    if (!conv || conv.opType !== 'Conv' || conv.domain !== '' || replace.has(conv)) continue;
    const convOut = conv.outputs[0]!;
    if (outputs.has(convOut) || (cons.get(convOut) ?? []).length !== 1) continue;
    const [scale, bias, mean, variance] = bn.inputs.slice(1, 5).map((t) => inits.get(t));
    const w = inits.get(conv.inputs[1]!);
    const b0 = conv.inputs[2] ? inits.get(conv.inputs[2]) : undefined;
    if (!scale || !bias || !mean || !variance || !w || (conv.inputs[2] && !b0)) continue;
    if ([scale, bias, mean, variance, w, ...(b0 ? [b0] : [])].some((t) => t.dtype !== 'float32')) continue;
    const eps = typeof bn.attrs['epsilon'] === 'number' ? (bn.attrs['epsilon'] as number) : 1e-5;
    const oc = w.dims[0]!;
    const per = numel(w.dims) / oc;
    const W = w.data as Float32Array;
    const nw = new Float32Array(W.length);
    const nb = new Float32Array(oc);
    for (let o = 0; o < oc; o++) {
      const s = (scale.data as Float32Array)[o]! / Math.sqrt((variance.data as Float32Array)[o]! + eps);
      for (let i = 0; i < per; i++) nw[o * per + i] = W[o * per + i]! * s;
      const b = b0 ? (b0.data as Float32Array)[o]! : 0;
      nb[o] = (b - (mean.data as Float32Array)[o]!) * s + (bias.data as Float32Array)[o]!;
    }
    const wName = `${conv.name}_bnfold_W`;
    const bName = `${conv.name}_bnfold_B`;
    inits.set(wName, { name: wName, dtype: 'float32', dims: w.dims, data: nw });
    inits.set(bName, { name: bName, dtype: 'float32', dims: [oc], data: nb });
    replace.set(conv, { ...conv, inputs: [conv.inputs[0]!, wName, bName], outputs: [bn.outputs[0]!] });
    replace.set(bn, null);
  }
  if (replace.size === 0) return g;
  const nodes = g.nodes.flatMap((n) => { const r = replace.get(n); return r === undefined ? [n] : r === null ? [] : [r]; });
  return removeUnused(pruneValueInfo({ ...g, nodes, initializers: inits }));
}

/** Remove nodes whose outputs nothing reads (and are no graph output), then initializers nothing reads. */
export function removeUnused(g: Graph): Graph {
  const needed = new Set(g.outputs.map((o) => o.name));
  const keep: GraphNode[] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.outputs.some((o) => o && needed.has(o))) {
      keep.push(n);
      for (const t of n.inputs) if (t) needed.add(t);
    }
  }
  keep.reverse();
  const initializers = new Map([...g.initializers].filter(([k]) => needed.has(k)));
  return pruneValueInfo({ ...g, nodes: keep, initializers });
}

/** The passes, in the order prepareGraph applies them. */
export const PASSES: readonly GraphPass[] = [
  { name: 'foldConstants', description: 'Constant and static Shape nodes → initializers', run: foldConstants },
  { name: 'dropIdentity', description: 'remove Identity and inference Dropout, rewiring consumers', run: dropIdentity },
  { name: 'foldBatchNorm', description: 'fold BatchNormalization into the preceding Conv (weights and bias)', run: foldBatchNorm },
  { name: 'removeUnused', description: 'remove dead nodes and unused initializers', run: removeUnused },
];

/** Apply every pass of PASSES in order, then infer all shapes (throws DynamicShapeError etc. from inferShapes). */
export function prepareGraph(g: Graph): Graph {
  let out = g;
  for (const p of PASSES) out = p.run(out);
  return inferShapes(out);
}
