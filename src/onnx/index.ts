/** ONNX ⇄ Graph: `readOnnx(bytes, fileName?)` and `writeOnnx(graph)`. See src/graph/index.ts for the whole API. */
export { readOnnx, decodeTensor, topoSort, DTYPE_CODES } from './reader';
export { writeOnnx, encodeTensor } from './writer';
