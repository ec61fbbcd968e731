/** Graph → ONNX bytes (ModelProto, embedded raw_data weights) that onnxruntime-web loads. */
import { onnx, utf8Encode } from '../onnx/proto';
import type { AttrValue, Graph, Tensor, ValueInfo } from './types';
import { DTYPE_CODES } from './onnx-read';

/** Encode a Tensor as a TensorProto with little-endian raw_data. */
export function encodeTensor(t: Tensor, name = t.name): import('onnx-proto').onnx.ITensorProto {
  const d = t.data;
  return {
    name,
    dataType: DTYPE_CODES[t.dtype],
    dims: [...t.dims],
    rawData: new Uint8Array(d.buffer, d.byteOffset, d.byteLength), // a view: the encoder copies it into the output
  };
}

function isTensor(v: AttrValue): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'dtype' in (v as object);
}

function encodeAttr(name: string, v: AttrValue): import('onnx-proto').onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return Number.isInteger(v) && !FLOAT_ATTRS.has(name) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: utf8Encode(v) };
  if (isTensor(v)) return { name, type: T.TENSOR, t: encodeTensor(v) };
  const arr = v as readonly (number | string)[];
  if (arr.length > 0 && typeof arr[0] === 'string') return { name, type: T.STRINGS, strings: (arr as readonly string[]).map(utf8Encode) };
  const nums = arr as readonly number[];
  if (FLOAT_ATTRS.has(name) || nums.some((x) => !Number.isInteger(x))) return { name, type: T.FLOATS, floats: [...nums] };
  return { name, type: T.INTS, ints: [...nums] };
}

/** Attributes that are FLOAT/FLOATS in ONNX even when their value happens to be integral (e.g. alpha=1). */
const FLOAT_ATTRS = new Set(['alpha', 'beta', 'epsilon', 'momentum', 'ratio', 'gamma', 'min', 'max', 'value_float', 'value_floats', 'scales', 'bias', 'lambd', 'spatial_scale']);

function valueInfoProto(v: ValueInfo): import('onnx-proto').onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: DTYPE_CODES[v.dtype],
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * The ModelProto of a Graph as a plain object of the field types protobufjs writes directly (numbers, strings,
 * Uint8Array views, nested plain objects). Initializers become raw_data TensorProtos; every valueInfo entry that is not
 * a graph input/output/initializer is written as value_info. Opsets and ir_version are those of the graph.
 */
export function modelProto(graph: Graph): import('onnx-proto').onnx.IModelProto {
  const io = new Set([...graph.inputs.map((v) => v.name), ...graph.outputs.map((v) => v.name)]);
  return {
    irVersion: graph.irVersion,
    producerName: 'hybrid-dhm',
    opsetImport: Object.entries(graph.opsets).map(([domain, version]) => ({ domain, version })),
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        name: n.name, opType: n.opType, domain: n.domain, input: [...n.inputs], output: [...n.outputs],
        attribute: Object.entries(n.attrs).map(([k, v]) => encodeAttr(k, v)),
      })),
      initializer: [...graph.initializers.entries()].map(([name, t]) => encodeTensor(t, name)),
      input: graph.inputs.map(valueInfoProto),
      output: graph.outputs.map((o) => valueInfoProto(graph.valueInfo.get(o.name) ?? o)),
      valueInfo: [...graph.valueInfo.values()].filter((v) => !io.has(v.name) && !graph.initializers.has(v.name)).map(valueInfoProto),
    },
  };
}

/**
 * Serialise a Graph to ONNX bytes ({@link modelProto}). The plain object is encoded as it is, without protobufjs's
 * `fromObject` conversion (a copy of every field: ≈7 ms of a cold start's main thread for SqueezeNet 1.1's tail); the
 * bytes are the same (test/node/onnx-split.test.ts).
 */
export function writeOnnx(graph: Graph): Uint8Array {
  return onnx.ModelProto.encode(modelProto(graph)).finish();
}
