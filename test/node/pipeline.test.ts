/**
 * The hybrid pipeline in Node (tail and baseline on onnxruntime-web's wasm EP) and the `classify` CLI, for the paper's
 * three networks at their earliest cut on the four shared images.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { HybridPipeline, type HybridResult } from '../../src/pipeline/pipeline';
import { referenceBackend, wasmInProcessBackend } from '../../src/pipeline/backends';
import { StageError } from '../../src/pipeline/stages';
import { PAPER_MODELS } from '../../src/models/registry';
import { nodePipelineEnv } from '../../cli/env';
import { decodeImageFile } from '../../cli/image';
import { ROOT, imagePath, SAMPLE_IDS } from './helpers/paths';
import { join } from 'node:path';

/** Hybrid top-1 must equal the GPU-only top-1, or lie in its top-3 where the GPU-only top-1/top-2 margin is under 1 logit. */
export function assertTop1Agrees(r: HybridResult, what: string): void {
  const g = r.gpuOnly.top5;
  const margin = g[0]!.score - g[1]!.score;
  const h1 = r.hybrid.top5[0]!.index;
  if (margin >= 1) assert.equal(h1, g[0]!.index, `${what}: hybrid top-1 ${r.hybrid.top5[0]!.label} ≠ GPU-only top-1 ${g[0]!.label} (margin ${margin.toFixed(2)})`);
  else assert.ok(g.slice(0, 3).some((x) => x.index === h1), `${what}: hybrid top-1 ${r.hybrid.top5[0]!.label} not in GPU-only top-3 (margin ${margin.toFixed(2)} < 1 logit)`);
}

describe('hybrid pipeline in Node', () => {
  const pipeline = new HybridPipeline(nodePipelineEnv());
  after(() => pipeline.dispose());

  for (const id of PAPER_MODELS) {
    test(`${id} at cut 0: hybrid agrees with GPU-only on the four images; wasm head equals reference bit for bit`, { timeout: 300_000 }, async () => {
      const wasm = await wasmInProcessBackend(readFileSync(join(ROOT, 'dist', 'dhm.wasm')));
      const ref = referenceBackend();
      for (const img of SAMPLE_IDS) {
        const image = decodeImageFile(imagePath(img));
        const r = await pipeline.classify({ modelId: id }, image, wasm);
        assertTop1Agrees(r, `${id} ${img}`);
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
