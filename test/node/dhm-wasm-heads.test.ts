/**
 * The Wasm emulator on real model heads: squeezenet1.1, mobilenetv2 and shufflenetv2 cut with src/graph (listCuts /
 * splitAt) and compiled by the DHM compiler (src/dhm/quantize.ts, default 8-bit options, calibrated on the cat
 * image) must equal the reference executor on every integer and the reference simulation and the analytic formula
 * on every cycle count, run on a different image (dragonfly, so calibration clipping is exercised).
 *
 * By default cuts 0, 1 and 3 of each network (the stem, the stem + pool/first block, a few blocks deeper);
 * DHM_ALL_CUTS=1 runs every cut the quantizer accepts (slow: minutes on 2 cores).
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { modelBytes, imagePath } from './helpers/paths';
import { emulatorWasmPath } from './helpers/wasm';
import { createEmulator, type DhmEmulator } from '../../src/dhm/wasm';
import { runReference } from '../../src/dhm/reference';
import { formulaCycles } from '../../src/dhm/cycles';
import { compileHead, QuantizeError } from '../../src/dhm/quantize';
import { loadGraph, listCuts, splitAt } from '../../src/graph/index';
import { getModel } from '../../src/models/registry';
import { decodeBmp } from '../../src/image/bmp';
import { toFrame } from '../../src/image/preprocess';
import { UnsupportedHeadOpError } from '../../src/dhm/float';


let emulator: DhmEmulator;
before(async () => {
  emulator = await createEmulator(readFileSync(emulatorWasmPath()));
});

const ALL = process.env.DHM_ALL_CUTS === '1';

for (const id of ['squeezenet1.1', 'mobilenetv2', 'shufflenetv2'] as const) {
  describe(`${id} heads: Wasm emulator == reference (values and cycles)`, () => {
    const m = getModel(id);
    const g = loadGraph(modelBytes(id));
    const cuts = listCuts(g);
    const calib = toFrame(decodeBmp(readFileSync(imagePath('cat')), 'cat.bmp'), m.preprocessing);
    const frame = toFrame(decodeBmp(readFileSync(imagePath('dragonfly')), 'dragonfly.bmp'), m.preprocessing).data;
    const indices = ALL ? cuts.map((c) => c.index) : [0, 1, 3].filter((i) => i < cuts.length);
    for (const ci of indices) {
      test(`cut ${ci} (${cuts[ci]!.tensor})`, { timeout: 300_000 }, (t) => {
        let program;
        try {
          program = compileHead(splitAt(g, ci).head, { preprocessing: m.preprocessing, calibrationFrames: [calib], report: false, modelId: id, cutIndex: ci }).program;
        } catch (e) {
          if (ALL && (e instanceof QuantizeError || e instanceof UnsupportedHeadOpError)) {
            t.skip(`the quantizer does not accept this cut: ${(e as Error).message}`);
            return;
          }
          throw e;
        }
        const got = emulator.run(program, frame);
        const ref = runReference(program, frame);
        assert.equal(got.output.length, ref.output.length);
        const i = got.output.findIndex((v, k) => v !== ref.output[k]);
        assert.equal(i, -1, `${id} cut ${ci}: output[${i}] wasm ${got.output[i]} ≠ reference ${ref.output[i]}`);
        assert.deepEqual(got.cycles, ref.cycles, `${id} cut ${ci}: cycles ≠ reference simulation`);
        assert.deepEqual(got.cycles, formulaCycles(program), `${id} cut ${ci}: cycles ≠ formula`);
        // The real heads must run on the SIMD fast paths (else the benchmark measures the wrong datapath).
        for (const [layer, dp] of emulator.prepare(program)) assert.notEqual(dp, 'exact-i64', `${id} cut ${ci} layer ${layer} fell back to the exact datapath`);
      });
    }
  });
}
