/**
 * The DHM clock is applied to every run, not cached with the prepared (model, cut): changing the clock between two
 * runs of the same model and cut changes the run's modelled FPGA time (issue 16's stale-clock defect: the first
 * version cached `clockMHz` inside the prepared system and kept the first run's clock).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HybridPipeline, type HybridResult } from '../../src/pipeline/pipeline';
import { wasmInProcessBackend } from '../../src/pipeline/backends';
import { nodePipelineEnv } from '../../cli/env';
import { decodeImageFile } from '../../cli/image';
import { ROOT, imagePath } from './helpers/paths';

const row = (r: HybridResult, prefix: string) => r.table.find((x) => x.name.startsWith(prefix))!.figure;

test('changing the clock between two runs of the same model and cut: the second run uses the new clock, the program is reused', { timeout: 300_000 }, async () => {
  const pipeline = new HybridPipeline(nodePipelineEnv());
  try {
    const backend = await wasmInProcessBackend(readFileSync(join(ROOT, 'dist', 'dhm.wasm')));
    const image = decodeImageFile(imagePath('cat'));
    const a = await pipeline.classify({ modelId: 'squeezenet1.1', cut: 0, clockMHz: 76 }, image, backend);
    const b = await pipeline.classify({ modelId: 'squeezenet1.1', cut: 0, clockMHz: 152 }, image, backend);
    assert.ok(b.timings.filter((t) => t.stage === 'quantize-head').every((t) => t.cached), 'the prepared program is reused (cached), only the clock changed');
    assert.equal(b.head.cycles.total, a.head.cycles.total, 'same program, same cycles');
    const ta = row(a, 'FPGA head time');
    const tb = row(b, 'FPGA head time');
    assert.ok(Math.abs(ta.value - a.head.cycles.total / 76e3) < 1e-9, `76 MHz: ${ta.value} ms`);
    assert.ok(Math.abs(tb.value - b.head.cycles.total / 152e3) < 1e-9, `152 MHz: ${tb.value} ms (the first run's clock would give ${ta.value} ms)`);
    assert.match(tb.source, /152 MHz, set by the user/);
    const p = await pipeline.prepare({ modelId: 'squeezenet1.1', cut: 0, clockMHz: 100 });
    assert.equal(p.clockMHz, 100, 'prepare returns the clock of the config it was asked for');
    const d = await pipeline.prepare({ modelId: 'squeezenet1.1', cut: 0 });
    assert.equal(d.clockMHz, 76);
    assert.match(d.clockSource, /default/);
  } finally {
    await pipeline.dispose();
  }
});
