/**
 * The Wasm emulator in a module worker (dist/workers/dhm.worker.js, driven through comlink) must return exactly what
 * the same emulator computes in-process (dist/dhm.wasm loaded on the page): every integer and every cycle count, on
 * seeded random programs; typed errors cross the worker boundary with their name and code in the message.
 * Needs `npm run build` (dist/dhm.wasm, dist/workers/dhm.worker.js).
 */
import { wrap, transfer, releaseProxy, type Remote } from 'comlink';
import type { DhmWorkerApi } from '../../workers/dhm.worker';
import { createEmulator, type DhmEmulator } from '../../src/dhm/wasm';
import { randomFrame, randomProgram } from '../../src/dhm/random';
import type { ConvLayer, DhmProgram } from '../../src/dhm/program';
import { ok, equal, arraysEqual } from './util/assert';

const WORKER_URL = '/dist/workers/dhm.worker.js';
const WASM_URL = '/dist/dhm.wasm';

describe('DHM emulator worker (comlink) vs in-process emulator', () => {
  let worker: Worker;
  let api: Remote<DhmWorkerApi>;
  let local: DhmEmulator;

  before(async () => {
    const res = await fetch(WASM_URL);
    ok(res.ok, `${WASM_URL}: HTTP ${res.status} (run npm run build)`);
    local = await createEmulator(await res.arrayBuffer());
    worker = new Worker(WORKER_URL, { type: 'module', name: 'dhm-test' });
    api = wrap<DhmWorkerApi>(worker);
    await api.init(); // default: ../dhm.wasm relative to the worker script = /dist/dhm.wasm
  });

  after(() => {
    api[releaseProxy]();
    worker.terminate();
  });

  it('40 random programs: worker output (transferred) and cycles equal the in-process run', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const p = randomProgram(seed, { maxSize: 24 });
      const frame = randomFrame(seed, p.input.height, p.input.width);
      const mine = local.run(p, frame);
      const copy = frame.slice();
      const theirs = await api.run(p, transfer(copy, [copy.buffer]));
      ok(theirs.output instanceof Int32Array, `seed ${seed}: output is an Int32Array`);
      equal(copy.byteLength, 0, `seed ${seed}: the frame was transferred, not copied`);
      arraysEqual(theirs.output, mine.output, `seed ${seed} output`);
      equal(JSON.stringify(theirs.cycles), JSON.stringify(mine.cycles), `seed ${seed} cycles`);
    }
  });

  it('a program sent again hits the worker layout cache; one changed weight is noticed', async () => {
    const p = randomProgram(14, { steps: 2, maxSize: 16 });
    const f1 = randomFrame(1, p.input.height, p.input.width);
    const f2 = randomFrame(2, p.input.height, p.input.width);
    arraysEqual((await api.run(p, f1)).output, local.run(p, f1).output, 'first frame');
    arraysEqual((await api.run(p, f2)).output, local.run(p, f2).output, 'second frame, same program content');
    const conv = p.layers[0] as ConvLayer;
    const w = conv.weights.slice();
    const wmax = 2 ** (conv.weightFormat.bits - 1) - 1;
    w[0] = w[0] === wmax ? -wmax : wmax;
    const q: DhmProgram = { ...p, layers: [{ ...conv, weights: w }, ...p.layers.slice(1)] };
    const before = local.run(p, f2).output;
    const after = local.run(q, f2).output;
    ok(after.some((v, i) => v !== before[i]), 'the changed weight changes the output (else this test proves nothing)');
    arraysEqual((await api.run(q, f2)).output, after, 'changed weight');
  });

  it('init with bytes instead of a URL works the same', async () => {
    const bytes = new Uint8Array(await (await fetch(WASM_URL)).arrayBuffer());
    const w2 = new Worker(WORKER_URL, { type: 'module' });
    const api2 = wrap<DhmWorkerApi>(w2);
    try {
      await api2.init(transfer(bytes, [bytes.buffer]));
      const p = randomProgram(77, { steps: 3 });
      const frame = randomFrame(77, p.input.height, p.input.width);
      const r = await api2.run(p, frame);
      arraysEqual(r.output, local.run(p, frame).output, 'bytes-initialised worker');
      const dp = await api2.prepare(p);
      ok(Object.keys(dp).length >= 1, 'prepare lists the conv datapaths');
    } finally {
      api2[releaseProxy]();
      w2.terminate();
    }
  });

  it('a recycled output array is written into and returned; a wrong-sized one is dropped', async () => {
    const p = randomProgram(21, { steps: 2, maxSize: 20 });
    const frame = randomFrame(21, p.input.height, p.input.width);
    const mine = local.run(p, frame);
    const recycled = new Int32Array(mine.output.length).fill(-12345);
    const r = await api.run(p, frame, transfer(recycled, [recycled.buffer]));
    equal(recycled.byteLength, 0, 'the recycled array was transferred to the worker');
    arraysEqual(r.output, mine.output, 'output written into the recycled array');
    equal(JSON.stringify(r.cycles), JSON.stringify(mine.cycles), 'cycles');
    const wrong = new Int32Array(mine.output.length + 1).fill(7);
    const r2 = await api.run(p, frame, transfer(wrong, [wrong.buffer]));
    equal(r2.output.length, mine.output.length, 'a fresh array of the right size');
    arraysEqual(r2.output, mine.output, 'wrong-sized recycled array ignored');
  });

  it('a bad frame fails in the worker with DhmEmulatorError naming the cause', async () => {
    const p = randomProgram(5);
    let err: Error | null = null;
    try {
      await api.run(p, new Uint8Array(7));
    } catch (e) {
      err = e as Error;
    }
    ok(err !== null, 'run rejected');
    equal(err!.name, 'DhmEmulatorError', 'error name');
    ok(/\[bad-frame\]/.test(err!.message) && /expected \d+x\d+x3/.test(err!.message), `message names code and expected size: ${err!.message}`);
  });
});
