/** Decode an image the platform understands (file, blob, URL) to RGBA pixels: workers/decode-image.ts (also used in workers). */
export { decodeImageBlob, decodeImageUrl } from '../workers/decode-image';
