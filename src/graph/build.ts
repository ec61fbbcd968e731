/**
 * Tiny builders for hand-made graphs (tests, fixtures, experiments). They produce the same plain data as readOnnx,
 * so `writeOnnx(makeGraph(...))` gives a model onnxruntime-web runs.
 */
import type { AttrValue, DType, Graph, GraphNode, Tensor, ValueInfo } from './types';

/** A float32 tensor of `dims` filled by `fill(i)` (row-major index). */
export function floatTensor(name: string, dims: readonly number[], fill: (i: number) => number): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dtype: 'float32', dims: [...dims], data: Float32Array.from({ length: n }, (_, i) => fill(i)) };
}

/** An int64 tensor (shape constants, axes). */
export function int64Tensor(name: string, values: readonly number[], dims: readonly number[] = [values.length]): Tensor {
  return { name, dtype: 'int64', dims: [...dims], data: BigInt64Array.from(values, (v) => BigInt(v)) };
}

/** A node in the default domain. */
export function makeNode(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, AttrValue> = {}, name?: string): GraphNode {
  return { name: name ?? `${opType}_${outputs[0] ?? ''}`, opType, domain: '', inputs: [...inputs], outputs: [...outputs], attrs };
}

/** A value info. */
export function makeValueInfo(name: string, shape: readonly (number | string)[], dtype: DType = 'float32'): ValueInfo {
  return { name, dtype, shape: [...shape] };
}

/** A graph (ai.onnx opset 13, IR 7 unless given); nodes must already be in topological order. */
export function makeGraph(parts: {
  name?: string; inputs: readonly ValueInfo[]; outputs: readonly ValueInfo[]; nodes: readonly GraphNode[];
  initializers?: readonly Tensor[]; opset?: number; irVersion?: number;
}): Graph {
  return {
    name: parts.name ?? 'graph', opsets: { '': parts.opset ?? 13 }, irVersion: parts.irVersion ?? 7,
    inputs: parts.inputs, outputs: parts.outputs, nodes: parts.nodes,
    initializers: new Map((parts.initializers ?? []).map((t) => [t.name, t])),
    valueInfo: new Map([...parts.inputs, ...parts.outputs].map((v) => [v.name, v])),
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), for reproducible fixtures and fuzzing. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
