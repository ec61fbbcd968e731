/**
 * ONNX bytes → plain immutable Graph (src/graph/types.ts), via the protobufjs messages of `onnx-proto`.
 * No hand-written protobuf parsing: decoding errors of protobufjs are wrapped into OnnxParseError with the byte offset.
 */
import { onnx, toNumber, utf8Decode } from '../onnx/proto';
import type { AttrValue, DType, Graph, GraphNode, Tensor, TensorData, ValueInfo, Dim } from './types';
import { GraphError, GraphStructureError, OnnxParseError, UnsupportedOpError } from './errors';
import { SUPPORTED_OPS } from './ops';

/** ONNX TensorProto.DataType codes of the DTypes we handle. */
export const DTYPE_CODES: Readonly<Record<DType, number>> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };
const CODE_TO_DTYPE = new Map<number, DType>(Object.entries(DTYPE_CODES).map(([k, v]) => [v, k as DType]));
const ELEM_BYTES: Readonly<Record<DType, number>> = { float32: 4, uint8: 1, int8: 1, int32: 4, int64: 8, bool: 1, float16: 2 };


function dtypeOf(code: number, what: string): DType {
  const d = CODE_TO_DTYPE.get(code);
  if (!d) throw new GraphStructureError(`${what}: element type code ${code} is not supported (supported: ${[...CODE_TO_DTYPE].map(([c, n]) => `${n}=${c}`).join(', ')})`);
  return d;
}

function alignedCopy(raw: Uint8Array): ArrayBuffer {
  // Under Node protobufjs hands out Buffers, whose slice() is a view: copy into a fresh, aligned ArrayBuffer.
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  return copy.buffer;
}

/** Decode one TensorProto into a Tensor (raw_data or the typed repeated fields). */
export function decodeTensor(t: import('onnx-proto').onnx.ITensorProto, fallbackName = ''): Tensor {
  const name = t.name || fallbackName;
  const dtype = dtypeOf(t.dataType ?? 0, `tensor '${name}'`);
  const dims = (t.dims ?? []).map((d) => toNumber(d));
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new GraphStructureError(`tensor '${name}': invalid dims [${dims.join(', ')}]`);
  if (t.dataLocation === 1) throw new GraphStructureError(`tensor '${name}' stores its data externally (data_location=EXTERNAL); only models with embedded weights are supported`);
  const count = dims.reduce((a, b) => a * b, 1);
  let data: TensorData;
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== count * ELEM_BYTES[dtype]) throw new GraphStructureError(`tensor '${name}': raw_data has ${raw.length} bytes, expected ${count * ELEM_BYTES[dtype]} for ${dtype} [${dims.join(', ')}]`);
    const buf = alignedCopy(raw);
    switch (dtype) {
      case 'float32': data = new Float32Array(buf); break;
      case 'float16': data = new Uint16Array(buf); break;
      case 'int8': data = new Int8Array(buf); break;
      case 'uint8': case 'bool': data = new Uint8Array(buf); break;
      case 'int32': data = new Int32Array(buf); break;
      case 'int64': data = new BigInt64Array(buf); break;
    }
  } else {
    let src: ArrayLike<number> | null = null;
    switch (dtype) {
      case 'float32': src = t.floatData ?? []; data = Float32Array.from(src); break;
      case 'int64': data = BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(toNumber(v)))); break;
      case 'float16': src = t.int32Data ?? []; data = Uint16Array.from(src); break;
      case 'int8': src = t.int32Data ?? []; data = Int8Array.from(src); break;
      case 'uint8': case 'bool': src = t.int32Data ?? []; data = Uint8Array.from(src); break;
      case 'int32': src = t.int32Data ?? []; data = Int32Array.from(src); break;
    }
    if (data.length !== count) throw new GraphStructureError(`tensor '${name}': has ${data.length} values, expected ${count} for ${dtype} [${dims.join(', ')}]`);
  }
  return { name, dtype, dims, data };
}

function decodeAttr(a: import('onnx-proto').onnx.IAttributeProto, node: string): AttrValue {
  switch (a.type) {
    case 1: return a.f ?? 0;
    case 2: return toNumber(a.i);
    case 3: return utf8Decode(a.s ?? new Uint8Array(0));
    case 4: return decodeTensor(a.t ?? {}, `${node}.${a.name}`);
    case 6: return [...(a.floats ?? [])];
    case 7: return (a.ints ?? []).map((v) => toNumber(v));
    case 8: return (a.strings ?? []).map((s) => utf8Decode(s));
    default:
      throw new GraphStructureError(`node '${node}': attribute '${a.name}' has type ${a.type ?? 'unset'} (graph/sparse/type attributes are not supported; supported: float, int, string, tensor, floats, ints, strings)`);
  }
}

function decodeValueInfo(v: import('onnx-proto').onnx.IValueInfoProto): ValueInfo | null {
  const tt = v.type?.tensorType;
  if (!v.name || !tt) return null;
  const code = tt.elemType ?? 0;
  const dtype = CODE_TO_DTYPE.get(code);
  if (!dtype) return null;
  const shape: Dim[] = (tt.shape?.dim ?? []).map((d, i) => {
    if (d.dimValue !== null && d.dimValue !== undefined && toNumber(d.dimValue) > 0) return toNumber(d.dimValue);
    return d.dimParam ? d.dimParam : `?${i}`;
  });
  return { name: v.name, dtype, shape };
}

/** Pull a byte offset out of a protobufjs error message ("index out of range: 12 + 10 > 20", "… at offset 11"). */
function offsetOf(msg: string): number | null {
  const m = /index out of range: (\d+)/.exec(msg) ?? /at offset (\d+)/.exec(msg);
  return m ? Number(m[1]) : null;
}

/**
 * Read an ONNX model. Nodes come back in topological order (re-sorted if the file is not); graph inputs exclude
 * initializers; valueInfo holds the file's value_info plus inputs and outputs (run `inferShapes`/`prepareGraph` for all).
 * Throws OnnxParseError (not protobuf / truncated / no graph), UnsupportedOpError, GraphStructureError.
 */
export function readOnnx(bytes: Uint8Array, fileName?: string): Graph {
  let model: import('onnx-proto').onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const oob = /index out of range: (\d+) \+ (\d+) > (\d+)/.exec(msg);
    const detail = oob
      ? `truncated: a field at byte ${oob[1]} needs ${oob[2]} more byte(s) but the input ends at byte ${oob[3]}`
      : `protobuf decoding failed (${msg}); not an ONNX file or corrupt`;
    throw new OnnxParseError(detail, offsetOf(msg), fileName);
  }
  try {
    return fromModelProto(model, fileName);
  } catch (e) {
    if (e instanceof OnnxParseError) throw e;
    if (e instanceof GraphError) {
      if (fileName) e.message = `${fileName}: ${e.message}`;
      throw e;
    }
    const msg = e instanceof Error ? e.message : String(e);
    throw new OnnxParseError(`malformed model (${msg})`, null, fileName);
  }
}

function fromModelProto(model: import('onnx-proto').onnx.ModelProto, fileName: string | undefined): Graph {
  const g = model.graph;
  if (!g || (!g.node?.length && !g.input?.length)) throw new OnnxParseError('no graph with nodes or inputs (ModelProto field 7 missing or empty)', null, fileName);
  const irVersion = toNumber(model.irVersion);
  if (irVersion <= 0) throw new OnnxParseError('ir_version is missing (ModelProto field 1)', null, fileName);
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain === 'ai.onnx' ? '' : (o.domain ?? '')] = toNumber(o.version);
  if (opsets[''] === undefined) throw new OnnxParseError('no ai.onnx opset import (ModelProto field 8)', null, fileName);

  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) {
    if (!t.name) throw new GraphStructureError('an initializer has no name');
    initializers.set(t.name, decodeTensor(t));
  }
  const valueInfo = new Map<string, ValueInfo>();
  for (const v of g.valueInfo ?? []) {
    const vi = decodeValueInfo(v);
    if (vi) valueInfo.set(vi.name, vi);
  }
  const inputs: ValueInfo[] = [];
  for (const v of g.input ?? []) {
    if (!v.name || initializers.has(v.name)) continue;
    const vi = decodeValueInfo(v);
    if (!vi) throw new GraphStructureError(`graph input '${v.name}' has no tensor type or an unsupported element type`);
    inputs.push(vi);
    valueInfo.set(vi.name, vi);
  }
  const outputs: ValueInfo[] = [];
  for (const v of g.output ?? []) {
    const vi = decodeValueInfo(v) ?? (v.name ? { name: v.name, dtype: 'float32' as DType, shape: [] } : null);
    if (!vi) throw new GraphStructureError('a graph output has no name');
    outputs.push(vi);
    if (vi.shape.length) valueInfo.set(vi.name, vi);
  }

  const nodes: GraphNode[] = [];
  (g.node ?? []).forEach((n, i) => {
    const name = n.name || `${n.opType ?? 'node'}_${i}`;
    const domain = n.domain === 'ai.onnx' ? '' : (n.domain ?? '');
    const opType = n.opType ?? '';
    if (domain !== '' || !SUPPORTED_OPS.includes(opType)) {
      throw new UnsupportedOpError(name, opType, domain, SUPPORTED_OPS);
    }
    const attrs: Record<string, AttrValue> = {};
    for (const a of n.attribute ?? []) if (a.name) attrs[a.name] = decodeAttr(a, name);
    nodes.push({ name, opType, domain, inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs });
  });
  const graph: Graph = {
    name: g.name || fileName || 'model', opsets, irVersion, inputs, outputs, initializers, nodes: [], valueInfo,
  };
  return { ...graph, nodes: topoSort(nodes, new Set([...inputs.map((v) => v.name), ...initializers.keys()]), outputs) };
}

/**
 * Topologically sort nodes (stable: keeps file order where it is already valid). Throws GraphStructureError naming
 * the node and tensor on a missing producer or a cycle, and on a graph output nothing produces.
 */
export function topoSort(nodes: readonly GraphNode[], available: ReadonlySet<string>, outputs: readonly ValueInfo[]): GraphNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.outputs.forEach((o) => { if (o) producer.set(o, i); }));
  for (const n of nodes) for (const t of n.inputs) {
    if (t && !available.has(t) && !producer.has(t)) throw new GraphStructureError(`node '${n.name}' (${n.opType}) reads tensor '${t}', which is no graph input, initializer or node output`);
  }
  for (const o of outputs) if (!available.has(o.name) && !producer.has(o.name)) throw new GraphStructureError(`graph output '${o.name}' is produced by no node`);
  const done = new Set<number>();
  const out: GraphNode[] = [];
  const state = new Map<number, 'visiting'>();
  const visit = (i: number): void => {
    if (done.has(i)) return;
    if (state.get(i) === 'visiting') throw new GraphStructureError(`the graph has a cycle through node '${nodes[i]!.name}'`);
    state.set(i, 'visiting');
    const stack: number[] = [];
    for (const t of nodes[i]!.inputs) { const p = t ? producer.get(t) : undefined; if (p !== undefined && !available.has(t)) stack.push(p); }
    for (const p of stack) visit(p);
    state.delete(i);
    done.add(i);
    out.push(nodes[i]!);
  };
  // Iterative over the file order; recursion depth is bounded by the dependency chain, which for a
  // topologically ordered file is 1 (its producers are already done).
  for (let i = 0; i < nodes.length; i++) visit(i);
  return out;
}
