/**
 * Accuracy per bit width (src/pipeline/accuracy.ts), a small subset of the CLI's `reproduce --accuracy`: SqueezeNet 1.1
 * at cut 0, 4 and 8 bits, the four sample images in two folds (calibration ⟂ evaluation), TypeScript reference head
 * + onnxruntime-web wasm tail against the float model. Checks the folds are disjoint and cover every image once, that
 * 8-bit heads agree with float on most images, and that the report section and JSON carry the measured label.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-web';
import { accuracyFolds, evaluateAccuracy } from '../../src/pipeline/accuracy';
import { referenceBackend } from '../../src/pipeline/backends';
import type { Ort } from '../../src/pipeline/tail';
import { accuracyJson, accuracySection } from '../../src/cost/accuracy-report';
import { getModel, SAMPLE_IMAGES } from '../../src/models/registry';
import { MODELS_ROOT } from '../../cli/paths';
import { decodeImageFile } from '../../cli/image';

ort.env.wasm.numThreads = 1;
const model = join(MODELS_ROOT, getModel('squeezenet1.1').file.path);
const skip = existsSync(model) ? false : `${model} not provisioned (npm run models)`;

test('accuracy folds: calibration and evaluation images are disjoint, every image evaluated once', () => {
  const names = ['a', 'b', 'c', 'd', 'e'];
  for (const k of [2, 3, 5]) {
    const folds = accuracyFolds(names, k);
    assert.equal(folds.length, k);
    for (const f of folds) for (const e of f.evaluation) assert.ok(!f.calibration.includes(e), `${e} both calibrates and evaluates`);
    assert.deepEqual(folds.flatMap((f) => f.evaluation).sort(), names);
  }
  assert.throws(() => accuracyFolds(names, 1), /folds must be an integer in 2\.\.5/);
  assert.throws(() => accuracyFolds(names, 6), /folds must be an integer in 2\.\.5/);
});

test('accuracy per bit width: SqueezeNet 1.1 cut 0 at 4 and 8 bits, measured against float', { skip }, async () => {
  const images = Object.entries(SAMPLE_IMAGES).map(([name, f]) => ({ name, image: decodeImageFile(join(MODELS_ROOT, f.path)) }));
  const backend = referenceBackend();
  const res = await evaluateAccuracy({
    ort: ort as unknown as Ort, tailEp: 'wasm', loadFile: async (p) => new Uint8Array(readFileSync(join(MODELS_ROOT, p))), backend, images,
    plans: [{ modelId: 'squeezenet1.1', cuts: [0], bits: [4, 8] }], imageNote: 'test subset',
  });
  assert.equal(res.records.length, 2);
  const [b4, b8] = res.records;
  assert.equal(b4!.bits, 4);
  assert.equal(b8!.images, 4);
  assert.ok(b8!.top1Equal >= 3, `8-bit cut 0 agrees with float on ${b8!.top1Equal}/4 (${b8!.differences.join('; ')})`);
  assert.ok(b8!.meanTop5Overlap >= b4!.meanTop5Overlap - 1e-9 || b8!.top1Equal >= b4!.top1Equal, '8 bits is not worse than 4 bits on both measures');
  assert.equal(res.tailEp, 'wasm');
  const md = accuracySection(res);
  assert.ok(md.includes('**measured**') && md.includes('fold 1: calibrate on {dragonfly, parrot}, evaluate on {cat, hot_dog}'), md.slice(0, 600));
  assert.deepEqual(JSON.parse(accuracyJson(res)).records.length, 2);
  await assert.rejects(evaluateAccuracy({ ort: ort as unknown as Ort, tailEp: 'wasm', loadFile: async (p) => new Uint8Array(readFileSync(join(MODELS_ROOT, p))), backend, images, plans: [{ modelId: 'squeezenet1.1', cuts: [99], bits: [8] }], imageNote: '' }), /no legal cut 99/);
});
