/**
 * Behaviour pin of the DHM compiler: the emitted program of every legal cut of squeezenet1.1, mobilenetv2 and
 * shufflenetv2 at 6, 8 and 10 bits (activations and weights, as the page's pipeline asks for them), calibrated on the
 * pipeline's calibration set (the four sample images), must hash to the value recorded in
 * test/node/fixtures/program-hashes.json (SHA-256 of the whole program, meta included: helpers/program-digest.ts).
 * A refactoring of the compiler must leave every hash unchanged. Only a deliberate change of the compiler's output
 * may regenerate the file (PROGRAM_HASHES_WRITE=1 writes it and fails the run, so it is never updated silently).
 *
 * Calibration statistics are computed once per model on the deepest head (helpers/dhm-heads.ts) — heads are nested
 * and the float evaluation is deterministic; the first test shows this gives the same program as calibrating the head
 * on its own, as the pipeline does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileHead } from '../../src/dhm/quantize';
import { compileProgram, estimateCompiler } from '../../src/dhm/compiler';
import { splitAt } from '../../src/graph/index';
import { compileAt, loadModel } from './helpers/dhm-heads';
import { programDigest } from './helpers/program-digest';
import { ROOT } from './helpers/paths';

const FILE = join(ROOT, 'test', 'node', 'fixtures', 'program-hashes.json');
const MODELS = ['squeezenet1.1', 'mobilenetv2', 'shufflenetv2'] as const;
const BITS = [6, 8, 10] as const;
const WRITE = process.env.PROGRAM_HASHES_WRITE === '1';
const key = (id: string, cut: number, bits: number): string => `${id}/cut${cut}/${bits}bit`;

test('a head calibrated on its own (as the pipeline does) equals the one compiled with the shared deepest-head statistics', () => {
  for (const id of MODELS) {
    const l = loadModel(id);
    const own = compileHead(splitAt(l.graph, 1).head, { preprocessing: l.model.preprocessing, calibrationFrames: l.frames, modelId: id, cutIndex: 1, report: false, bits: 8, weightBits: 8 });
    assert.equal(programDigest(own.program), programDigest(compileAt(id, 1, { bits: 8, weightBits: 8 }).program), `${id} cut 1`);
  }
});

test('every legal cut of the three networks at 6, 8 and 10 bits emits the recorded program (hash of the whole program)', { timeout: 600_000 }, () => {
  const want = WRITE ? {} : (JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, string>);
  const got: Record<string, string> = {};
  for (const id of MODELS) {
    for (const c of loadModel(id).cuts) for (const b of BITS) got[key(id, c.index, b)] = programDigest(compileAt(id, c.index, { bits: b, weightBits: b }).program);
  }
  if (WRITE) {
    writeFileSync(FILE, JSON.stringify(got, null, 1) + '\n');
    assert.fail(`PROGRAM_HASHES_WRITE=1: wrote ${Object.keys(got).length} hashes to ${FILE}; rerun without it`);
  }
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), 'the set of (model, cut, bits) differs from the recorded one');
  const diff = Object.keys(want).filter((k) => got[k] !== want[k]);
  assert.deepEqual(diff, [], `${diff.length} of ${Object.keys(want).length} programs changed`);
});

test('estimate mode: the memo shared by the nested heads of a graph changes no program (every legal cut, 6 and 10 bits)', { timeout: 600_000 }, () => {
  for (const id of MODELS) {
    const l = loadModel(id);
    const shared = estimateCompiler(l.graph, l.model.preprocessing, id);
    for (const c of l.cuts) {
      for (const b of [6, 10]) {
        const alone = compileProgram(splitAt(l.graph, c.index).head, { mode: 'estimate', preprocessing: l.model.preprocessing, calibrationFrames: [], bits: b, weightBits: b, cutIndex: c.index, modelId: id }).program;
        assert.equal(programDigest(shared(c, b)), programDigest(alone), `${id} cut ${c.index} ${b}-bit`);
      }
    }
  }
});
