/**
 * Decode an image the platform understands (file, blob, URL) to RGBA pixels, on the page or in a worker (fetch,
 * createImageBitmap and OffscreenCanvas exist in both).
 */
import { decodeBmp } from '../src/image/bmp';
import { ImageError, type RgbaImage } from '../src/image/preprocess';

/** Decode a Blob: BMP through the core's decoder (identical to Node), anything else through createImageBitmap. */
export async function decodeImageBlob(blob: Blob, name = 'image'): Promise<RgbaImage> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  if (head[0] === 0x42 && head[1] === 0x4d) return decodeBmp(new Uint8Array(await blob.arrayBuffer()), name);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new ImageError(`${name}: not a decodable image (${blob.type || 'unknown type'}, ${blob.size} bytes): ${(e as Error).message}`);
  }
  const { width, height } = bitmap; // read before close(): a closed bitmap reports 0×0
  if (width === 0 || height === 0) throw new ImageError(`${name}: decoded to an empty image (${width}×${height})`);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new ImageError(`${name}: no 2D canvas context available to read pixels`);
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, width, height).data;
  bitmap.close();
  return { width, height, data };
}

/** Fetch and decode an image URL. */
export async function decodeImageUrl(url: string): Promise<RgbaImage> {
  const res = await fetch(url);
  if (!res.ok) throw new ImageError(`${url}: HTTP ${res.status}`);
  return decodeImageBlob(await res.blob(), url);
}
