/**
 * The feature-map wire format (docs/protocol.md §Feature-map payload): how a head's integer output travels on the
 * link. Values are sent channel-fastest (HWC: for each row y, for each column x, channels 0..C-1), packed into 32-bit
 * little-endian words as on the authors' PCIe link (4 uint8 values per word, the first value in the least significant
 * byte). Wider formats:
 * - packing 1 (`bits ≤ 8`): one byte per value (two's complement when signed), 4 values per word;
 * - packing 2 (`9 ≤ bits ≤ 16`): one 16-bit half-word per value, 2 values per word;
 * - packing 3 (`17 ≤ bits ≤ 32`): one 32-bit word per value.
 * The packed map is zero-padded to a whole number of words. Host-side arrays are NCHW Int32Array.
 * Used by the pipeline's transfer stage and by the board protocol's RESULT stream (src/board/featuremap.ts).
 */
import { type FixedFormat, formatName, formatRange } from '../dhm/program';

/** Packing code of the feature-map payload (closed set 1..3). */
export type Packing = 1 | 2 | 3;

/** Packing used for a format's width. */
export function packingFor(format: FixedFormat): Packing {
  if (format.bits < 1 || format.bits > 32) throw new RangeError(`feature-map format ${formatName(format)} is not 1..32 bits wide`);
  return format.bits <= 8 ? 1 : format.bits <= 16 ? 2 : 3;
}

/** Bytes per value of a packing. */
export function bytesPerValue(p: Packing): 1 | 2 | 4 {
  return p === 1 ? 1 : p === 2 ? 2 : 4;
}

/** Size in bytes of a packed map (whole 32-bit words). */
export function packedBytes(channels: number, height: number, width: number, format: FixedFormat): number {
  return Math.ceil((channels * height * width * bytesPerValue(packingFor(format))) / 4) * 4;
}

/**
 * Pack an NCHW map (`channels·height·width` codes in `format`) into the HWC word stream. Throws a RangeError naming
 * the first value (c, y, x) outside the format's range.
 */
export function packFeatureMap(nchw: Int32Array, channels: number, height: number, width: number, format: FixedFormat): Uint8Array {
  const n = channels * height * width;
  if (nchw.length !== n) throw new RangeError(`feature map has ${nchw.length} values, expected ${channels}x${height}x${width} = ${n}`);
  const packing = packingFor(format);
  const bpv = bytesPerValue(packing);
  const out = new Uint8Array(packedBytes(channels, height, width, format));
  const dv = new DataView(out.buffer);
  const { min, max } = formatRange(format);
  const hw = height * width;
  let o = 0;
  if (bpv === 1) {
    // the common case (≤ 8-bit codes), one byte per value: no DataView, the range check folded into one branch
    for (let pix = 0; pix < hw; pix++) {
      for (let i = pix; i < n; i += hw) {
        const v = nchw[i]!;
        if (v < min || v > max) throw new RangeError(`feature-map value ${v} at (c=${(i - pix) / hw}, y=${Math.floor(pix / width)}, x=${pix % width}) is outside ${formatName(format)} [${min}, ${max}]`);
        out[o++] = v & 0xff;
      }
    }
    return out;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const pix = y * width + x;
      for (let c = 0; c < channels; c++) {
        const v = nchw[c * hw + pix]!;
        if (v < min || v > max) throw new RangeError(`feature-map value ${v} at (c=${c}, y=${y}, x=${x}) is outside ${formatName(format)} [${min}, ${max}]`);
        if (bpv === 2) dv.setUint16(o, v & 0xffff, true);
        else dv.setUint32(o, v >>> 0, true);
        o += bpv;
      }
    }
  }
  return out;
}

/** Inverse of {@link packFeatureMap}: HWC word stream → NCHW Int32Array, sign-extended when the format is signed. */
export function unpackFeatureMap(packed: Uint8Array, channels: number, height: number, width: number, format: FixedFormat): Int32Array {
  const want = packedBytes(channels, height, width, format);
  if (packed.length !== want) throw new RangeError(`packed feature map is ${packed.length} bytes, expected ${want} for ${channels}x${height}x${width} ${formatName(format)}`);
  const bpv = bytesPerValue(packingFor(format));
  const dv = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const out = new Int32Array(channels * height * width);
  const hw = height * width;
  const shift = 32 - format.bits;
  let o = 0;
  if (bpv === 1) {
    // one byte per value: sign-extend (signed) or mask (unsigned) without a per-value format test
    const n = channels * hw;
    if (format.signed) {
      for (let pix = 0; pix < hw; pix++) for (let i = pix; i < n; i += hw) out[i] = (packed[o++]! << shift) >> shift;
    } else {
      const mask = 2 ** format.bits - 1;
      for (let pix = 0; pix < hw; pix++) for (let i = pix; i < n; i += hw) out[i] = packed[o++]! & mask;
    }
    return out;
  }
  for (let pix = 0; pix < hw; pix++) {
    for (let c = 0; c < channels; c++) {
      let raw = bpv === 2 ? dv.getUint16(o, true) : dv.getUint32(o, true);
      o += bpv;
      // keep the low `bits` bits; sign-extend if signed
      raw = format.signed ? (raw << shift) >> shift : format.bits === 32 ? raw | 0 : raw & (2 ** format.bits - 1);
      out[c * hw + pix] = raw;
    }
  }
  return out;
}
