/**
 * Plain, immutable graph data read from an ONNX model. This is the contract between the ONNX reader
 * (src/graph/onnx-read.ts), the graph passes and partitioner (src/graph), and the DHM compiler (src/dhm).
 * Layout of every 4-D activation tensor is NCHW unless a node says otherwise.
 */

/** Element types we handle (ONNX TensorProto.DataType names, lower-case). */
export type DType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

/** Typed storage for each DType (int64 kept as BigInt64Array; float16 as raw Uint16Array bits). */
export type TensorData = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** A constant tensor (initializer or Constant node value). `dims` are static; data is row-major. */
export interface Tensor {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** One ONNX attribute value, decoded. */
export type AttrValue = number | string | Tensor | readonly number[] | readonly string[];

/** One node. `inputs` may contain '' for an omitted optional input. */
export interface GraphNode {
  readonly name: string;
  readonly opType: string;
  /** '' for the default ai.onnx domain. */
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** A dimension: a static size, or a symbolic name for a dynamic one. */
export type Dim = number | string;

/** Name, element type and shape of a graph input, output or intermediate value. */
export interface ValueInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

/** A whole model graph; nodes are in topological order. */
export interface Graph {
  readonly name: string;
  /** Opset imports, domain ('' = ai.onnx) → version. */
  readonly opsets: Readonly<Record<string, number>>;
  readonly irVersion: number;
  /** Graph inputs that are not initializers. */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Initializers by name. */
  readonly initializers: ReadonlyMap<string, Tensor>;
  readonly nodes: readonly GraphNode[];
  /** Known shapes of intermediate tensors (filled by shape inference). */
  readonly valueInfo: ReadonlyMap<string, ValueInfo>;
}
