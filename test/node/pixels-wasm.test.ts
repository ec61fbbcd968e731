/**
 * The page's pixel kernels (src/pipeline/pixels-wasm.ts over wasm-pixels/, what the transfer worker runs) against the
 * TypeScript functions they replace: `toFrame` gives the same bytes on the sample images and on random images (down-
 * and upscaled, odd sizes, every recipe), `linkTransfer` the same floats and wire size on random feature maps of every
 * packing, signed and unsigned, and the same errors (a value outside the format, a wrong length, a zero-sized image).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pixelsWasmPath } from './helpers/wasm';
import { SAMPLE_IDS, imagePath } from './helpers/paths';
import { decodeImageFile } from '../../cli/image';
import { createPixelKernels, PixelWasmError } from '../../src/pipeline/pixels-wasm';
import { toFrame, type RgbaImage } from '../../src/image/preprocess';
import { linkTransfer } from '../../src/pipeline/transfer';
import { formatRange, type FixedFormat } from '../../src/dhm/program';
import { seededRandom } from '../../src/graph/build';
import type { Preprocessing } from '../../src/models/registry';

const RECIPES: readonly Preprocessing[] = ['torch224', 'caffe227', 'nhwcpm1'];
const kernelsP = createPixelKernels(readFileSync(pixelsWasmPath()));

function randomImage(rand: () => number, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return { width, height, data };
}

/** Index of the first differing element, or -1. */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

test('pixels.wasm toFrame: the same bytes as toFrame on the four sample images, every recipe', async () => {
  const k = await kernelsP;
  for (const id of SAMPLE_IDS) {
    const img = decodeImageFile(imagePath(id));
    for (const p of RECIPES) {
      const want = toFrame(img, p);
      const got = k.toFrame(img, p);
      assert.deepEqual([got.width, got.height], [want.width, want.height], `${id} ${p}: size`);
      assert.equal(firstDiff(got.data, want.data), -1, `${id} ${p}: first differing byte`);
    }
  }
});

test('pixels.wasm toFrame: the same bytes as toFrame on 24 random images (downscaled, upscaled, odd sizes)', async () => {
  const k = await kernelsP;
  const rand = seededRandom(20261201);
  const sizes: [number, number][] = [[224, 224], [227, 300], [1000, 241], [240, 1301], [511, 383], [3000, 2000], [300, 229], [256, 256]];
  for (const [w, h] of sizes) {
    const img = randomImage(rand, w, h);
    for (const p of RECIPES) {
      const tooSmall = (() => { try { toFrame(img, p); return false; } catch { return true; } })();
      if (tooSmall) {
        assert.throws(() => k.toFrame(img, p), /too small after resize/, `${w}x${h} ${p}`);
        continue;
      }
      assert.equal(firstDiff(k.toFrame(img, p).data, toFrame(img, p).data), -1, `${w}x${h} ${p}: first differing byte`);
    }
  }
});

test('pixels.wasm toFrame: a zero-sized image and a short buffer get toFrame\'s ImageErrors', async () => {
  const k = await kernelsP;
  assert.throws(() => k.toFrame({ width: 0, height: 5, data: new Uint8Array(0) }, 'torch224'), { name: 'ImageError', message: /no pixels \(0x5\)/ });
  assert.throws(() => k.toFrame({ width: 300, height: 300, data: new Uint8Array(10) }, 'torch224'), { name: 'ImageError', message: /RGBA buffer has 10 bytes, expected 360000/ });
});

const FORMATS: readonly FixedFormat[] = [
  { signed: false, bits: 8, intBits: 5 }, { signed: true, bits: 8, intBits: 3 }, { signed: false, bits: 4, intBits: 4 }, { signed: true, bits: 6, intBits: 2 },
  { signed: true, bits: 10, intBits: 4 }, { signed: false, bits: 16, intBits: 8 }, { signed: true, bits: 16, intBits: 16 },
  { signed: true, bits: 20, intBits: 6 }, { signed: false, bits: 24, intBits: 12 }, { signed: true, bits: 32, intBits: 20 },
];

test('pixels.wasm linkTransfer: the same floats and wire bytes as linkTransfer for every packing, signed and unsigned', async () => {
  const k = await kernelsP;
  const rand = seededRandom(7);
  for (const f of FORMATS) {
    for (const shape of [[64, 55, 55], [3, 7, 5], [1, 1, 3], [13, 9, 11]] as [number, number, number][]) {
      const { min, max } = formatRange(f);
      const n = shape[0] * shape[1] * shape[2];
      // codes over the whole range, both ends included
      const codes = Int32Array.from({ length: n }, (_, i) => (i === 0 ? min : i === 1 && n > 1 ? max : Math.floor(min + rand() * (max - min + 1))) | 0);
      const want = linkTransfer(codes, shape, f);
      const got = k.linkTransfer(codes, shape, f);
      const what = `${f.signed ? 's' : 'u'}${f.bits}.${f.intBits} ${shape.join('x')}`;
      assert.equal(got.wireBytes, want.wireBytes, `${what}: wire bytes`);
      assert.deepEqual(got.dims, want.dims, `${what}: dims`);
      assert.equal(firstDiff(got.data, want.data), -1, `${what}: first differing float`);
    }
  }
});

test('pixels.wasm linkTransfer: a value outside the format and a wrong length get linkTransfer\'s RangeErrors', async () => {
  const k = await kernelsP;
  const f: FixedFormat = { signed: false, bits: 8, intBits: 5 };
  const codes = new Int32Array(2 * 3 * 4);
  codes[1 * 12 + 2 * 4 + 3] = 256; // c=1, y=2, x=3
  const tsError = (() => { try { linkTransfer(codes, [2, 3, 4], f); } catch (e) { return e as Error; } return null; })();
  assert.ok(tsError);
  assert.throws(() => k.linkTransfer(codes, [2, 3, 4], f), { name: 'RangeError', message: tsError.message });
  assert.match(tsError.message, /256 at \(c=1, y=2, x=3\)/);
  assert.throws(() => k.linkTransfer(new Int32Array(5), [2, 3, 4], f), { name: 'RangeError', message: /5 values, expected 2x3x4 = 24/ });
  // and the kernels still work after an error
  assert.equal(k.linkTransfer(new Int32Array(24).fill(3), [2, 3, 4], f).data[0], 3 / 8);
});

test('createPixelKernels refuses a module that is not wasm-pixels\', naming what is missing', async () => {
  // the smallest valid module: no exports
  const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  await assert.rejects(createPixelKernels(empty), (e: Error) => e instanceof PixelWasmError && /lacks memory, heapBase, rgbaToRgb/.test(e.message));
});
