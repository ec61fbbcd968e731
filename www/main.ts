/**
 * The zero-install demo page (issue 8, issue 16): choose a network, an image, a cut, a bit width and a clock; see FPGA
 * resources and the paper platform's modelled figures live; run the hybrid system (head on the chosen backend, tail on
 * the chosen EP) against the GPU-only baseline on the same EP, or continuously in live mode.
 *
 * This file only boots the page: it detects the browser's capabilities, chooses the tail's EP (www/tail-choice.ts),
 * starts that EP's onnxruntime-web build in a worker (www/ort-worker.ts), and wires the panels of www/panels/ around the one state
 * object of www/state.ts:
 *   status (status line, progress, errors) · capabilities · inputs (controls, image) · estimates (worker) ·
 *   run (Run / Cancel, backends) · result · live.
 * A new panel is one file in www/panels/ and a line below.
 */
import { detectCapabilities } from './capabilities';
import { browserPipelineEnv, fetchWithProgress } from './platform';
import { enableOffline, keepForOffline } from './offline';
import { ortWasmUrl } from './ort-loader';
import { ortInWorker } from './ort-worker';
import { chooseTailEp, TAIL_PARAM } from './tail-choice';
import { longTaskMonitor } from './long-tasks';
import { estimatesClient } from './estimates-client';
import { createState } from './state';
import { HybridPipeline, type PipelineEnv } from '../src/pipeline/pipeline';
import { createStatusPanel } from './panels/status';
import { renderBuildInfo, renderCapabilities, renderOffline } from './panels/capabilities';
import { createInputsPanel } from './panels/inputs';
import { createEstimatesPanel } from './panels/estimates';
import { createResultPanel } from './panels/result';
import { createBackends, createRunPanel } from './panels/run';
import { createLivePanel } from './panels/live';
import { $ } from './dom';
import { mountAccuracyPanel } from './accuracy';
import { decodeImageUrl } from './image';
import { getModel, SAMPLE_IMAGES } from '../src/models/registry';

const longTasks = longTaskMonitor();
const state = createState();
const status = createStatusPanel();
status.set('Loading…', 'loading');

const caps = await detectCapabilities();
const tail = chooseTailEp(caps.webgpu, new URLSearchParams(location.search).get(TAIL_PARAM));
renderCapabilities(caps, tail);
void renderBuildInfo();

const hadController = 'serviceWorker' in navigator && navigator.serviceWorker.controller !== null;
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController) return; // first install: nothing to reload
    status.message('A new version of this page was installed for offline use: reload to use it.', { 'data-msg': 'update' });
  });
}

/** `?threads=N` (1..16) sets onnxruntime-web's wasm threads; anything else is ignored with a visible message. */
function threadsFromUrl(): number | undefined {
  const raw = new URLSearchParams(location.search).get('threads');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 16) return n;
  status.message(`URL parameter threads=${raw} ignored: expected an integer from 1 to 16.`);
  return undefined;
}
const threads = threadsFromUrl();

// onnxruntime-web: the tail EP's build, in its own worker (www/ort-worker.ts), started once its .wasm is prefetched
// with visible progress.
const ortWasm = fetchWithProgress(ortWasmUrl(tail.ep), 'onnxruntime-web runtime', status.onDownload).catch((e: Error) => {
  // Not fatal: ORT fetches the file itself when it starts.
  status.message(`Could not prefetch the onnxruntime-web runtime (${e.message}); it will be fetched when the first session is created.`);
  return null;
});
const ort = ortInWorker(tail.ep, { wasmBinary: ortWasm, ...(threads !== undefined ? { threads } : {}) });
const ortReady = ortWasm;

const baseEnv = { ...browserPipelineEnv({ ort, tailEp: tail.ep, onProgress: status.onDownload }), ortReady };
const fileCache = new Map<string, Promise<Uint8Array>>();
/** The platform, with model files fetched once for the estimates, the pipeline and the offline store. */
const env: PipelineEnv = {
  ...baseEnv,
  calibrationFrames: baseEnv.calibrationFrames.bind(baseEnv),
  ...(baseEnv.compileHead ? { compileHead: baseEnv.compileHead.bind(baseEnv) } : {}),
  ...(baseEnv.quantReport ? { quantReport: baseEnv.quantReport.bind(baseEnv) } : {}),
  loadFile(path, signal) {
    let p = fileCache.get(path);
    if (!p) {
      p = baseEnv.loadFile(path, signal);
      fileCache.set(path, p);
      p.then((bytes) => { if (path.endsWith('.onnx')) void keepForOffline(new URL(`models/${path}`, location.href).href, bytes); }, () => fileCache.delete(path));
    }
    return p;
  },
};
const pipeline = new HybridPipeline(env);

const inputs = createInputsPanel(state, status, tail);
// The default system (first network, cut 0, 8 bits) is prepared in the background from the start — quantised in its
// worker, the tail's session created once the runtime is loaded — so the first Run starts from a prepared system.
// Work that can wait (the estimates' sweep over every cut) waits for it.
void env.calibrationFrames(getModel(inputs.model())).catch(() => undefined); // in the compile worker, while the model loads
const defaultPrepared = pipeline.prepare(inputs.config()).catch(() => undefined);
// Offline support after that too: a first visit's service worker downloads the whole app shell (both ORT builds).
void defaultPrepared.then(() => enableOffline()).then(renderOffline);
const estimates = createEstimatesPanel(state, status, inputs, pipeline, estimatesClient(), defaultPrepared);
const result = createResultPanel(estimates);
const backends = createBackends();
// The emulator worker and its .wasm, started now: the first run's head should not pay for them.
void (backends.get('emulator') as { warm?: () => Promise<void> }).warm?.().catch(() => undefined);
const deps = { state, status, inputs, estimates, result, backends, pipeline, longTasks, ortReady };
createRunPanel(deps);
createLivePanel(deps);

$<HTMLSelectElement>('network').addEventListener('change', () => void estimates.selectNetwork());
$('cut').addEventListener('input', estimates.schedule);
$('bits').addEventListener('change', estimates.schedule);
$('clock').addEventListener('input', estimates.schedule);

status.set('Loading the network and the sample image…', 'loading');
await Promise.all([inputs.useSample('cat'), estimates.selectNetwork()]);
// The accuracy-per-bit-width panel (issue 15, www/accuracy.ts): measured on demand (its button).
mountAccuracyPanel($('app'), {
  env, backend: () => backends.get('emulator'), model: () => inputs.config().modelId, cut: () => inputs.config().cut ?? 0,
  images: () => Promise.all(Object.entries(SAMPLE_IMAGES).map(async ([name, f]) => ({ name, image: await decodeImageUrl(`models/${f.path}`) }))),
});

/** Handles for debugging from the console and for the end-to-end tests (read-only use). */
(globalThis as unknown as { hybridDemo: object }).hybridDemo = { pipeline, env, ort, ortReady, tail, state, longTasks };
