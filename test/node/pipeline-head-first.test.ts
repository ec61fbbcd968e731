/**
 * `HybridPipeline.classify` on a system still being prepared (issue 16, cold start): the head runs as soon as the head
 * program is known, while onnxruntime-web is still creating the tail's session — it does not wait for that session.
 * The tail's session creation is held back here until the head has run (or 30 s have passed, so a pipeline that waits
 * for the session fails the check instead of hanging); the result must equal that of an ungated pipeline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HybridPipeline, type PipelineEnv } from '../../src/pipeline/pipeline';
import { referenceBackend } from '../../src/pipeline/backends';
import type { HeadBackend } from '../../src/backend/head-backend';
import { nodePipelineEnv } from '../../cli/env';
import { decodeImageFile } from '../../cli/image';
import { imagePath } from './helpers/paths';

test('classify runs the head (and the transfer) before the tail\'s ORT session exists, and the result equals an ungated run', { timeout: 300_000 }, async () => {
  const events: string[] = [];
  let headRan: () => void = () => undefined;
  const headRanP = new Promise<void>((resolve) => { headRan = resolve; });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gate = Promise.race([headRanP, new Promise<void>((resolve) => { timer = setTimeout(resolve, 30_000); })]);
  const base = nodePipelineEnv();
  const realOrt = base.ort;
  // the first session created (the tail's) waits at the gate; later ones (the GPU-only baseline) do not
  let creates = 0;
  const gatedOrt = {
    ...realOrt,
    InferenceSession: {
      create: async (...args: Parameters<typeof realOrt.InferenceSession.create>) => {
        if (creates++ === 0) {
          await gate;
          events.push('tail session created');
        }
        return realOrt.InferenceSession.create(...args);
      },
    },
  } as unknown as PipelineEnv['ort'];
  const ref = referenceBackend();
  const backend: HeadBackend = {
    ...ref,
    run: async (...args: Parameters<HeadBackend['run']>) => {
      const r = await ref.run(...args);
      events.push('head ran');
      headRan();
      return r;
    },
  };
  const image = decodeImageFile(imagePath('cat'));
  const gated = new HybridPipeline({ ...base, ort: gatedOrt });
  const plain = new HybridPipeline(nodePipelineEnv());
  try {
    const r = await gated.classify({ modelId: 'squeezenet1.1', cut: 0 }, image, backend);
    assert.deepEqual(events.slice(0, 2), ['head ran', 'tail session created'], `order of events: ${events.join(', ')}`);
    const stages = r.timings.map((t) => t.stage);
    assert.ok(stages.indexOf('run-head') < stages.indexOf('quantize-head'), `run-head ended before quantize-head (the tail's session): ${stages.join(', ')}`);
    const p = await plain.classify({ modelId: 'squeezenet1.1', cut: 0 }, image, referenceBackend());
    assert.deepEqual(Array.from(r.head.output), Array.from(p.head.output), 'the head output is that of an ungated run');
    assert.deepEqual(Array.from(r.hybrid.logits), Array.from(p.hybrid.logits), 'the hybrid logits are those of an ungated run');
  } finally {
    clearTimeout(timer);
    await gated.dispose();
    await plain.dispose();
  }
});
