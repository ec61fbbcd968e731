/** Decode an image file in Node (BMP, JPEG, PNG) to RGBA, with errors that name the file and the cause. */
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeBmp } from '../src/image/bmp';
import { ImageError, type RgbaImage } from '../src/image/preprocess';

/** Decode image bytes by their magic number. */
export function decodeImageBytes(bytes: Uint8Array, fileName: string): RgbaImage {
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return decodeBmp(bytes, fileName);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { width: img.width, height: img.height, data: img.data };
    } catch (e) {
      throw new ImageError(`${fileName}: JPEG decode failed: ${(e as Error).message}`);
    }
  }
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } catch (e) {
      throw new ImageError(`${fileName}: PNG decode failed: ${(e as Error).message}`);
    }
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ImageError(`${fileName}: not a supported image (expected BMP, JPEG or PNG; first bytes are ${head || 'none: empty file'})`);
}

/** Read and decode an image file. */
export function decodeImageFile(path: string): RgbaImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ImageError(`${path}: cannot read image: ${(e as Error).message}`);
  }
  return decodeImageBytes(bytes, path);
}
