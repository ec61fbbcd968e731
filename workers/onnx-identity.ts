/**
 * The smallest ONNX model onnxruntime-web accepts — one Identity node on a float32 [1] tensor (IR 8, opset 13),
 * hand-encoded protobuf (field numbers of onnx.proto) — a session that costs nothing beyond ORT's runtime
 * (test/browser/pipeline.test.ts).
 */

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
const field = (num: number, bytes: readonly number[]): number[] => [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
const int = (num: number, v: number): number[] => [...varint(num << 3), ...varint(v)];
const str = (num: number, s: string): number[] => field(num, [...new TextEncoder().encode(s)]);

/** The model's bytes: input `x`, output `y` = Identity(x), both float32 of shape [1]. */
export function identityModel(): Uint8Array {
  const tensorType = field(1, [...int(1, 1), ...field(2, field(1, int(1, 1)))]); // TypeProto{tensor_type{elem_type FLOAT, shape{dim{dim_value 1}}}}
  const valueInfo = (name: string): number[] => [...str(1, name), ...field(2, tensorType)];
  const node = [...str(1, 'x'), ...str(2, 'y'), ...str(3, 'id'), ...str(4, 'Identity')];
  const graph = [...field(1, node), ...str(2, 'identity'), ...field(11, valueInfo('x')), ...field(12, valueInfo('y'))];
  return new Uint8Array([...int(1, 8), ...field(8, [...str(1, ''), ...int(2, 13)]), ...field(7, graph)]);
}
