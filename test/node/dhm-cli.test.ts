/**
 * `hybrid-dhm quantize` and `hybrid-dhm emulate` (cli/commands/quantize.ts, emulate.ts) through their run()
 * functions: JSON keys, sha256 of the output feature map (int32 LE, NCHW) equal to an independent hash of the
 * reference output, run cycles == formula cycles, the Wasm backend agreeing with the reference, usage errors.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { run as quantize } from '../../cli/commands/quantize';
import { run as emulate } from '../../cli/commands/emulate';
import { UsageError } from '../../cli/args';
import { runReference } from '../../src/dhm/reference';
import { toFrame } from '../../src/image/preprocess';
import { decodeImageFile } from '../../cli/image';
import { compileAt, loadModel } from './helpers/dhm-heads';
import { imagePath, ROOT } from './helpers/paths';
import { freshDistWasm } from './helpers/wasm';
import { captureLog } from './helpers/capture';

/** Run a command, capturing console.log output. */
/** Run a command's `run(argv)` with console.log captured. */
const capture = (fn: (argv: string[]) => Promise<number>, argv: string[]) => captureLog(() => fn(argv));

describe('hybrid-dhm quantize', () => {
  test('--json prints the per-tensor report', { timeout: 120_000 }, async () => {
    const { code, out } = await capture(quantize, ['squeezenet1.1', '--cut', '1', '--bits', '8', '--rounding', 'half-even', '--json']);
    assert.equal(code, 0);
    const j = JSON.parse(out);
    assert.equal(j.model, 'squeezenet1.1');
    assert.equal(j.options.rounding, 'half-even');
    assert.deepEqual(j.output.shape, [1, 64, 55, 55]);
    assert.equal(j.tensors.length, 2);
    for (const t of j.tensors) for (const k of ['stream', 'layer', 'min', 'max', 'format', 'clippedFraction', 'sqnrDb']) assert.ok(k in t, k);
    assert.match(j.tensors[0].format, /^UFIXED<8,\d+>$/);
  });
  test('text table and usage errors', async () => {
    const { out } = await capture(quantize, ['shufflenetv2', '--cut', '0']);
    assert.match(out, /SQNR dB/);
    assert.match(out, /Conv_0_quant/);
    await assert.rejects(quantize(['shufflenetv2']), UsageError);
    await assert.rejects(quantize(['shufflenetv2', '--cut', '0', '--rounding', 'nearest']), (e: Error) => e instanceof UsageError && /rounding/.test(e.message));
    await assert.rejects(quantize(['mobilenetv2-int8', '--cut', '0']), (e: Error) => e instanceof UsageError && /int8/.test(e.message));
  });
});

describe('hybrid-dhm emulate', () => {
  const sha = (v: Int32Array): string => {
    const b = new Uint8Array(v.length * 4);
    const dv = new DataView(b.buffer);
    v.forEach((x, i) => dv.setInt32(i * 4, x, true));
    return createHash('sha256').update(b).digest('hex');
  };
  test('reference backend: shape, format, sha256 of the feature map, cycles == formula', { timeout: 120_000 }, async () => {
    const { code, out } = await capture(emulate, ['mobilenetv2', '--cut', '1', '--image', imagePath('parrot'), '--backend', 'reference', '--json']);
    assert.equal(code, 0);
    const j = JSON.parse(out);
    const { program } = compileAt('mobilenetv2', 1);
    const frame = toFrame(decodeImageFile(imagePath('parrot')), loadModel('mobilenetv2').model.preprocessing);
    const ref = runReference(program, frame.data);
    assert.deepEqual(j.shape, [1, 16, 112, 112]);
    assert.match(j.format, /^FIXED<8,-?\d+>$/);
    assert.equal(j.sha256, sha(ref.output), 'sha256 of int32 LE NCHW output');
    assert.deepEqual(j.cycles, { total: ref.cycles.total, firstOutput: ref.cycles.firstOutput });
    assert.deepEqual(j.formulaCycles, j.cycles);
  });
  test('wasm backend agrees with the reference (sha256 and cycles)', { timeout: 120_000 }, async () => {
    freshDistWasm(); // the CLI loads dist/dhm.wasm: it must match the wasm-dhm/ sources
    const args = ['shufflenetv2', '--cut', '3', '--image', imagePath('cat'), '--json'];
    const a = JSON.parse((await capture(emulate, [...args, '--backend', 'reference'])).out);
    const b = JSON.parse((await capture(emulate, [...args, '--backend', 'wasm'])).out);
    assert.equal(b.sha256, a.sha256);
    assert.deepEqual(b.cycles, a.cycles);
    assert.deepEqual(b.formulaCycles, b.cycles);
  });
  test('usage errors name the missing flag', async () => {
    await assert.rejects(emulate(['mobilenetv2', '--cut', '0']), (e: Error) => e instanceof UsageError && /--image/.test(e.message));
    await assert.rejects(emulate(['mobilenetv2', '--cut', '0', '--image', 'x.bmp', '--backend', 'gpu']), (e: Error) => e instanceof UsageError && /backend/.test(e.message));
  });
});
