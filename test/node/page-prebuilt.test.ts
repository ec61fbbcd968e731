/**
 * Prebuilt head programs (issue 16; src/pipeline/prebuilt.ts, cli/prebuilt.ts): the file `npm run models` writes
 * for each page network's default system is byte-identical to what the compiler emits now for the same model and
 * options; a file whose key differs in any field (compiler source, model file, options) is rejected, naming the field;
 * the precompile step rewrites stale files and leaves current ones alone; the pipeline uses a matching prebuilt
 * program and otherwise compiles, saying why. (The page's worker compiler gives the same bytes in Chromium:
 * test/browser/prebuilt.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { getModel } from '../../src/models/registry';
import { calibrationImages } from '../../src/dhm/calibration-set';
import { programHashHex } from '../../src/board/program-hash';
import { HybridPipeline } from '../../src/pipeline/pipeline';
import { referenceBackend } from '../../src/pipeline/backends';
import {
  PREBUILT_DEFAULTS, PREBUILT_DIR, PrebuiltMismatchError, decodePrebuilt, encodePrebuilt, prebuiltFileName, prebuiltKey, type PrebuiltLookup,
} from '../../src/pipeline/prebuilt';
import { compileOne, precompileDefaults } from '../../cli/prebuilt';
import { compilerSourceHash } from '../../scripts/compiler-hash.mjs';
import { nodePipelineEnv } from '../../cli/env';
import { decodeImageFile } from '../../cli/image';
import { MODELS, ROOT, imagePath, modelBytes, modelPath, skipUnlessProvisioned } from './helpers/paths';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const prebuiltPath = (d: (typeof PREBUILT_DEFAULTS)[number]): string => join(MODELS, PREBUILT_DIR, prebuiltFileName(d.modelId, d.cutIndex, d.quant));
const skip = skipUnlessProvisioned(...PREBUILT_DEFAULTS.map((d) => modelPath(d.modelId)));

test('every prebuilt file holds, byte for byte, the program the compiler emits now for the same model, cut and options', { skip, timeout: 120_000 }, () => {
  precompileDefaults(MODELS); // as `npm run models` does (a no-op when current)
  const compilerHash = compilerSourceHash(ROOT);
  for (const d of PREBUILT_DEFAULTS) {
    const text = readFileSync(prebuiltPath(d), 'utf8');
    const bytes = modelBytes(d.modelId);
    const key = prebuiltKey(getModel(d.modelId), sha(bytes), d.cutIndex, d.quant, compilerHash);
    const fromFile = decodePrebuilt(text, key);
    const live = compileOne(MODELS, d.modelId, bytes, d.cutIndex, d.quant);
    assert.equal(encodePrebuilt(key, live), text, `${d.modelId}: the file's bytes are the live compiler's`);
    assert.equal(programHashHex(fromFile), programHashHex(live), `${d.modelId}: program hash`);
    assert.deepEqual(fromFile.meta, live.meta, `${d.modelId}: provenance`);
    assert.ok(fromFile.layers.some((l) => l.kind === 'conv' && l.weights instanceof Int32Array && l.weights.length > 0), `${d.modelId}: integer weights come back as Int32Array`);
  }
});

test('a prebuilt file whose key differs in any field is rejected with PrebuiltMismatchError naming the field', { skip }, () => {
  const d = PREBUILT_DEFAULTS[0]!;
  const model = getModel(d.modelId);
  const good = prebuiltKey(model, sha(modelBytes(d.modelId)), d.cutIndex, d.quant, compilerSourceHash(ROOT));
  const text = readFileSync(prebuiltPath(d), 'utf8');
  assert.ok(decodePrebuilt(text, good).layers.length > 0, 'the current key is accepted');
  const cases: [string, typeof good][] = [
    ['compilerHash', { ...good, compilerHash: '0'.repeat(64) }],
    ['modelSha256', { ...good, modelSha256: sha(new Uint8Array([1])) }],
    ['cutIndex', { ...good, cutIndex: 1 }],
    ['quant', prebuiltKey(model, good.modelSha256, d.cutIndex, { bits: 6, weightBits: 6 }, good.compilerHash)],
    ['calibrationSha256', { ...good, calibrationSha256: [...good.calibrationSha256].reverse() }],
  ];
  for (const [field, key] of cases) {
    assert.throws(() => decodePrebuilt(text, key), (e: Error) => e instanceof PrebuiltMismatchError && new RegExp(`stale key: ${field} differs`).test(e.message), field);
  }
  assert.throws(() => decodePrebuilt('{"format":"other"}', good), /format "other"/);
  assert.throws(() => decodePrebuilt('not json', good), /not valid JSON/);
});

test('the precompile step writes missing files, leaves current ones alone and rewrites a stale one', { skip, timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'dhm-prebuilt-'));
  try {
    for (const rel of [...PREBUILT_DEFAULTS.map((d) => getModel(d.modelId).file.path), ...calibrationImages().map((i) => i.file.path)]) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      symlinkSync(join(MODELS, rel), join(dir, rel));
    }
    assert.deepEqual(precompileDefaults(dir).map((r) => r.status), PREBUILT_DEFAULTS.map(() => 'compiled'));
    assert.deepEqual(precompileDefaults(dir).map((r) => r.status), PREBUILT_DEFAULTS.map(() => 'up to date'));
    const d = PREBUILT_DEFAULTS[1]!;
    const file = join(dir, PREBUILT_DIR, prebuiltFileName(d.modelId, d.cutIndex, d.quant));
    const current = readFileSync(file, 'utf8');
    writeFileSync(file, current.replace(/"compilerHash":"[0-9a-f]+"/, `"compilerHash":"${'f'.repeat(64)}"`)); // as if built by other source
    assert.deepEqual(precompileDefaults(dir).map((r) => r.status), PREBUILT_DEFAULTS.map((x) => (x === d ? 'compiled' : 'up to date')));
    assert.equal(readFileSync(file, 'utf8'), current, 'the rewritten file is the current one again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the pipeline uses a prebuilt program whose key matched, and compiles (saying why) when there is none', { skip, timeout: 300_000 }, async () => {
  const d = PREBUILT_DEFAULTS[0]!;
  const text = readFileSync(prebuiltPath(d), 'utf8');
  const compilerHash = compilerSourceHash(ROOT);
  for (const hash of [compilerHash, 'stale']) {
    const base = nodePipelineEnv();
    let asked = 0;
    const env = {
      ...base,
      async prebuiltProgram(model: Parameters<NonNullable<typeof base.prebuiltProgram>>[0], cutIndex: number, quant: object): Promise<PrebuiltLookup> {
        asked++;
        try {
          return { program: decodePrebuilt(text, prebuiltKey(model, sha(modelBytes(model.id)), cutIndex, quant, hash)), detail: 'test file' };
        } catch (e) {
          return { program: null, detail: (e as Error).message };
        }
      },
    };
    const pipeline = new HybridPipeline(env);
    try {
      const r = await pipeline.classify({ modelId: d.modelId, cut: d.cutIndex, quant: d.quant }, decodeImageFile(imagePath('cat')), referenceBackend());
      const p = await pipeline.prepare({ modelId: d.modelId, cut: d.cutIndex, quant: d.quant });
      assert.equal(asked, 1);
      assert.equal(r.hybrid.top5[0]!.label.includes('cat'), true, r.hybrid.top5[0]!.label);
      if (hash === compilerHash) {
        assert.equal(p.programSource.kind, 'prebuilt');
        assert.equal(p.prepareMs.compileMs, 0, 'no compile when prebuilt');
        assert.equal(programHashHex(p.program), programHashHex(compileOne(MODELS, d.modelId, modelBytes(d.modelId), d.cutIndex, d.quant)));
        assert.ok((await p.quantReport()).length > 0, 'the per-layer report still works (its calibration frames loaded on demand)');
      } else {
        assert.equal(p.programSource.kind, 'compiled');
        assert.match(p.programSource.detail, /compiled here: stale key: compilerHash differs/);
        assert.ok(p.prepareMs.compileMs > 0, 'compiled');
      }
    } finally {
      await pipeline.dispose();
    }
  }
});
