/**
 * The page's quantiser worker (www/compile-worker.ts over dist/workers/compile.worker.js): the program it returns is
 * the in-process `compileHead` program, field by field and integer by integer; a bad option is a typed error naming
 * the worker-side error and the option, and the next compile starts a fresh worker; an abort terminates the compile.
 */
import { workerCompiler, CompileWorkerError } from '../../www/compile-worker';
import { decodeImageUrl } from '../../www/image';
import { compileHead, type CompileOptions } from '../../src/dhm/quantize';
import { loadGraph, splitAt } from '../../src/graph/index';
import { getModel } from '../../src/models/registry';
import { loadCalibrationFrames } from '../../src/dhm/calibration-set';
import { ok, equal, rejects } from './util/assert';
import { fetchBytes } from './util/fetch';

/** JSON with typed arrays spelled out, so two programs compare integer by integer. */
function canonicalJson(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { [v.constructor.name]: Array.from(v as unknown as ArrayLike<number>) } : v));
}

describe('quantiser in a worker (page)', () => {
  const compiler = workerCompiler('/dist/workers/compile.worker.js');
  after(() => compiler.dispose());

  async function headAndOptions(cut: number): Promise<{ head: ReturnType<typeof splitAt>['head']; options: CompileOptions }> {
    const model = getModel('shufflenetv2');
    const bytes = await fetchBytes(`/models/${model.file.path}`);
    const { head } = splitAt(loadGraph(bytes, model.file.path), cut);
    const frames = await loadCalibrationFrames(model.preprocessing, (img) => decodeImageUrl(`/models/${img.file.path}`));
    return { head, options: { calibrationFrames: frames, preprocessing: model.preprocessing, modelId: model.id, cutIndex: cut } };
  }

  it('gives the same program and report as compileHead in-process (ShuffleNetV2 cuts 0 and 1)', async () => {
    for (const cut of [0, 1]) {
      const { head, options } = await headAndOptions(cut);
      const inWorker = await compiler.compile(head, options);
      const here = compileHead(head, options);
      equal(canonicalJson(inWorker.program), canonicalJson(here.program), `cut ${cut}: program`);
      equal(canonicalJson(inWorker.report), canonicalJson(here.report), `cut ${cut}: report`);
      ok(inWorker.program.layers.length > 0, 'non-empty program');
    }
  });

  it('a bad option is a CompileWorkerError naming QuantizeError and the option; the next compile uses a fresh worker', async () => {
    const { head, options } = await headAndOptions(0);
    const before = compiler.workersStarted;
    const err = await rejects(compiler.compile(head, { ...options, bits: 3 }), (e) => e instanceof CompileWorkerError, 'expected a CompileWorkerError');
    equal((err as CompileWorkerError).workerErrorName, 'QuantizeError', err.message);
    ok(/bits/.test(err.message) && /3/.test(err.message), `the message names the option and value: ${err.message}`);
    const good = await compiler.compile(head, options);
    ok(good.program.layers.length > 0, 'compiled after the failure');
    equal(compiler.workersStarted, before + 1, 'a fresh worker after the failure');
  });

  it('an abort rejects with an AbortError at once and the next compile works', async () => {
    const { head, options } = await headAndOptions(1);
    const ctrl = new AbortController();
    const p = compiler.compile(head, options, ctrl.signal);
    setTimeout(() => ctrl.abort(), 5);
    await rejects(p, (e) => e.name === 'AbortError', 'expected an AbortError');
    const good = await compiler.compile(head, options);
    ok(good.program.layers.length > 0, 'compiled after the abort');
  });
});
