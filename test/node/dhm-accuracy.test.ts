/**
 * Accuracy of the hybrid system with the default 8-bit configuration: quantised head (reference executor) →
 * dequantise → float tail (onnxruntime-web wasm EP, tail ONNX from the partitioner) gives the float model's top-1 on
 * the four sample images, for each paper network at its earliest cut (0) and a cut a few blocks deeper (3).
 * Where the float model's own top-1/top-2 margin is under 1 logit, top-1 within the float top-3 is accepted and the
 * margin is stated. Calibration uses the same four images (the only images the project ships) — stated, not hidden.
 * The per-tensor SQNR report of the deeper head is printed.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import { writeOnnx } from '../../src/graph/index';
import { frameToTensor } from '../../src/image/preprocess';
import { runReference } from '../../src/dhm/reference';
import { dequantizeOutput } from '../../src/dhm/dequantize';
import { formatReport } from '../../src/dhm/quantize';
import { compileAt, loadModel, PAPER_MODELS } from './helpers/dhm-heads';
import { modelBytes, SAMPLE_IDS } from './helpers/paths';

ort.env.wasm.numThreads = 1;

const CUTS = [0, 3];

function topK(a: Float32Array, k: number): number[] {
  return [...a.keys()].sort((i, j) => a[j]! - a[i]!).slice(0, k);
}

async function runSession(s: ort.InferenceSession, data: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const out = await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', data, [...dims]) });
  return out[s.outputNames[0]!]!.data as Float32Array;
}

describe('hybrid (8-bit DHM head + float tail) top-1 == float top-1 on the sample images', () => {
  for (const id of PAPER_MODELS) {
    test(id, { timeout: 600_000 }, async () => {
      const l = loadModel(id);
      const full = await ort.InferenceSession.create(modelBytes(id));
      const float: { top: number[]; margin: number }[] = [];
      for (const f of l.frames) {
        const t = frameToTensor(f, l.model.preprocessing);
        const logits = await runSession(full, t.data, t.dims);
        const top = topK(logits, 3);
        float.push({ top, margin: logits[top[0]!]! - logits[top[1]!]! });
      }
      for (const cut of CUTS) {
        const r = compileAt(id, cut, { report: cut === CUTS.at(-1) });
        const tail = await ort.InferenceSession.create(writeOnnx(r.tail));
        for (let i = 0; i < l.frames.length; i++) {
          const q = runReference(r.program, l.frames[i]!.data);
          const dq = dequantizeOutput(r.program, q.output);
          const hybridTop = topK(await runSession(tail, dq.data, dq.dims), 3);
          const fl = float[i]!;
          const what = `${id} cut ${cut} (${r.cutPoint.tensor}) image ${SAMPLE_IDS[i]}: hybrid top-3 [${hybridTop}] vs float top-3 [${fl.top}], float top1−top2 margin ${fl.margin.toFixed(3)} logits`;
          console.log(what);
          if (fl.margin >= 1) assert.equal(hybridTop[0], fl.top[0], what);
          else assert.ok(fl.top.includes(hybridTop[0]!), `${what} (margin < 1 logit: top-1 must be within the float top-3)`);
        }
        if (r.report.length) console.log(`per-tensor report, ${id} cut ${cut} (SQNR measured over the 4 sample images):\n${formatReport(r.report)}`);
        await tail.release();
      }
      await full.release();
    });
  }
});
