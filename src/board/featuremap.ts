/**
 * The RESULT stream of the board protocol (docs/protocol.md §RESULT stream): header, then the feature map in the
 * wire format of src/backend/featuremap.ts (packing, HWC word stream) and its CRC-32.
 */
import { type FixedFormat, type HeadCycles, formatName } from '../dhm/program';
import { packFeatureMap, packedBytes, packingFor, unpackFeatureMap } from '../backend/featuremap';
import { crc32 } from './crc32';
import { MessageError } from './errors';

/** What RESULT carries besides the packed map. */
export interface ResultHeader {
  readonly format: FixedFormat;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly cycles: HeadCycles;
}

/**
 * Serialise a result stream: header (format, shape, cycle counts per layer), then the packed map and its CRC-32.
 * Layout in docs/protocol.md §RESULT stream.
 */
export function encodeResultStream(h: ResultHeader, nchw: Int32Array): Uint8Array {
  const packed = packFeatureMap(nchw, h.channels, h.height, h.width, h.format);
  const names = h.cycles.perLayer.map((l) => {
    const s = l.layer.length > 255 ? l.layer.slice(0, 255) : l.layer;
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) > 0x7e || s.charCodeAt(i) < 0x20 ? 0x3f : s.charCodeAt(i);
    return b;
  });
  let headerLen = 20 + names.reduce((a, b) => a + 1 + b.length + 8, 0);
  headerLen = Math.ceil(headerLen / 4) * 4;
  const out = new Uint8Array(headerLen + 8 + packed.length);
  const dv = new DataView(out.buffer);
  out[0] = h.format.signed ? 1 : 0;
  out[1] = h.format.bits;
  dv.setInt8(2, h.format.intBits);
  out[3] = packingFor(h.format);
  dv.setUint16(4, h.channels, true);
  dv.setUint16(6, h.height, true);
  dv.setUint16(8, h.width, true);
  dv.setUint16(10, h.cycles.perLayer.length, true);
  dv.setUint32(12, h.cycles.firstOutput, true);
  dv.setUint32(16, h.cycles.total, true);
  let o = 20;
  h.cycles.perLayer.forEach((l, i) => {
    const nb = names[i]!;
    out[o] = nb.length;
    out.set(nb, o + 1);
    o += 1 + nb.length;
    dv.setUint32(o, l.firstOutput, true);
    dv.setUint32(o + 4, l.total, true);
    o += 8;
  });
  dv.setUint32(headerLen, packed.length, true);
  dv.setUint32(headerLen + 4, crc32(packed), true);
  out.set(packed, headerLen + 8);
  return out;
}

/** Parse a result stream; verifies the packed map's CRC-32 and sizes. Returns the header and the NCHW map. */
export function decodeResultStream(bytes: Uint8Array): { readonly header: ResultHeader; readonly output: Int32Array; readonly packedBytes: number } {
  const bad = (msg: string, at: number): never => {
    throw new MessageError('bad-message', `RESULT stream: ${msg} (at stream byte ${at})`);
  };
  if (bytes.length < 28) bad(`only ${bytes.length} bytes`, 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format: FixedFormat = { signed: bytes[0] === 1, bits: bytes[1]!, intBits: dv.getInt8(2) };
  if (bytes[0]! > 1) bad(`signed flag ${bytes[0]} is not 0/1`, 0);
  if (format.bits < 1 || format.bits > 32) bad(`format width ${format.bits} bits is not 1..32`, 1);
  if (bytes[3] !== packingFor(format)) bad(`packing ${bytes[3]} does not match ${formatName(format)} (expected ${packingFor(format)})`, 3);
  const channels = dv.getUint16(4, true);
  const height = dv.getUint16(6, true);
  const width = dv.getUint16(8, true);
  const nLayers = dv.getUint16(10, true);
  const perLayer: { layer: string; firstOutput: number; total: number }[] = [];
  let o = 20;
  for (let i = 0; i < nLayers; i++) {
    if (o + 1 > bytes.length) bad('per-layer cycle table overruns the stream', o);
    const len = bytes[o]!;
    if (o + 1 + len + 8 > bytes.length) bad('per-layer cycle table overruns the stream', o);
    let name = '';
    for (let k = 0; k < len; k++) name += String.fromCharCode(bytes[o + 1 + k]!);
    o += 1 + len;
    perLayer.push({ layer: name, firstOutput: dv.getUint32(o, true), total: dv.getUint32(o + 4, true) });
    o += 8;
  }
  const headerLen = Math.ceil(o / 4) * 4;
  if (headerLen + 8 > bytes.length) bad('missing packed-map length and CRC', headerLen);
  const n = dv.getUint32(headerLen, true);
  const want = packedBytes(channels, height, width, format);
  if (n !== want) bad(`packed map is declared ${n} bytes, ${channels}x${height}x${width} ${formatName(format)} needs ${want}`, headerLen);
  if (headerLen + 8 + n !== bytes.length) bad(`stream is ${bytes.length} bytes, header + map need ${headerLen + 8 + n}`, headerLen);
  const packed = bytes.subarray(headerLen + 8);
  const crcGot = dv.getUint32(headerLen + 4, true);
  const crcWant = crc32(packed);
  if (crcGot !== crcWant) bad(`packed map CRC-32 mismatch: expected 0x${crcWant.toString(16)}, got 0x${crcGot.toString(16)}`, headerLen + 4);
  return {
    header: { format, channels, height, width, cycles: { firstOutput: dv.getUint32(12, true), total: dv.getUint32(16, true), perLayer } },
    output: unpackFeatureMap(packed, channels, height, width, format),
    packedBytes: n,
  };
}
