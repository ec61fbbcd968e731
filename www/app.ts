/**
 * The demo page after its first module (www/main.ts, which detected the capabilities, chose the tail's EP and started
 * the first downloads: www/early.ts).
 *
 * This file only boots the page: it takes the capabilities and the tail's EP from www/main.ts, starts that EP's onnxruntime-web build in a worker (www/ort-worker.ts), and wires the panels of www/panels/ around the one state
 * object of www/state.ts:
 *   status (status line, progress, errors) · capabilities · inputs (controls, image) · estimates (worker) ·
 *   run (Run / Cancel, backends) · result · live.
 * A new panel is one file in www/panels/ and a line below.
 */
import { boot, booted } from './early';
import { browserPipelineEnv } from './platform';
import { enableOffline, keepForOffline } from './offline';
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

await booted;
const caps = boot.caps!;
const tail = boot.tail!;
renderCapabilities(caps, tail);
void renderBuildInfo();

const hadController = 'serviceWorker' in navigator && navigator.serviceWorker.controller !== null;
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController) return; // first install: nothing to reload
    status.message('A new version of this page was installed for offline use: reload to use it.', { 'data-msg': 'update' });
  });
}

for (const [w, l, t] of boot.downloads) status.onDownload(w, l, t);
boot.onDownload = status.onDownload;
for (const m of boot.messages) status.message(m);
// onnxruntime-web: started by www/main.ts in its own worker (www/ort-worker.ts); sessions wait for its runtime.
const ort = boot.ort!;
const ortReady = boot.ortReady!;

/** The compiler's source hash, written in by build.mjs (prebuilt head programs are checked against it). */
declare const __COMPILER_HASH__: string;
const compilerHash = typeof __COMPILER_HASH__ === 'string' ? __COMPILER_HASH__ : undefined;
const baseEnv = { ...browserPipelineEnv({ ort, tailEp: tail.ep, onProgress: status.onDownload, ...(compilerHash ? { compilerHash } : {}) }), ortReady };
const fileCache = new Map<string, Promise<Uint8Array>>();
/**
 * Opens with the background work below: the model files loaded before it are written to Cache Storage (offline
 * visits) only then — a 5–14 MB write is not first-result work (seen in a cold-start trace on this machine kind).
 */
let openBackground: () => void = () => undefined;
const backgroundGate = new Promise<void>((resolve) => { openBackground = resolve; });
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
      p.then((bytes) => { if (path.endsWith('.onnx')) void backgroundGate.then(() => keepForOffline(new URL(`models/${path}`, location.href).href, bytes)); }, () => fileCache.delete(path));
    }
    return p;
  },
};
const pipeline = new HybridPipeline(env);

const inputs = createInputsPanel(state, status, tail);
// The default system (first network, cut 0, 8 bits) is prepared in the background from the start — quantised in its
// worker, the tail's session created once the runtime is loaded — so the first Run starts from a prepared system.
// Work that can wait (the estimates' sweep over every cut) waits for it.
const defaultPrepared = pipeline.prepare(inputs.config()).catch(() => undefined);
/**
 * Background work (the estimates worker's copy of the model and its sweep, the calibration images for the per-layer
 * report, the service worker's install) starts once the default system is prepared and no run or live session is in
 * progress: on a machine with few cores it would otherwise compete with the first result.
 */
const whenIdle = (): Promise<void> => new Promise((resolve) => {
  const check = (): void => void (state.running || state.live ? setTimeout(check, 100) : resolve());
  check();
});
const background = defaultPrepared.then(whenIdle);
void background.then(openBackground);
// The calibration images (decoded in the compile worker) are needed at cold start only when the default head program is
// not prebuilt (the pipeline then loads them itself); otherwise only for the per-layer report after the first result.
void background.then(() => env.calibrationFrames(getModel(inputs.model()))).catch(() => undefined);
// Offline support too: a first visit's service worker downloads the whole app shell (both ORT builds).
void background.then(() => enableOffline()).then(renderOffline);
const estimates = createEstimatesPanel(state, status, inputs, pipeline, estimatesClient(), background);
const result = createResultPanel(estimates);
const backends = createBackends();
// The emulator worker with its .wasm, and the pixel/transfer worker, started once onnxruntime-web's runtime is up: the
// first run's head should not pay for them, and on a machine with few cores they would slow ORT's start, which is on
// the first result's critical path.
void ortReady.then(() => {
  void (backends.get('emulator') as { warm?: () => Promise<void> }).warm?.().catch(() => undefined);
  void baseEnv.transferWorker?.warm().catch(() => undefined);
});
const deps = { state, status, inputs, estimates, result, backends, pipeline, longTasks, ortReady };
createRunPanel(deps);
createLivePanel(deps);

$<HTMLSelectElement>('network').addEventListener('change', () => void estimates.selectNetwork());
$('cut').addEventListener('input', estimates.schedule);
$('bits').addEventListener('change', estimates.schedule);
$('clock').addEventListener('input', estimates.schedule);

/** Handles for debugging from the console and for the end-to-end tests (read-only use). */
(globalThis as unknown as { hybridDemo: object }).hybridDemo = { pipeline, env, ort, ortReady, tail, state, longTasks };
status.set('Loading the network and the sample image…', 'loading');
await Promise.all([inputs.useSample('cat'), estimates.selectNetwork()]);
// The accuracy-per-bit-width panel (issue 15, www/accuracy.ts): measured on demand (its button).
mountAccuracyPanel($('app'), {
  env, backend: () => backends.get('emulator'), model: () => inputs.config().modelId, cut: () => inputs.config().cut ?? 0,
  images: () => Promise.all(Object.entries(SAMPLE_IMAGES).map(async ([name, f]) => ({ name, image: await decodeImageUrl(`models/${f.path}`) }))),
});

