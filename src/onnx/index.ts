/**
 * ONNX protobuf messages (onnx-proto) and the byte-level helpers the graph layer's reader and writer use
 * (src/graph/onnx-read.ts, src/graph/onnx-write.ts). This layer knows nothing of the Graph types.
 */
export { onnx, toNumber, utf8Decode, utf8Encode } from './proto';
