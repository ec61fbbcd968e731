/**
 * Typed errors of the ONNX reader/writer, the graph passes and the partitioner. Every error names the cause
 * (file, byte offset, node, op, tensor) and what is supported, so a caller can print `err.message` as is.
 */

/** Base class of every error thrown by the ONNX reader/writer (src/graph/onnx-read.ts, onnx-write.ts) and the rest of src/graph. */
export class GraphError extends Error {
  override name = 'GraphError';
}

/** The bytes are not a decodable ONNX ModelProto. `offset` is the byte offset where decoding failed, or null when unknown. */
export class OnnxParseError extends GraphError {
  override name = 'OnnxParseError';
  constructor(readonly detail: string, readonly offset: number | null, readonly fileName?: string) {
    super(`${fileName ? fileName + ': ' : ''}not a valid ONNX model: ${detail}${offset !== null ? ` (at byte ${offset})` : ''}`);
  }
}

/** A node uses an op (or domain) outside the supported set. */
export class UnsupportedOpError extends GraphError {
  override name = 'UnsupportedOpError';
  constructor(readonly nodeName: string, readonly opType: string, readonly domain: string, readonly supported: readonly string[]) {
    super(`node '${nodeName}': op '${domain ? domain + '::' : ''}${opType}' is not supported; supported ops (domain ai.onnx): ${supported.join(', ')}`);
  }
}

/** A tensor has a dynamic (symbolic or unknown) dimension where a static shape is required. */
export class DynamicShapeError extends GraphError {
  override name = 'DynamicShapeError';
  constructor(readonly tensor: string, readonly shape: readonly (number | string)[], readonly axis: number) {
    super(`tensor '${tensor}' has dynamic dimension ${axis} ('${String(shape[axis])}') in shape [${shape.join(', ')}]; only static shapes are supported (export the model with a fixed batch size and input size)`);
  }
}

/** Shape inference failed on a node (bad attributes, rank or size mismatch). */
export class ShapeInferenceError extends GraphError {
  override name = 'ShapeInferenceError';
  constructor(readonly nodeName: string, readonly opType: string, detail: string) {
    super(`node '${nodeName}' (${opType}): ${detail}`);
  }
}

/** The graph has more (or fewer) than exactly one non-initializer input; the partitioner needs exactly one. */
export class MultipleInputsError extends GraphError {
  override name = 'MultipleInputsError';
  constructor(readonly inputs: readonly string[]) {
    super(`the graph has ${inputs.length} inputs (${inputs.map((n) => `'${n}'`).join(', ') || 'none'}); exactly one image input is supported`);
  }
}

/** A cut index outside 0..count-1. */
export class CutRangeError extends GraphError {
  override name = 'CutRangeError';
  constructor(readonly index: number, readonly count: number, graphName: string) {
    super(`cut index ${index} is out of range for '${graphName}': it has ${count} legal cuts (valid indices 0..${count - 1})`);
  }
}

/** A structural problem: a tensor without producer, a cycle, a dangling reference, unsupported tensor storage. */
export class GraphStructureError extends GraphError {
  override name = 'GraphStructureError';
}
