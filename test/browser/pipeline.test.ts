/**
 * The hybrid system in Chromium: DHM head in the emulator worker (comlink), tail and GPU-only baseline on
 * onnxruntime-web in the page's ORT worker (www/ort-worker.ts) — on the wasm EP (the page's choice on a software WebGPU
 * adapter) for the paper's three networks at their earliest cut on the four shared images, and on the WebGPU EP
 * (SwiftShader here: ~100x slower, so one network and one image, plus the cancel sequence that once hung the page).
 * Also: the hybrid result comes before the GPU-only session is even created, and no ORT session is created twice.
 */
import { browserPipelineEnv } from '../../www/platform';
import { ortInWorker } from '../../www/ort-worker';
import { workerBackend, WorkerBackendError } from '../../www/worker-backend';
import { decodeImageUrl } from '../../www/image';
import { HybridPipeline, type HybridFirstResult, type HybridResult, type PipelineEnv } from '../../src/pipeline/pipeline';
import { referenceBackend } from '../../src/pipeline/backends';
import { toFrame } from '../../src/image/preprocess';
import { PAPER_MODELS, SAMPLE_IMAGES } from '../../src/models/registry';
import type { ConvLayer, DhmProgram } from '../../src/dhm/program';
import { ok, equal, arraysEqual, rejects } from './util/assert';
import { createOrtRunner } from '../../src/pipeline/tail';
import { identityModel } from '../../workers/onnx-identity';

const ORT_BASE = '/node_modules/onnxruntime-web/dist/';
const common = { modelsBase: '/models/', compileWorkerUrl: '/dist/workers/compile.worker.js', transferWorkerUrl: '/dist/workers/transfer.worker.js' } as const;
const ortWorker = { base: ORT_BASE, threads: 1, workerUrl: '/dist/workers/ort.worker.js' } as const;
const ortWasm = ortInWorker('wasm', ortWorker);
const ortGpu = ortInWorker('webgpu', ortWorker);
/** Sessions created through each ORT module (counted by wrapping InferenceSession.create). */
const created = { wasm: 0, webgpu: 0 };
for (const [k, o] of [['wasm', ortWasm], ['webgpu', ortGpu]] as const) {
  const create = o.InferenceSession.create.bind(o.InferenceSession);
  (o.InferenceSession as { create: unknown }).create = (...a: Parameters<typeof create>) => {
    created[k]++;
    return create(...a);
  };
}
/** The quantiser is calibrated on these images only; top-1 agreement is asserted on the others (disjoint sets). */
const CALIBRATION_IMAGES: readonly string[] = ['cat', 'dragonfly'];
/** The platform with its calibration set restricted to CALIBRATION_IMAGES. */
function disjointEnv(base: PipelineEnv): PipelineEnv {
  return {
    ...base,
    calibrationFrames: async (model, signal) => (await base.calibrationFrames(model, signal)).filter((_, i) => CALIBRATION_IMAGES.includes(Object.keys(SAMPLE_IMAGES)[i]!)),
  };
}
const pipeline = new HybridPipeline(disjointEnv(browserPipelineEnv({ ...common, ort: ortWasm, tailEp: 'wasm' })));
const gpuPipeline = new HybridPipeline(disjointEnv(browserPipelineEnv({ ...common, ort: ortGpu, tailEp: 'webgpu' })));
const backend = workerBackend({ workerUrl: '/dist/workers/dhm.worker.js', wasmUrl: '/dist/dhm.wasm' });

/** Strict top-1: the hybrid top-1 equals the GPU-only top-1. */
function assertTop1Equal(r: HybridResult, what: string): void {
  const g = r.gpuOnly.top5;
  equal(r.hybrid.top5[0]!.index, g[0]!.index, `${what}: hybrid top-1 ${r.hybrid.top5[0]!.label} vs GPU-only ${g[0]!.label} (GPU-only top1−top2 margin ${(g[0]!.score - g[1]!.score).toFixed(2)} logits)`);
}

describe('hybrid pipeline in Chromium (worker head; tail on the wasm EP, and on WebGPU)', () => {
  after(async () => {
    await pipeline.dispose();
    await gpuPipeline.dispose();
    await backend.dispose();
  });

  it('a consuming tail run hands its input buffer to the ORT worker (detached here) with the same result; a plain run leaves it usable', async () => {
    const runner = await createOrtRunner(ortWasm, identityModel(), 'wasm', 'identity model');
    try {
      const kept = new Float32Array([2.5]);
      arraysEqual(await runner.run(kept, [1]), new Float32Array([2.5]), 'plain run: y = x');
      equal(kept.byteLength, 4, 'plain run: the input is still readable (copied, not transferred)');
      const given = new Float32Array([-7.25]);
      arraysEqual(await runner.run(given, [1], undefined, true), new Float32Array([-7.25]), 'consuming run: y = x');
      equal(given.byteLength, 0, 'consuming run: the input buffer was transferred (detached here), not copied');
    } finally {
      await runner.release();
    }
  });

  for (const id of PAPER_MODELS) {
    it(`${id} at cut 0, wasm EP (ORT worker): hybrid top-1 = GPU-only top-1 on hot_dog and parrot (calibrated on cat and dragonfly), worker = reference bit for bit`, async () => {
      for (const [name, img] of Object.entries(SAMPLE_IMAGES)) {
        const image = await decodeImageUrl(`/models/${img.path}`);
        const r = await pipeline.classify({ modelId: id }, image, backend);
        console.log(`${id} ${name} (wasm EP): hybrid ${r.hybrid.top5[0]!.label} (${r.hybrid.top5[0]!.score.toFixed(2)}), gpu-only ${r.gpuOnly.top5[0]!.label} (${r.gpuOnly.top5[0]!.score.toFixed(2)})`);
        if (!CALIBRATION_IMAGES.includes(name)) assertTop1Equal(r, `${id} ${name}`);
        equal(r.tailEp, 'wasm', 'tail EP');
        equal(r.fallback, null, 'no fallback');
        // the wasm EP is its session's only EP: no placement log is read (ort-squeezenet.test.ts checks that log on wasm)
        equal(r.placementChecked, false, 'no placement log read on the wasm EP');
        equal(r.misplacedNodes.length, 0, `nodes off the CPU EP: ${r.misplacedNodes.join(', ')}`);
        equal(r.head.cycles.total, r.head.formulaCycles.total, 'emulator cycles = formula');
        if (name === 'cat') {
          const p = await pipeline.prepare({ modelId: id });
          const ref = await referenceBackend().run(p.program, toFrame(image, p.model.preprocessing));
          arraysEqual(r.head.output, ref.output, `${id}: worker vs reference head output`);
          equal(r.head.cycles.total, ref.cycles.total, 'worker vs reference cycles');
        }
      }
    });
  }

  it('first result first: the hybrid result is out before the GPU-only session exists; no ORT session is created twice', async () => {
    const image = await decodeImageUrl('/models/images/hot_dog.jpg');
    const before = created.wasm;
    const stages: string[] = [];
    type First = { r: HybridFirstResult; stagesSoFar: string; createdSoFar: number };
    const firsts: First[] = [];
    const cfg = { modelId: 'squeezenet1.1', cut: 3 } as const;
    const fresh = new HybridPipeline(browserPipelineEnv({ ...common, ort: ortWasm, tailEp: 'wasm' }));
    try {
      const r = await fresh.classify(cfg, image, backend, undefined, (s) => stages.push(s), (h) => {
        firsts.push({ r: h, stagesSoFar: stages.join(','), createdSoFar: created.wasm - before });
      });
      equal(firsts.length, 1, 'onHybrid was called once');
      const f = firsts[0]!;
      equal(f.stagesSoFar, 'load-model,choose-cut,quantize-head,run-head,transfer,run-tail,top5', 'hybrid result before the gpu-only stage');
      equal(f.createdSoFar, 1, 'only the tail\'s session existed when the hybrid result was out');
      ok(!('gpuOnly' in f.r) && !f.r.table.some((row) => row.name.startsWith('GPU-only')), 'the first result has no baseline yet');
      arraysEqual(Array.from(f.r.hybrid.logits), Array.from(r.hybrid.logits), 'same hybrid logits in the final result');
      equal(created.wasm - before, 2, 'tail + full model');
      await fresh.classify(cfg, image, backend);
      await fresh.classify({ ...cfg, clockMHz: 150 }, image, backend);
      equal(created.wasm - before, 2, 'later runs (and a clock change) create no session');
      await fresh.classify({ ...cfg, cut: 4 }, image, backend);
      equal(created.wasm - before, 3, 'a new cut creates only its tail session (the full model\'s is reused)');
    } finally {
      await fresh.dispose();
    }
  });

  it('squeezenet1.1 at cut 0 on WebGPU: parrot is a macaw, tail and baseline entirely on WebGPU', async () => {
    const image = await decodeImageUrl('/models/images/parrot.jpg');
    const r = await gpuPipeline.classify({ modelId: 'squeezenet1.1' }, image, backend);
    console.log(`squeezenet1.1 parrot (webgpu EP): hybrid ${r.hybrid.top5[0]!.label}, gpu-only ${r.gpuOnly.top5[0]!.label}; tail ${r.timings.find((t) => t.stage === 'run-tail')!.ms.toFixed(0)} ms`);
    equal(r.hybrid.top5[0]!.index, 88, 'parrot → macaw (hybrid)');
    assertTop1Equal(r, 'squeezenet1.1 parrot');
    equal(r.tailEp, 'webgpu', 'tail EP');
    equal(r.fallback, null, 'no fallback');
    equal(r.placementChecked, true, 'placement read from ORT\'s log');
    equal(r.misplacedNodes.length, 0, `nodes off WebGPU: ${r.misplacedNodes.join(', ')}`);
  });

  it('recycled outputs go back to the worker and come back holding the next result', async () => {
    const p = await pipeline.prepare({ modelId: 'mobilenetv2' });
    const { width, height } = p.program.input;
    const frames = [1, 2, 3].map((k) => ({ width, height, data: new Uint8Array(width * height * 3).map((_, i) => (i * 7 * k + k) & 255) }));
    const ref = referenceBackend();
    let previous: Int32Array | null = null;
    for (const [k, frame] of frames.entries()) {
      const r = await backend.run(p.program, frame);
      if (previous) equal(previous.byteLength, 0, `frame ${k}: the recycled array was transferred to the worker`);
      arraysEqual(r.output, (await ref.run(p.program, frame)).output, `frame ${k}: worker (recycled output) vs reference`);
      backend.recycle!(r.output);
      previous = r.output;
    }
  });

  it('aborting mid-run rejects with an AbortError and the next run succeeds', async () => {
    const image = await decodeImageUrl('/models/images/parrot.jpg');
    const ctrl = new AbortController();
    const p = pipeline.classify({ modelId: 'squeezenet1.1', cut: 1 }, image, backend, ctrl.signal);
    setTimeout(() => ctrl.abort(), 20);
    await rejects(p, (e) => e.name === 'AbortError', 'expected an AbortError');
    const r = await pipeline.classify({ modelId: 'squeezenet1.1', cut: 1 }, image, backend);
    equal(r.hybrid.top5[0]!.index, 88, 'parrot → macaw');
  });

  it('cancelled while the tail of a new cut runs on WebGPU, a run started at once completes (ORT calls are queued)', async () => {
    const pipeline = gpuPipeline;
    // The page's Cancel defect: ORT cannot interrupt a started session.run; a second run on the same session while the
    // first is in flight hung the page. The abort lands once the run-tail stage has started; the next run starts at once.
    const image = await decodeImageUrl('/models/images/parrot.jpg');
    const ctrl = new AbortController();
    const stages: string[] = [];
    const p = pipeline.classify({ modelId: 'squeezenet1.1', cut: 2 }, image, backend, ctrl.signal, (s) => {
      stages.push(s);
      if (s === 'run-tail') setTimeout(() => ctrl.abort(), 0);
    });
    await rejects(p, (e) => e.name === 'AbortError', 'expected an AbortError');
    equal(stages.at(-1), 'run-tail', `aborted in run-tail (stages: ${stages.join(', ')})`);
    const again: string[] = [];
    const r = await pipeline.classify({ modelId: 'squeezenet1.1', cut: 2 }, image, backend, undefined, (s) => again.push(s));
    equal(r.hybrid.top5[0]!.index, 88, 'parrot → macaw');
    equal(again.join(','), 'run-head,transfer,run-tail,top5,gpu-only', 'the prepared cut was reused; onStage saw every stage');
  });

  it('a failing worker (corrupted program) is a typed error and the next run uses a fresh worker', async () => {
    const p = await pipeline.prepare({ modelId: 'squeezenet1.1' });
    const conv = p.program.layers[0] as ConvLayer;
    const corrupted: DhmProgram = { ...p.program, layers: [{ ...conv, weights: conv.weights.subarray(0, 5) }, ...p.program.layers.slice(1)] };
    const frame = { width: p.program.input.width, height: p.program.input.height, data: new Uint8Array(p.program.input.width * p.program.input.height * 3).fill(128) };
    const before = backend.workersStarted;
    const err = await rejects(backend.run(corrupted, frame), (e) => e instanceof WorkerBackendError, 'expected a WorkerBackendError');
    ok(/weights/.test(err.message), `error should name the field: ${err.message}`);
    const good = await backend.run(p.program, frame);
    ok(backend.workersStarted === before + 1, `a fresh worker should have been started (${before} → ${backend.workersStarted})`);
    equal(good.output.length, p.cut.shape.reduce((a, b) => a * b, 1), 'output size');
  });
});
