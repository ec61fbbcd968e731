/**
 * Graph core and partitioner — API summary (everything environment-neutral; bytes in, bytes out):
 *
 *   readOnnx(bytes, fileName?)  → Graph         ONNX bytes → immutable Graph (onnx-read.ts, on src/onnx's protobuf messages); typed errors
 *   writeOnnx(graph)            → Uint8Array    Graph → ONNX bytes onnxruntime-web loads (onnx-write.ts)
 *   prepareGraph(graph)         → Graph         PASSES in order (foldConstants, dropIdentity, foldBatchNorm,
 *                                               removeUnused) + inferShapes: every tensor gets a static valueInfo
 *   loadGraph(bytes, fileName?) → Graph         readOnnx + prepareGraph
 *   listCuts(graph)             → CutPoint[]    legal cuts (computed once per graph, frozen) in topological order; index 0 = earliest (head ≥ 1 Conv)
 *   splitAt(graph, cutIndex)    → {head, tail, cut}   head: crossing tensor is its only output; tail: only input
 *   splitToOnnx(graph, cutIndex) → {head, tail, cut}  same, as ONNX bytes
 *   layerReport(graph)          → LayerReport[] per node: op, input/output shapes, MACs, params
 *   build: makeGraph, makeNode, makeValueInfo, floatTensor, int64Tensor, seededRandom (hand-made graphs)
 *   query: producer, consumers, initializer, valueInfoOf, shapeOf, nodeByName
 *   errors: OnnxParseError (byte offset), UnsupportedOpError, DynamicShapeError, ShapeInferenceError,
 *           MultipleInputsError, CutRangeError, GraphStructureError — all extend GraphError.
 *
 * All graphs passed to listCuts/splitAt/layerReport must be prepared (prepareGraph or loadGraph).
 * Feature maps are NCHW float32; `bytes` of a cut counts 8 bits per value.
 */
import type { Graph } from './types';
import { readOnnx } from './onnx-read';
import { prepareGraph } from './passes';

export type * from './types';
export * from './errors';
export { readOnnx, decodeTensor, topoSort, DTYPE_CODES } from './onnx-read';
export { writeOnnx, encodeTensor } from './onnx-write';
export { SUPPORTED_OPS } from './ops';
export { inferShapes, numel, windowOf, attrInt, attrInts, attrFloat, attrString, type Shape, type Window } from './shapes';
export { PASSES, prepareGraph, foldConstants, dropIdentity, foldBatchNorm, removeUnused, type GraphPass, type PassName } from './passes';
export { producer, consumers, initializer, valueInfoOf, shapeOf, nodeByName, consumerIndex, producerIndex } from './query';
export { listCuts, ancestorsOf, crossingTensors, type CutPoint } from './cuts';
export { splitAt, splitToOnnx, type SplitResult } from './split';
export { layerReport, nodeMacs, nodeParams, type LayerReport } from './report';
export { makeGraph, makeNode, makeValueInfo, floatTensor, int64Tensor, seededRandom } from './build';

/** readOnnx + prepareGraph: ONNX bytes → a graph ready for listCuts / splitAt / layerReport. */
export function loadGraph(bytes: Uint8Array, fileName?: string): Graph {
  return prepareGraph(readOnnx(bytes, fileName));
}
