/**
 * The `cuts` and `split` CLI commands, driven through their exported `run` functions (stdout captured).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { run as cuts } from '../../cli/commands/cuts';
import { run as split } from '../../cli/commands/split';
import { UsageError } from '../../cli/args';
import { MODELS_ROOT } from '../../cli/paths';
import { getModel } from '../../src/models/registry';
import { CutRangeError, OnnxParseError } from '../../src/graph/index';
import { skipUnlessProvisioned } from './helpers/paths';
import { captureLog } from './helpers/capture';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';


const sq = getModel('squeezenet1.1');

describe('cli: cuts and split', { skip: skipUnlessProvisioned(join(MODELS_ROOT, sq.file.path)) }, () => {
  it('cuts --json prints the cut array with the documented fields', async () => {
    const { code, out } = await captureLog(() => cuts(['squeezenet1.1', '--json']));
    assert.equal(code, 0);
    const arr = JSON.parse(out) as Record<string, unknown>[];
    assert.equal(arr.length, 12);
    assert.deepEqual(Object.keys(arr[0]!), ['index', 'tensor', 'shape', 'bytes', 'headLayers', 'headMacs', 'tailMacs', 'headParams', 'tailParams']);
    assert.deepEqual(arr[0]!.shape, [1, 64, 111, 111]);
    assert.equal(arr[0]!.bytes, 64 * 111 * 111);
    assert.equal(arr[1]!.bytes, 64 * 55 * 55);
  });

  it('cuts prints a table for a file path too', async () => {
    const { code, out } = await captureLog(() => cuts([join(MODELS_ROOT, getModel('mobilenetv2').file.path)]));
    assert.equal(code, 0);
    assert.match(out, /18 legal cuts/);
    assert.match(out, /conv_0_relu6\s+1x32x112x112\s+401408/);
  });

  it('split writes head.onnx and tail.onnx that compose to the full model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hybrid-dhm-split-'));
    try {
      const { code, out } = await captureLog(() => split(['squeezenet1.1', '--cut', '2', '--out', dir]));
      assert.equal(code, 0);
      assert.match(out, /cut 2 at 'fire0'/);
      const x = new ort.Tensor('float32', Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i)), [1, 3, 224, 224]);
      const o = { executionProviders: ['wasm'] };
      const full = await (await ort.InferenceSession.create(readFileSync(join(MODELS_ROOT, sq.file.path)), o)).run({ data: x });
      const h = await (await ort.InferenceSession.create(readFileSync(join(dir, 'head.onnx')), o)).run({ data: x });
      const t = await (await ort.InferenceSession.create(readFileSync(join(dir, 'tail.onnx')), o)).run({ fire0: h['fire0']! });
      assert.deepEqual(t[sq.output.name]!.data, full[sq.output.name]!.data);
      assert.equal(JSON.parse(readFileSync(join(dir, 'cut.json'), 'utf8')).tensor, 'fire0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad arguments are typed errors', async () => {
    await assert.rejects(split(['squeezenet1.1', '--cut', '12', '--out', '/tmp/x']), CutRangeError);
    await assert.rejects(split(['squeezenet1.1', '--cut', '1']), UsageError);
    await assert.rejects(cuts([]), UsageError);
    await assert.rejects(cuts(['no-such-model']), /unknown model id/);
    await assert.rejects(cuts([join(MODELS_ROOT, 'labels', 'synset_words_1000_ncnn.txt.onnx')]), /does not exist/);
    await assert.rejects(cuts([join(MODELS_ROOT, 'images', 'cat.bmp')]), OnnxParseError);
  });
});
