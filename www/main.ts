/** The demo page (capability report + SqueezeNet 1.1 on WebGPU until the full demo lands). */
import * as ort from 'onnxruntime-web/webgpu';
import { detectCapabilities, type Capabilities } from './capabilities';
import { decodeImageUrl } from './image';
import { getModel, LABEL_FILES } from '../src/models/registry';
import { parseLabels, topK } from '../src/models/labels';
import { frameToTensor, toFrame } from '../src/image/preprocess';
import { withPlacementLog } from '../src/ort/placement';

const $ = (id: string): HTMLElement => document.getElementById(id)!;

function renderCapabilities(c: Capabilities): void {
  const rows: [string, string, 'ok' | 'warn' | 'bad'][] = [
    ['WebGPU', c.webgpu.available ? `${c.webgpu.vendor || '?'} / ${c.webgpu.architecture || '?'}${c.webgpu.isFallbackAdapter ? ' (software fallback adapter)' : ''}` : `unavailable: ${c.webgpu.error}`, c.webgpu.available ? (c.webgpu.isFallbackAdapter ? 'warn' : 'ok') : 'bad'],
    ['Wasm SIMD', c.wasmSimd ? 'yes' : 'no (the emulator needs it)', c.wasmSimd ? 'ok' : 'bad'],
    ['Wasm threads', c.crossOriginIsolated ? `yes (cross-origin isolated, ${c.hardwareConcurrency} cores)` : 'no (page is not cross-origin isolated: single-threaded wasm)', c.crossOriginIsolated ? 'ok' : 'warn'],
    ['Web Serial', c.webSerial ? 'yes (a real board can be connected)' : 'no (real board unavailable; emulator and simulated board still work)', c.webSerial ? 'ok' : 'warn'],
  ];
  $('cap-list').replaceChildren(...rows.flatMap(([k, v, cls]) => {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.className = cls;
    dd.dataset.cap = k;
    return [dt, dd];
  }));
}

async function runSqueezeNet(c: Capabilities): Promise<void> {
  const status = $('status');
  const model = getModel('squeezenet1.1');
  ort.env.wasm.wasmPaths = { wasm: new URL('./ort/ort-wasm-simd-threaded.asyncify.wasm', location.href).href };
  ort.env.wasm.numThreads = c.crossOriginIsolated ? Math.min(4, c.hardwareConcurrency) : 1;
  ort.env.logLevel = 'verbose';
  const ep = c.webgpu.available ? 'webgpu' : 'wasm';
  status.textContent = `Loading ${model.title}…`;
  const [bytes, labelsText, img] = await Promise.all([
    fetch(`models/${model.file.path}`).then((r) => { if (!r.ok) throw new Error(`model ${model.file.path}: HTTP ${r.status} (run npm run models)`); return r.arrayBuffer(); }),
    fetch(`models/${LABEL_FILES[model.labels].path}`).then((r) => r.text()),
    decodeImageUrl('models/images/cat.bmp'),
  ]);
  status.textContent = `Creating session on ${ep}${ep === 'wasm' ? ' (WebGPU unavailable: FALLBACK to the wasm EP)' : ''}…`;
  const { result: session, placement } = await withPlacementLog(() =>
    ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: [ep], logSeverityLevel: 0 }));
  ort.env.logLevel = 'warning';
  const frame = toFrame(img, model.preprocessing);
  const t = frameToTensor(frame, model.preprocessing);
  status.textContent = 'Running…';
  const t0 = performance.now();
  const out = await session.run({ [model.input.name]: new ort.Tensor('float32', t.data, t.dims) });
  const ms = performance.now() - t0;
  const scores = out[model.output.name]!.data as Float32Array;
  const labels = parseLabels(labelsText, model.labels);
  $('top5').replaceChildren(...topK(scores, 5, labels).map((r) => {
    const li = document.createElement('li');
    li.textContent = `${r.label} (${r.score.toFixed(2)})`;
    li.dataset.index = String(r.index);
    return li;
  }));
  const placed = placement.allOn ? `all ${placement.nodeCount} nodes on ${placement.allOn}` : `placement: ${Object.entries(placement.nodesByProvider).map(([k, v]) => `${k}: ${v.length}`).join(', ') || 'not logged'}`;
  status.textContent = `cat.bmp on ${ep} — ${placed}; run ${ms.toFixed(0)} ms (measured here, first run includes shader compilation)`;
  status.dataset.done = 'true';
  await session.release();
}

const caps = await detectCapabilities();
renderCapabilities(caps);
runSqueezeNet(caps).catch((e: Error) => {
  $('status').textContent = `Error: ${e.message}`;
  $('status').className = 'bad';
  $('status').dataset.done = 'error';
});
