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

/** Bytes of the RESULT stream header (before the packed map), protocol version 2. */
export const RESULT_HEADER_BYTES = 16;

/**
 * Serialise a result stream (docs/protocol.md §6, version 2): a 16-byte header (format, shape, packed-map size),
 * the packed map, then the trailer (cycle counts, per-layer entries, zero padding to 4 bytes, CRC-32 of the packed
 * map). Everything a board learns only at the end of the frame is in the trailer, so it can stream the map.
 */
export function encodeResultStream(h: ResultHeader, nchw: Int32Array): Uint8Array {
  const packed = packFeatureMap(nchw, h.channels, h.height, h.width, h.format);
  const names = h.cycles.perLayer.map((l) => {
    const s = l.layer.length > 255 ? l.layer.slice(0, 255) : l.layer;
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) > 0x7e || s.charCodeAt(i) < 0x20 ? 0x3f : s.charCodeAt(i);
    return b;
  });
  const t0 = RESULT_HEADER_BYTES + packed.length;
  let trailerLen = 12 + names.reduce((a, b) => a + 1 + b.length + 8, 0);
  trailerLen = Math.ceil(trailerLen / 4) * 4 + 4;
  const out = new Uint8Array(t0 + trailerLen);
  const dv = new DataView(out.buffer);
  out[0] = h.format.signed ? 1 : 0;
  out[1] = h.format.bits;
  dv.setInt8(2, h.format.intBits);
  out[3] = packingFor(h.format);
  dv.setUint16(4, h.channels, true);
  dv.setUint16(6, h.height, true);
  dv.setUint16(8, h.width, true);
  dv.setUint32(12, packed.length, true);
  out.set(packed, RESULT_HEADER_BYTES);
  dv.setUint32(t0, h.cycles.firstOutput, true);
  dv.setUint32(t0 + 4, h.cycles.total, true);
  dv.setUint16(t0 + 8, h.cycles.perLayer.length, true);
  let o = t0 + 12;
  h.cycles.perLayer.forEach((l, i) => {
    const nb = names[i]!;
    out[o] = nb.length;
    out.set(nb, o + 1);
    o += 1 + nb.length;
    dv.setUint32(o, l.firstOutput, true);
    dv.setUint32(o + 4, l.total, true);
    o += 8;
  });
  dv.setUint32(out.length - 4, crc32(packed), true);
  return out;
}

/** Parse a result stream (version 2 layout); verifies sizes and the packed map's CRC-32. Returns the header and the NCHW map. */
export function decodeResultStream(bytes: Uint8Array): { readonly header: ResultHeader; readonly output: Int32Array; readonly packedBytes: number } {
  const bad = (msg: string, at: number): never => {
    throw new MessageError('bad-message', `RESULT stream: ${msg} (at stream byte ${at})`);
  };
  if (bytes.length < RESULT_HEADER_BYTES + 16) bad(`only ${bytes.length} bytes`, 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format: FixedFormat = { signed: bytes[0] === 1, bits: bytes[1]!, intBits: dv.getInt8(2) };
  if (bytes[0]! > 1) bad(`signed flag ${bytes[0]} is not 0/1`, 0);
  if (format.bits < 1 || format.bits > 32) bad(`format width ${format.bits} bits is not 1..32`, 1);
  if (bytes[3] !== packingFor(format)) bad(`packing ${bytes[3]} does not match ${formatName(format)} (expected ${packingFor(format)})`, 3);
  const channels = dv.getUint16(4, true);
  const height = dv.getUint16(6, true);
  const width = dv.getUint16(8, true);
  const n = dv.getUint32(12, true);
  const want = packedBytes(channels, height, width, format);
  if (n !== want) bad(`packed map is declared ${n} bytes, ${channels}x${height}x${width} ${formatName(format)} needs ${want}`, 12);
  const t0 = RESULT_HEADER_BYTES + n;
  if (t0 + 16 > bytes.length) bad(`stream is ${bytes.length} bytes, the map and a minimal trailer need ${t0 + 16}`, t0);
  const nLayers = dv.getUint16(t0 + 8, true);
  const perLayer: { layer: string; firstOutput: number; total: number }[] = [];
  let o = t0 + 12;
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
  const end = Math.ceil(o / 4) * 4 + 4;
  if (end !== bytes.length) bad(`stream is ${bytes.length} bytes, header + map + trailer need ${end}`, o);
  const packed = bytes.subarray(RESULT_HEADER_BYTES, t0);
  const crcGot = dv.getUint32(end - 4, true);
  const crcWant = crc32(packed);
  if (crcGot !== crcWant) bad(`packed map CRC-32 mismatch: expected 0x${crcWant.toString(16)}, got 0x${crcGot.toString(16)}`, end - 4);
  return {
    header: { format, channels, height, width, cycles: { firstOutput: dv.getUint32(t0, true), total: dv.getUint32(t0 + 4, true), perLayer } },
    output: unpackFeatureMap(packed, channels, height, width, format),
    packedBytes: n,
  };
}
