/** Decoder for uncompressed Windows BMP files (24- and 32-bit BI_RGB / BI_BITFIELDS with standard masks). */
import { ImageError, type RgbaImage } from './preprocess';

/** Decode BMP bytes to RGBA. Throws ImageError naming the byte offset and what was expected. */
export function decodeBmp(bytes: Uint8Array, fileName = 'image'): RgbaImage {
  if (bytes.length < 54 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new ImageError(`${fileName}: not a BMP file (bytes 0-1 are not 'BM')`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const width = dv.getInt32(18, true);
  const rawHeight = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  if (bpp !== 24 && bpp !== 32) throw new ImageError(`${fileName}: BMP with ${bpp} bits per pixel at byte 28 is not supported (expected 24 or 32)`);
  if (compression !== 0 && compression !== 3) throw new ImageError(`${fileName}: compressed BMP (compression ${compression} at byte 30) is not supported`);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0 || width > 16384 || height > 16384) throw new ImageError(`${fileName}: bad BMP size ${width}x${rawHeight} at byte 18`);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw new ImageError(`${fileName}: truncated BMP: need ${dataOffset + stride * height} bytes, have ${bytes.length}`);
  const data = new Uint8Array(width * height * 4);
  const step = bpp / 8;
  for (let y = 0; y < height; y++) {
    const row = rawHeight > 0 ? height - 1 - y : y;
    const base = dataOffset + row * stride;
    for (let x = 0; x < width; x++) {
      const p = base + x * step;
      const o = (y * width + x) * 4;
      data[o] = bytes[p + 2]!;
      data[o + 1] = bytes[p + 1]!;
      data[o + 2] = bytes[p]!;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}
