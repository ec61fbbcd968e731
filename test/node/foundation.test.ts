/** Foundation: model registry and provisioning, image decoding and preprocessing, .npy, labels, CLI entry. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { MODELS as REGISTRY, LABEL_FILES, SAMPLE_IMAGES, getModel } from '../../src/models/registry';
import { readNpy, writeNpy, NpyError } from '../../src/util/npy';
import { toFrame, frameToTensor, ImageError } from '../../src/image/preprocess';
import { decodeBmp } from '../../src/image/bmp';
import { decodeImageFile, decodeImageBytes } from '../../cli/image';
import { topK } from '../../src/models/labels';
import { main } from '../../cli/main';
import { MODELS, ROOT, imagePath, labelsFor, npy } from './helpers/paths';

describe('model registry and provisioning', () => {
  test('every registered file is provisioned with the registered sha256 and size', () => {
    const files = [...REGISTRY.map((m) => m.file), ...Object.values(LABEL_FILES), ...Object.values(SAMPLE_IMAGES)];
    for (const f of files) {
      const bytes = readFileSync(join(MODELS, f.path));
      assert.equal(bytes.length, f.bytes, `${f.path} size`);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256, `${f.path} sha256`);
    }
  });

  test('unknown model id gives an error listing the known ids', () => {
    assert.throws(() => getModel('resnet50'), /unknown model id 'resnet50'; known ids: squeezenet1.1/);
  });

  function provision(env: Record<string, string>): { code: number; out: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/models.ts'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status ?? -1, out: r.stdout + r.stderr };
  }

  test('a corrupt mirror file is rejected naming the model and both checksums; a good mirror then succeeds', () => {
    const mirror = mkdtempSync(join(tmpdir(), 'hdhm-mirror-'));
    const dest = mkdtempSync(join(tmpdir(), 'hdhm-dest-'));
    try {
      const all = [...REGISTRY.map((m) => m.file), ...Object.values(LABEL_FILES), ...Object.values(SAMPLE_IMAGES)];
      for (const f of all) {
        mkdirSync(dirname(join(mirror, f.path)), { recursive: true });
        copyFileSync(join(MODELS, f.path), join(mirror, f.path));
      }
      const victim = getModel('squeezenet1.1').file;
      const bytes = readFileSync(join(mirror, victim.path));
      bytes[1000] ^= 0xff;
      writeFileSync(join(mirror, victim.path), bytes);
      const bad = provision({ HYBRID_DHM_MODELS: mirror, HYBRID_DHM_MODELS_DEST: dest });
      assert.equal(bad.code, 1);
      assert.match(bad.out, /cannot provision model squeezenet1\.1/);
      assert.match(bad.out, new RegExp(`expected ${victim.sha256}`));
      copyFileSync(join(MODELS, victim.path), join(mirror, victim.path));
      const good = provision({ HYBRID_DHM_MODELS: mirror, HYBRID_DHM_MODELS_DEST: dest });
      assert.equal(good.code, 0, good.out);
      assert.match(good.out, /sha256 verified/);
    } finally {
      rmSync(mirror, { recursive: true, force: true });
      rmSync(dest, { recursive: true, force: true });
    }
  });

  test('no mirror and no network: a clear error per file that says what to do', () => {
    const dest = mkdtempSync(join(tmpdir(), 'hdhm-dest-'));
    try {
      const r = provision({ HYBRID_DHM_MODELS: join(dest, 'no-such-mirror'), HYBRID_DHM_MODELS_DEST: dest });
      assert.equal(r.code, 1);
      assert.match(r.out, /cannot provision model mobilenetv2 .*\n.*not in the mirror/);
      assert.match(r.out, /only available from a mirror/);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});

describe('images and preprocessing', () => {
  // The shared reference inputs were made with PIL/torchvision; ours round to 8 bits after resizing (≤ 1 LSB on BMP)
  // and decode JPEG with jpeg-js instead of libjpeg (≤ 2 LSB). LSB = one 8-bit pixel step in the normalised domain.
  const cases = [['cat', 'bmp', 1.01], ['hot_dog', 'jpg', 2.02], ['parrot', 'jpg', 2.02]] as const;
  for (const [img, ext, maxLsb] of cases) {
    for (const p of ['torch224', 'caffe227', 'nhwcpm1'] as const) {
      test(`${img}.${ext} ${p} matches the shared reference input within ${maxLsb} LSB (mean < 0.5 LSB)`, () => {
        const t = frameToTensor(toFrame(decodeImageFile(imagePath(img)), p), p);
        const ref = npy(`reference_outputs/inputs/${img}.${ext}.${p}.npy`);
        assert.deepEqual([...t.dims], [...ref.shape]);
        const std = [0.229, 0.224, 0.225];
        const plane = 224 * 224;
        const lsb = (i: number): number => (p === 'torch224' ? 1 / 255 / std[Math.floor(i / plane)]! : p === 'caffe227' ? 1 : 1 / 127.5);
        let max = 0;
        let sum = 0;
        const r = ref.data as Float32Array;
        for (let i = 0; i < r.length; i++) {
          const d = Math.abs(r[i]! - t.data[i]!) / lsb(i);
          max = Math.max(max, d);
          sum += d;
        }
        assert.ok(max <= maxLsb, `max ${max} LSB`);
        assert.ok(sum / r.length < 0.5, `mean ${sum / r.length} LSB`);
      });
    }
  }

  test('bad images give ImageErrors naming the file and cause', () => {
    assert.throws(() => decodeImageBytes(new TextEncoder().encode('hello'), 'notes.txt'), (e: Error) => e instanceof ImageError && /notes\.txt: not a supported image .*68 65 6c 6c/.test(e.message));
    assert.throws(() => decodeImageBytes(new Uint8Array(0), 'empty.png'), /empty file/);
    const bmp = readFileSync(imagePath('cat'));
    assert.throws(() => decodeBmp(bmp.subarray(0, 5000), 'cut.bmp'), /cut\.bmp: truncated BMP/);
    assert.throws(() => decodeImageBytes(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'bad.jpg'), /bad\.jpg: JPEG decode failed/);
    assert.throws(() => toFrame({ width: 0, height: 10, data: new Uint8Array(0) }, 'torch224'), (e: Error) => e instanceof ImageError && /no pixels/.test(e.message));
    assert.throws(() => toFrame({ width: 10, height: 10, data: new Uint8Array(399) }, 'torch224'), /399 bytes, expected 400/);
  });
});

describe('npy, labels', () => {
  test('npy round trip and errors with byte offsets', () => {
    const a = { dtype: 'int32' as const, shape: [2, 3], data: Int32Array.from([1, -2, 3, 4, 5, -6]) };
    const b = readNpy(writeNpy(a));
    assert.deepEqual(b.shape, [2, 3]);
    assert.deepEqual([...(b.data as Int32Array)], [...a.data]);
    assert.throws(() => readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), (e: Error) => e instanceof NpyError && /bad magic/.test(e.message));
    const bytes = writeNpy(a);
    assert.throws(() => readNpy(bytes.subarray(0, bytes.length - 4)), /truncated data/);
  });

  test('official SqueezeNet 1.1 reference output: top-1 label is parsed from the ILSVRC label file', () => {
    const out = npy('squeezenet1.1/test_data_set_0/output_0.npy');
    const labels = labelsFor('squeezenet1.1');
    const [best] = topK(out.data as Float32Array, 5, labels);
    assert.equal(typeof best!.label, 'string');
    assert.equal(labels.length, 1000);
    assert.equal(labels[285], 'Egyptian cat');
  });
});

describe('CLI entry', () => {
  test('no command prints usage and exits 2; unknown command exits 2', async () => {
    assert.equal(await main([]), 2);
    assert.equal(await main(['frobnicate']), 2);
    assert.equal(await main(['--help']), 0);
  });
});
