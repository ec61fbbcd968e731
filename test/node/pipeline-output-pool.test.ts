/**
 * Output recycling (HeadBackend.recycle, src/pipeline/output-pool.ts): the in-process Wasm backend writes the next
 * frame's output into an array handed back, with the same integers as the reference executor; the pool keeps at most
 * its limit, only arrays of the asked length, and never partial views of a larger buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emulatorWasmPath } from './helpers/wasm';
import { OutputPool } from '../../src/pipeline/output-pool';
import { referenceBackend, wasmInProcessBackend } from '../../src/pipeline/backends';
import { randomFrame, randomProgram } from '../../src/dhm/random';

test('OutputPool: length match, limit, whole-buffer views only', () => {
  const pool = new OutputPool(2);
  const a = new Int32Array(10);
  const b = new Int32Array(10);
  const c = new Int32Array(12);
  pool.put(a);
  pool.put(a); // already kept
  assert.equal(pool.size, 1);
  pool.put(b);
  pool.put(c); // over the limit: a (oldest) dropped
  assert.equal(pool.size, 2);
  pool.put(new Int32Array(new ArrayBuffer(64), 4, 10)); // partial view: ignored
  assert.equal(pool.size, 2);
  assert.equal(pool.take(11), undefined);
  assert.equal(pool.take(10), b);
  assert.equal(pool.take(10), undefined);
  assert.equal(pool.take(12), c);
  assert.equal(pool.size, 0);
});

test('wasm in-process backend: a recycled array receives the next output, bit-exact with the reference', async () => {
  const wasm = await wasmInProcessBackend(readFileSync(emulatorWasmPath()));
  const ref = referenceBackend();
  assert.equal(typeof wasm.recycle, 'function');
  const p = randomProgram(31, { steps: 3, maxSize: 20 });
  const frame = (seed: number) => ({ width: p.input.width, height: p.input.height, data: randomFrame(seed, p.input.height, p.input.width) });
  const r1 = await wasm.run(p, frame(1));
  assert.deepEqual(r1.output, (await ref.run(p, frame(1))).output);
  const kept = r1.output;
  wasm.recycle!(kept);
  const r2 = await wasm.run(p, frame(2));
  assert.equal(r2.output, kept, 'the second output is written into the recycled array');
  assert.deepEqual(r2.output, (await ref.run(p, frame(2))).output, 'and holds frame 2\'s integers');
  const r3 = await wasm.run(p, frame(3));
  assert.notEqual(r3.output, kept, 'an array is reused once per hand-back');
});
