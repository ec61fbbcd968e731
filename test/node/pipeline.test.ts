/**
 * The hybrid pipeline in Node (tail and baseline on onnxruntime-web's wasm EP) and the `classify` CLI, for the paper's
 * three networks at their earliest cut on the four shared images.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { HybridPipeline, type HybridResult, type PipelineEnv } from '../../src/pipeline/pipeline';
import { toFrame } from '../../src/image/preprocess';
import type { SampleImageId } from '../../src/models/registry';
import { emulatorWasmPath } from './helpers/wasm';
import { referenceBackend, wasmInProcessBackend } from '../../src/pipeline/backends';
import { StageError } from '../../src/pipeline/stages';
import { PAPER_MODELS } from '../../src/models/registry';
import { nodePipelineEnv } from '../../cli/env';
import { decodeImageFile } from '../../cli/image';
import { ROOT, imagePath, SAMPLE_IDS } from './helpers/paths';
import { join } from 'node:path';

/** Two folds over the four shipped images: the quantiser is calibrated on one half, the other half is classified. */
const FOLDS: readonly { readonly calibrate: readonly SampleImageId[]; readonly evaluate: readonly SampleImageId[] }[] = [
  { calibrate: ['cat', 'dragonfly'], evaluate: ['hot_dog', 'parrot'] },
  { calibrate: ['hot_dog', 'parrot'], evaluate: ['cat', 'dragonfly'] },
];

/** The Node pipeline env with the calibration set restricted to `images`. */
function envCalibratedOn(images: readonly SampleImageId[]): PipelineEnv {
  const base = nodePipelineEnv();
  return { ...base, calibrationFrames: async (model) => images.map((img) => toFrame(decodeImageFile(imagePath(img)), model.preprocessing)) };
}

/** Strict top-1: "" when the hybrid top-1 equals the GPU-only top-1, else what differs. */
function top1Difference(r: HybridResult, what: string): string {
  const g = r.gpuOnly.top5;
  const h = r.hybrid.top5[0]!;
  return h.index === g[0]!.index ? '' : `${what}: hybrid top-1 ${h.label} (${h.index}) ≠ GPU-only top-1 ${g[0]!.label} (${g[0]!.index}), GPU-only top1−top2 margin ${(g[0]!.score - g[1]!.score).toFixed(2)} logits`;
}

describe('hybrid pipeline in Node', () => {
  const pipeline = new HybridPipeline(nodePipelineEnv());
  const folds = FOLDS.map((f) => ({ ...f, pipeline: new HybridPipeline(envCalibratedOn(f.calibrate)) }));
  after(async () => {
    await pipeline.dispose();
    for (const f of folds) await f.pipeline.dispose();
  });

  for (const id of PAPER_MODELS) {
    test(`${id} at cut 0: hybrid top-1 = GPU-only top-1 on all four images, each classified by a head calibrated on the other two; wasm head equals reference bit for bit`, { timeout: 300_000 }, async () => {
      const wasm = await wasmInProcessBackend(readFileSync(emulatorWasmPath()));
      const ref = referenceBackend();
      const differing: string[] = [];
      let evaluated = 0;
      for (const { pipeline, calibrate, evaluate } of folds) for (const img of evaluate) {
        assert.ok(!calibrate.includes(img), 'calibration and evaluation images are disjoint');
        const image = decodeImageFile(imagePath(img));
        const r = await pipeline.classify({ modelId: id }, image, wasm);
        evaluated++;
        const d = top1Difference(r, `${id} ${img} (calibrated on ${calibrate.join('+')})`);
        if (d) differing.push(d);
        assert.equal(r.tailEp, 'wasm');
        assert.equal(r.fallback, null);
        assert.deepEqual(r.misplacedNodes, []);
        assert.deepEqual(r.head.cycles.total, r.head.formulaCycles.total, 'emulator cycles = formula');
        assert.deepEqual(r.head.cycles.firstOutput, r.head.formulaCycles.firstOutput);
        for (const row of r.table) assert.ok(['measured', 'modelled', 'paper'].includes(row.figure.provenance) && row.figure.source.length > 0, row.name);
        if (img === 'cat') {
          const rr = await pipeline.classify({ modelId: id }, image, ref);
          assert.equal(Buffer.compare(Buffer.from(rr.head.output.buffer), Buffer.from(r.head.output.buffer)), 0, 'reference and wasm head outputs differ');
          assert.deepEqual(rr.hybrid.top5.map((x) => x.index), r.hybrid.top5.map((x) => x.index));
        }
      }
      assert.equal(evaluated, SAMPLE_IDS.length);
      console.log(`${id}: strict top-1 agreement ${evaluated - differing.length}/${evaluated}`);
      assert.deepEqual(differing, [], `${id}: strict top-1 agreement ${evaluated - differing.length}/${evaluated}`);
    });
  }

  test('abort mid-run rejects with AbortError and the next run succeeds', { timeout: 120_000 }, async () => {
    const image = decodeImageFile(imagePath('parrot'));
    const ctrl = new AbortController();
    const p = pipeline.classify({ modelId: 'squeezenet1.1', cut: 1 }, image, referenceBackend(), ctrl.signal);
    setTimeout(() => ctrl.abort(), 5);
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    const r = await pipeline.classify({ modelId: 'squeezenet1.1', cut: 1 }, image, referenceBackend());
    assert.equal(r.hybrid.top5[0]!.index, 88, 'parrot → macaw');
  });

  test('a cut out of range is a StageError naming choose-cut and the valid range; the next run works', { timeout: 120_000 }, async () => {
    const image = decodeImageFile(imagePath('cat'));
    await assert.rejects(pipeline.classify({ modelId: 'squeezenet1.1', cut: 999 }, image, referenceBackend()),
      (e: Error) => e instanceof StageError && e.stage === 'choose-cut' && /999/.test(e.message));
    const r = await pipeline.classify({ modelId: 'squeezenet1.1' }, image, referenceBackend());
    assert.ok(r.hybrid.top5.length === 5);
  });
});

describe('hybrid-dhm classify (CLI)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'hybrid-dhm.js'), 'classify', ...args], { encoding: 'utf8', timeout: 180_000 });

  for (const id of PAPER_MODELS) {
    test(`${id} --json on hot_dog: both top-5 lists, cut, timings, provenance`, { timeout: 200_000 }, () => {
      const r = cli(id, '--image', imagePath('hot_dog'), '--json');
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.hybrid.top5.length, 5);
      assert.equal(j.gpuOnly.top5.length, 5);
      assert.equal(j.gpuOnly.top5[0].index, 934, 'hotdog');
      assert.equal(j.hybrid.top5[0].index, 934, 'hotdog');
      assert.equal(typeof j.hybrid.top5[0].label, 'string');
      assert.equal(j.cut.index, 0);
      assert.ok(j.timings.some((t: { stage: string }) => t.stage === 'run-tail'));
      assert.ok(Object.values(j.provenance).every((p) => ['measured', 'modelled', 'paper'].includes(p as string)));
    });
  }

  test('text output and errors: bad image, unknown backend, unknown model', { timeout: 200_000 }, () => {
    const ok = cli('squeezenet1.1', '--image', imagePath('cat'), '--backend', 'reference');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /hybrid \(DHM head \+ tail\)/);
    assert.match(ok.stdout, /modelled/);
    const bad = cli('squeezenet1.1', '--image', join(ROOT, 'package.json'));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /package\.json: not a supported image/);
    const be = cli('squeezenet1.1', '--image', imagePath('cat'), '--backend', 'gpu');
    assert.equal(be.status, 2);
    assert.match(be.stderr, /--backend must be one of reference, wasm/);
    const um = cli('vgg16', '--image', imagePath('cat'));
    assert.equal(um.status, 1);
    assert.match(um.stderr, /unknown model id 'vgg16'/);
  });
});
