/**
 * The protobufjs-generated ONNX messages of `onnx-proto` (a CommonJS package), reachable from ESM under Node
 * (default export) and from bundlers (named export) alike.
 */
import * as onnxProtoModule from 'onnx-proto';

type OnnxNs = typeof onnxProtoModule.onnx;
const mod = onnxProtoModule as unknown as { onnx?: OnnxNs; default?: { onnx?: OnnxNs } };

/** The `onnx` namespace (ModelProto, GraphProto, TensorProto, …). */
export const onnx: OnnxNs = (mod.onnx ?? mod.default?.onnx) as OnnxNs;

/** protobufjs decodes int64 fields as number or Long; this turns either into a JS number. */
export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decode UTF-8 bytes (attribute strings are `bytes` in ONNX). ES2022 has no TextDecoder, so this is done by hand. */
export function utf8Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i++]!;
    let cp: number;
    if (c < 0x80) cp = c;
    else if (c < 0xe0) cp = ((c & 0x1f) << 6) | ((b[i++] ?? 0) & 0x3f);
    else if (c < 0xf0) cp = ((c & 0x0f) << 12) | (((b[i++] ?? 0) & 0x3f) << 6) | ((b[i++] ?? 0) & 0x3f);
    else cp = ((c & 0x07) << 18) | (((b[i++] ?? 0) & 0x3f) << 12) | (((b[i++] ?? 0) & 0x3f) << 6) | ((b[i++] ?? 0) & 0x3f);
    s += String.fromCodePoint(cp > 0x10ffff ? 0xfffd : cp);
  }
  return s;
}

/** Encode a string as UTF-8 bytes. */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}
