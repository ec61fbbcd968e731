/**
 * CRC-32 as used by the board link (docs/protocol.md §Framing): the IEEE 802.3 / zlib / PNG CRC —
 * reflected polynomial 0xEDB88320, initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF.
 * Check value: crc32(ASCII "123456789") = 0xCBF43926.
 */

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * Continue a CRC-32 over `bytes[start, end)`. Pass the previous *finalised* CRC (0 to start) so a checksum
 * can be computed incrementally: `crc32Update(crc32Update(0, a), b) === crc32(a ++ b)`. Returns an unsigned 32-bit value.
 */
export function crc32Update(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE) of `bytes[start, end)`, unsigned 32-bit. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32Update(0, bytes, start, end);
}
