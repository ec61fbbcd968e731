/**
 * The zero-install demo page (issue 8): choose a network, an image, a cut, a bit width and a clock; see FPGA resources
 * and the paper platform's modelled figures live; run the hybrid system (head on the chosen backend, tail on WebGPU)
 * against the GPU-only baseline. Plain DOM; the pipeline is src/pipeline/pipeline.ts, the platform www/platform.ts.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { detectCapabilities, type Capabilities } from './capabilities';
import { decodeImageBlob, decodeImageUrl } from './image';
import { browserPipelineEnv, fetchWithProgress } from './platform';
import { enableOffline, keepForOffline, type OfflineState } from './offline';
import { HybridPipeline, type HybridConfig, type HybridResult, type PipelineEnv, type PreparedHybrid } from '../src/pipeline/pipeline';
import { StageError, type StageName } from '../src/pipeline/stages';
import type { HeadBackend } from '../src/backend/head-backend';
import { referenceBackend } from '../src/pipeline/backends';
import { getModel, PAPER_MODELS, SAMPLE_IMAGES, type ModelId, type SampleImageId } from '../src/models/registry';
import { toFrame, type RgbaImage } from '../src/image/preprocess';
import { formatRange, parseFormat } from '../src/dhm/program';
import { CYCLONE10GX_10CX220, JETSON_TX2 } from '../src/cost/devices';
import { constant, measured, type Figure } from '../src/provenance/provenance';
import { RESOURCE_NAMES, RESOURCE_RULES, type ResourceName } from '../src/cost/resources';
import { PAPER_CLAIMS, paperNetworkOf } from '../src/cost/paper';
import { estimateCut, networkContext, type CutEstimate, type NetworkContext } from './estimates';
import { BOARD_BAUD, connectRealBoard, crossCheckWith, emulatorBackend, simulatedBoardBackend, type PageBackendKind, type PageCrossCheck } from './backends';
import type { SerialBoardBackend } from '../src/board/serial-backend';
import { constantFig, drawFeatureMap, figure, h, lane, num, table, top5List, type Segment } from './render';
import { mountAccuracyPanel } from './accuracy';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page: element #${id} is missing`);
  return e as T;
};

// ---------------------------------------------------------------- status, progress, errors

/** Page states exposed on #status[data-state] (for people and tests). */
type PageState = 'loading' | 'ready' | 'running' | 'done' | 'error' | 'cancelled';

/** The last status message (downloads show their progress over it, then it comes back). */
let baseStatus = '';
function setStatus(text: string, state: PageState): void {
  const s = $('status');
  baseStatus = text;
  s.textContent = text;
  s.dataset.state = state;
  if (state !== 'running') delete s.dataset.stage;
}

const downloads = new Map<string, { loaded: number; total: number | null }>();
function onDownload(what: string, loaded: number, total: number | null): void {
  downloads.set(what, { loaded, total });
  const bar = $<HTMLProgressElement>('progress');
  const all = [...downloads.values()];
  const pending = all.filter((d) => d.total === null || d.loaded < d.total);
  if (pending.length === 0) {
    bar.value = 1;
    $('status').textContent = baseStatus;
    return;
  }
  const sumTotal = all.reduce((a, d) => a + (d.total ?? d.loaded), 0);
  const sumLoaded = all.reduce((a, d) => a + d.loaded, 0);
  bar.max = 1;
  bar.value = sumTotal > 0 ? sumLoaded / sumTotal : 0;
  const mb = (b: number): string => (b / 1048576).toFixed(1);
  $('status').textContent = `Downloading ${[...downloads].filter(([, d]) => d.total === null || d.loaded < d.total).map(([w, d]) => `${w} ${mb(d.loaded)}${d.total ? `/${mb(d.total)}` : ''} MB`).join(', ')}…`;
}

/** Where a failure happened: a pipeline stage (StageError.stage) or a page step. */
type FailedStep = string;

function showError(step: FailedStep, e: unknown): void {
  const err = e as Error;
  const box = $('error');
  box.hidden = false;
  box.dataset.stage = step;
  box.replaceChildren(h('strong', {}, `Stage '${step}' failed: `), `${err?.name && err.name !== 'Error' ? err.name + ': ' : ''}${err?.message ?? String(e)}`);
  setStatus(`Error in stage '${step}' (details below).`, 'error');
}

function clearError(): void {
  const box = $('error');
  box.hidden = true;
  box.replaceChildren();
  delete box.dataset.stage;
}

/** Stage of an error: the pipeline's StageError names it; otherwise the page step that ran. */
function stageOf(e: unknown, fallback: string): string {
  return e instanceof StageError ? e.stage : fallback;
}

// ---------------------------------------------------------------- capabilities

function renderCapabilities(c: Capabilities): void {
  const rows: [string, string, 'ok' | 'warn' | 'bad'][] = [
    ['WebGPU', c.webgpu.available ? `${c.webgpu.vendor || '?'} / ${c.webgpu.architecture || '?'}${c.webgpu.isFallbackAdapter ? ' (software fallback adapter)' : ''}` : `unavailable: ${c.webgpu.error}`, c.webgpu.available ? (c.webgpu.isFallbackAdapter ? 'warn' : 'ok') : 'bad'],
    ['Wasm SIMD', c.wasmSimd ? 'yes' : 'no (the emulator needs it)', c.wasmSimd ? 'ok' : 'bad'],
    ['Wasm threads', c.crossOriginIsolated ? `yes (cross-origin isolated, ${c.hardwareConcurrency} cores)` : 'no (page is not cross-origin isolated: single-threaded wasm)', c.crossOriginIsolated ? 'ok' : 'warn'],
    ['Web Serial', c.webSerial ? 'yes (a real board can be connected)' : 'no (real board unavailable; emulator and simulated board still work)', c.webSerial ? 'ok' : 'warn'],
  ];
  $('cap-list').replaceChildren(...rows.flatMap(([k, v, cls]) => [h('dt', {}, k), h('dd', { class: cls, 'data-cap': k }, v)]));
  const msgs: string[] = [];
  if (!c.webgpu.available) msgs.push('No WebGPU: the GPU tail and the GPU-only baseline will run on onnxruntime-web\'s wasm (CPU) EP instead. The result says so; classification still works.');
  else if (c.webgpu.isFallbackAdapter) msgs.push('WebGPU runs on a software fallback adapter: results are correct but slow (first run 10–30 s while shaders compile, then a few seconds per run).');
  if (!c.wasmSimd) msgs.push('No Wasm SIMD: the emulator cannot run here; try a current Chromium, Firefox or Safari.');
  if (!c.crossOriginIsolated) msgs.push('Not cross-origin isolated: onnxruntime-web\'s wasm runs single-threaded.');
  if (!c.webSerial) msgs.push('No Web Serial: "Real board" is disabled; the emulator and the simulated board still work.');
  $('cap-messages').replaceChildren(...msgs.map((m) => h('li', {}, m)));
  const boardRadio = document.querySelector<HTMLInputElement>('input[name="backend"][value="board"]');
  if (boardRadio && !c.webSerial) boardRadio.disabled = true;
  $<HTMLButtonElement>('connect-btn').disabled = !c.webSerial;
}

async function renderBuildInfo(): Promise<void> {
  const el = $('build-info');
  try {
    const r = await fetch('build-info.json');
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const info = (await r.json()) as { pageBytes: number; pageGzipBytes: number };
    const models = PAPER_MODELS.map((id) => getModel(id).file.bytes).reduce((a, b) => a + b, 0);
    el.replaceChildren(`Page transfer size (without models): ${(info.pageBytes / 1048576).toFixed(2)} MiB, gzip ${(info.pageGzipBytes / 1048576).toFixed(2)} MiB `,
      h('span', { class: 'prov prov-measured', title: 'summed by build.mjs over dist/ on this build (dist/build-info.json)' }, 'measured at build'),
      `; the three models add ${(models / 1048576).toFixed(1)} MiB (registry sizes), fetched on first use.`);
    el.dataset.pageBytes = String(info.pageBytes);
  } catch (e) {
    el.textContent = `Page transfer size: unknown (build-info.json: ${(e as Error).message})`;
  }
}

// ---------------------------------------------------------------- pipeline, contexts, image

const caps = await detectCapabilities();
renderCapabilities(caps);
void renderBuildInfo();

/** The offline row of the capability panel (service worker: app shell cached, models kept as they are loaded). */
function renderOffline(o: OfflineState): void {
  const [text, cls] = o.kind === 'ready'
    ? [`ready: ${o.cachedFiles}/${o.shellFiles} app files cached (build ${o.buildHash.slice(0, 8)}); models are kept as you open them${o.servedByWorker ? '; this visit was served by the service worker' : ''}`, o.cachedFiles >= o.shellFiles ? 'ok' : 'warn']
    : [`${o.kind === 'unsupported' ? 'unavailable' : 'failed'}: ${o.reason} (the page works online)`, 'warn'];
  const list = $('cap-list');
  list.querySelector('[data-cap="Offline"]')?.previousElementSibling?.remove();
  list.querySelector('[data-cap="Offline"]')?.remove();
  list.append(h('dt', {}, 'Offline'), h('dd', { class: cls, 'data-cap': 'Offline', 'data-state': o.kind }, text));
}
const hadController = 'serviceWorker' in navigator && navigator.serviceWorker.controller !== null;
void enableOffline().then(renderOffline);
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!hadController) return; // first install: nothing to reload
    $('cap-messages').append(h('li', { 'data-msg': 'update' }, 'A new version of this page was installed for offline use: reload to use it.'));
  });
}

/** `?threads=N` (1..16) sets onnxruntime-web's wasm threads; anything else is ignored with a visible message. */
function threadsFromUrl(): number | undefined {
  const raw = new URLSearchParams(location.search).get('threads');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 16) return n;
  $('cap-messages').append(h('li', {}, `URL parameter threads=${raw} ignored: expected an integer from 1 to 16.`));
  return undefined;
}
const urlThreads = threadsFromUrl();
const baseEnv = browserPipelineEnv({ onProgress: onDownload, ...(urlThreads !== undefined ? { threads: urlThreads } : {}) });
const fileCache = new Map<string, Promise<Uint8Array>>();
/** The platform, with model files fetched once for both the estimates and the pipeline. */
const env: PipelineEnv = {
  ...baseEnv,
  calibrationFrames: baseEnv.calibrationFrames.bind(baseEnv),
  ...(baseEnv.compileHead ? { compileHead: baseEnv.compileHead.bind(baseEnv) } : {}),
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

/** Prefetch onnxruntime-web's .wasm (≈27 MB) with visible progress, then hand the bytes to ORT. */
async function prefetchOrtWasm(): Promise<void> {
  const url = new URL('ort/ort-wasm-simd-threaded.asyncify.wasm', location.href).href;
  ort.env.wasm.wasmBinary = await fetchWithProgress(url, 'onnxruntime-web runtime', onDownload);
}
const ortReady = prefetchOrtWasm().catch((e: Error) => {
  // Not fatal: ORT fetches the file itself from wasmPaths at session creation.
  $('cap-messages').append(h('li', {}, `Could not prefetch the onnxruntime-web runtime (${e.message}); it will be fetched when the first session is created.`));
});

const contexts = new Map<ModelId, Promise<NetworkContext>>();
/** Contexts already loaded (for synchronous use while rendering a result). */
const contextsResolved = new Map<ModelId, NetworkContext>();
function contextFor(id: ModelId): Promise<NetworkContext> {
  let c = contexts.get(id);
  if (!c) {
    const model = getModel(id);
    c = pipeline.loadModel(model).then(({ graph }) => {
      const ctx = networkContext(model, graph);
      contextsResolved.set(id, ctx);
      return ctx;
    });
    contexts.set(id, c);
    c.catch(() => contexts.delete(id));
  }
  return c;
}

let image: { img: RgbaImage; name: string } | null = null;

function drawPreview(img: RgbaImage, name: string): void {
  const canvas = $<HTMLCanvasElement>('preview');
  const scale = 160 / Math.max(img.width, img.height);
  const full = new OffscreenCanvas(img.width, img.height);
  full.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
  canvas.width = Math.max(1, Math.round(img.width * scale));
  canvas.height = Math.max(1, Math.round(img.height * scale));
  canvas.getContext('2d')!.drawImage(full, 0, 0, canvas.width, canvas.height);
  canvas.setAttribute('aria-label', `Preview of ${name}`);
  $('image-name').textContent = `${name} (${img.width}×${img.height})`;
}

/** Decode and select an image; a failure is shown as stage 'image' and keeps the previous image. */
async function useImage(load: () => Promise<RgbaImage>, name: string): Promise<void> {
  clearError();
  try {
    const img = await load();
    image = { img, name };
    drawPreview(img, name);
    $('image-name').dataset.name = name;
    if ($('status').dataset.state !== 'running') setStatus(`Image ${name} ready. Press Run.`, 'ready');
  } catch (e) {
    showError('image', e);
  }
}

const useSample = (id: SampleImageId): Promise<void> => useImage(() => decodeImageUrl(`models/${SAMPLE_IMAGES[id].path}`), SAMPLE_IMAGES[id].path.split('/').pop()!);
const useBlob = (b: Blob, name: string): Promise<void> => useImage(() => decodeImageBlob(b, name), name);

// ---------------------------------------------------------------- controls

const networkSel = $<HTMLSelectElement>('network');
const cutInput = $<HTMLInputElement>('cut');
const bitsSel = $<HTMLSelectElement>('bits');
const clockInput = $<HTMLInputElement>('clock');
const clockDefault = CYCLONE10GX_10CX220.clockMHz;
clockInput.value = String(clockDefault.value);
$('clock-help').textContent = `Default ${clockDefault.value} MHz (${clockDefault.provenance}): ${clockDefault.source}.`;

const currentModel = (): ModelId => networkSel.value as ModelId;
const currentBits = (): number => Number(bitsSel.value);
function currentClock(): number {
  const v = Number(clockInput.value);
  return v > 0 && Number.isFinite(v) ? v : clockDefault.value;
}
const currentBackend = (): PageBackendKind => (document.querySelector<HTMLInputElement>('input[name="backend"]:checked')?.value ?? 'emulator') as PageBackendKind;

function cutText(ctx: NetworkContext, i: number): string {
  const c = ctx.cuts[i]!;
  const layer = c.headLayers[c.headLayers.length - 1] ?? c.tensor;
  return `${layer} → ${c.shape.slice(1).join('×')} (${c.tensor})`;
}

function setupSlider(ctx: NetworkContext, keep = 0): void {
  cutInput.max = String(ctx.cuts.length - 1);
  cutInput.value = String(Math.min(keep, ctx.cuts.length - 1));
  cutInput.disabled = false;
  $('cut-count').textContent = String(ctx.cuts.length);
  updateCutLabel(ctx);
}

function updateCutLabel(ctx: NetworkContext): void {
  const i = Number(cutInput.value);
  const t = cutText(ctx, i);
  $('cut-label').textContent = t;
  cutInput.setAttribute('aria-valuetext', `cut ${i}: after ${t}`);
  $('cut-index').textContent = String(i);
}

// ---------------------------------------------------------------- estimates

const RES_LABEL: Record<ResourceName, string> = { alms: 'ALMs', registers: 'Registers', dspBlocks: 'DSP blocks', m20k: 'M20K blocks', mlab: 'MLAB blocks' };
let estimateSeq = 0;
/** The prepared (calibrated) program of the last run and its (model, cut, bits), costed when the controls match it. */
let lastRun: { key: string; prepared: PreparedHybrid; bits: number } | null = null;
const controlsKey = (): string => `${currentModel()}/${cutInput.value}/${currentBits()}`;

function renderEstimate(ctx: NetworkContext, est: CutEstimate): void {
  const r = est.resources;
  const f = est.row.figures;
  $('est-note').textContent = `${ctx.model.network}, cut ${est.cutIndex} (${cutText(ctx, est.cutIndex)}), ${est.bits}-bit, ${est.clockMHz} MHz. ` +
    (est.programSource === 'structural'
      ? 'Costed from the calibration-free structural program (exact weights and widths; activation formats assumed) — no run needed.'
      : 'Costed from the calibrated program that ran.') +
    ` Estimate computed on the main thread in ${est.ms.toFixed(1)} ms (measured here).`;
  const verdict = $('fit-verdict');
  verdict.textContent = r.fits
    ? `Fits the ${CYCLONE10GX_10CX220.name}: limiting resource ${RES_LABEL[r.limiting]} at ${(100 * r.utilisation[r.limiting].value).toFixed(1)} %.`
    : `Does NOT fit the ${CYCLONE10GX_10CX220.name}: limiting resource ${RES_LABEL[r.limiting]} at ${(100 * r.utilisation[r.limiting].value).toFixed(1)} % (soft logic must stay ≤ ${100 * RESOURCE_RULES.fitThreshold.value} %).`;
  verdict.className = `verdict ${r.fits ? 'ok' : 'bad'}`;
  verdict.dataset.fits = String(r.fits);
  verdict.dataset.limiting = r.limiting;
  $('resources').replaceChildren(table(`FPGA resources of the head vs the ${CYCLONE10GX_10CX220.name} (DSP policy: ${r.policy})`,
    ['resource', 'head (estimate)', 'device capacity', 'use'],
    RESOURCE_NAMES.map((n) => {
      const u = r.utilisation[n].value;
      const meter = h('meter', { min: '0', max: '1', low: '0.7', high: '0.9', optimum: '0.2', value: String(Math.min(1, u)), 'aria-label': `${RES_LABEL[n]} use` });
      const cap = r.capacity[n];
      return [RES_LABEL[n], figure(r.totals[n]), constantFig(constant(cap.value, cap.unit, n === 'mlab' ? 'derived' : 'datasheet', cap.source)), h('span', { class: n === r.limiting ? 'limiting' : '' }, meter, ` ${(100 * u).toFixed(1)} %`, n === r.limiting ? ' (limiting)' : '')];
    }), { id: 'resource-table', 'data-alms': String(r.totals.alms.value) }));
  $('platform').replaceChildren(table('Paper platform, modelled: Cyclone 10 GX head + PCIe Gen2 x4 + Jetson TX2 tail, vs the TX2 alone',
    ['figure', 'value'],
    ([
      ['FPGA head cycles', f.fpgaCycles], ['FPGA head latency (cycles / clock)', f.fpgaLatencyMs], ['FPGA chip power (Quartus-calibrated)', f.fpgaPowerW], ['FPGA energy', f.fpgaEnergyMJ],
      ['link bytes (frame in + features out)', f.linkBytes], ['link time (PCIe fit)', f.linkMs],
      [`GPU tail on the TX2 (${JETSON_TX2.precision})`, f.tailMs], ['GPU tail energy', f.tailEnergyMJ],
      ['hybrid latency', f.hybridLatencyMs], ['GPU-only latency (TX2)', f.gpuOnlyLatencyMs],
      ['hybrid energy', f.hybridEnergyMJ], ['GPU-only energy (TX2)', f.gpuOnlyEnergyMJ],
      ['latency reduction', f.latencyReductionPct], ['energy reduction', f.energyReductionPct],
    ] as [string, Figure][]).map(([k, v]) => [k, figure(v)]), { id: 'platform-table' }));
  renderPaper(ctx, est);
  const box = $('estimates');
  box.dataset.ready = 'true';
  box.dataset.key = `${ctx.model.id}/${est.cutIndex}/${est.bits}/${est.clockMHz}/${est.programSource}`;
}

/** Paper vs model: the abstract's ranges, the model at this cut, and over every fitting cut (filled in the background). */
function renderPaper(ctx: NetworkContext, est: CutEstimate, over?: { fit: CutEstimate[]; total: number }): void {
  const pn = paperNetworkOf(ctx.model.network);
  const claim = PAPER_CLAIMS.find((c) => c.network === pn);
  if (!claim) {
    $('paper').replaceChildren(h('p', {}, `The paper reports no figures for ${ctx.model.network}.`));
    return;
  }
  const range = (xs: number[]): string => (xs.length ? `${num(Math.min(...xs))} % … ${num(Math.max(...xs))} %` : 'no cut fits');
  const overCell = (k: 'latencyReductionPct' | 'energyReductionPct'): string =>
    over ? `${range(over.fit.map((e) => e.row.figures[k].value))} over the ${over.fit.length} of ${over.total} cuts that fit (modelled)` : 'computing…';
  $('paper').replaceChildren(table(`The paper's abstract vs the model for ${claim.network}`, ['quantity', 'paper (abstract)', 'model at this cut', 'model over the cuts that fit'], [
    ['latency reduction', h('span', {}, `${claim.latencyText} `, h('span', { class: 'prov prov-paper', title: claim.latencyReduction.min.source }, 'from the paper')), figure(est.row.figures.latencyReductionPct), overCell('latencyReductionPct')],
    ['energy reduction', h('span', {}, `${claim.energyText} `, h('span', { class: 'prov prov-paper', title: claim.energyReduction.min.source }, 'from the paper')), figure(est.row.figures.energyReductionPct), overCell('energyReductionPct')],
  ], { id: 'paper-table' }));
}

/** Recompute the estimate for the current controls (debounced to one per frame). */
let estimatePending = false;
function scheduleEstimate(): void {
  if (estimatePending) return;
  estimatePending = true;
  requestAnimationFrame(() => {
    estimatePending = false;
    void updateEstimate();
  });
}

async function updateEstimate(): Promise<void> {
  const seq = ++estimateSeq;
  const id = currentModel();
  let ctx: NetworkContext;
  try {
    ctx = await contextFor(id);
  } catch (e) {
    showError('load-model', e);
    return;
  }
  if (seq !== estimateSeq || id !== currentModel()) return;
  updateCutLabel(ctx);
  const cut = Number(cutInput.value);
  const bits = currentBits();
  const clock = currentClock();
  try {
    const calibrated = lastRun?.key === controlsKey() ? lastRun.prepared.program : undefined;
    const est = estimateCut(ctx, cut, bits, clock, calibrated);
    renderEstimate(ctx, est);
    void sweepFitting(ctx, est, seq);
  } catch (e) {
    showError('estimate', e);
  }
}

/** Estimate every cut at the current bits/clock, one per macrotask (keeps the page responsive), for the paper panel. */
async function sweepFitting(ctx: NetworkContext, current: CutEstimate, seq: number): Promise<void> {
  const fit: CutEstimate[] = [];
  for (let i = 0; i < ctx.cuts.length; i++) {
    await new Promise((r) => setTimeout(r, 0));
    if (seq !== estimateSeq) return;
    const e = i === current.cutIndex && current.programSource === 'structural' ? current : estimateCut(ctx, i, current.bits, current.clockMHz);
    if (e.resources.fits) fit.push(e);
  }
  if (seq === estimateSeq) renderPaper(ctx, current, { fit, total: ctx.cuts.length });
}

async function selectNetwork(): Promise<void> {
  const id = currentModel();
  cutInput.disabled = true;
  setStatus(`Loading ${getModel(id).title}…`, 'loading');
  try {
    const ctx = await contextFor(id);
    if (id !== currentModel()) return;
    setupSlider(ctx, 0);
    setStatus(`${ctx.model.network}: ${ctx.cuts.length} legal cuts. ${image ? 'Press Run.' : 'Choose an image.'}`, 'ready');
    await updateEstimate();
  } catch (e) {
    showError(stageOf(e, 'load-model'), e);
  }
}

// ---------------------------------------------------------------- backends

let emulator: HeadBackend | null = null;
let simBoard: HeadBackend | null = null;
let realBoard: SerialBoardBackend | null = null;
let reference: HeadBackend | null = null;

function backendFor(kind: PageBackendKind): HeadBackend {
  switch (kind) {
    case 'emulator':
      return (emulator ??= emulatorBackend());
    case 'sim-board':
      return (simBoard ??= simulatedBoardBackend());
    case 'reference':
      return (reference ??= referenceBackend());
    case 'board':
      if (!realBoard) throw new Error('no board connected: press "Connect board" first (Web Serial)');
      return realBoard;
  }
}

/** The second backend of a cross-check: the emulator, or the TypeScript reference when the emulator ran the head. */
function crossCheckPartner(kind: PageBackendKind): HeadBackend {
  if (kind === 'emulator') return (reference ??= referenceBackend());
  return (emulator ??= emulatorBackend());
}

$('connect-btn').addEventListener('click', async () => {
  const st = $('board-status');
  st.textContent = 'Choose the board\'s serial port…';
  st.className = '';
  try {
    await realBoard?.dispose().catch(() => undefined);
    realBoard = null;
    const { backend, info } = await connectRealBoard();
    realBoard = backend;
    st.textContent = `Connected: board ${info.boardId}, protocol v${info.protocolVersion}, DHM clock ${info.clockKHz / 1000} MHz, link ${BOARD_BAUD} baud.`;
    st.className = 'ok';
    const radio = document.querySelector<HTMLInputElement>('input[name="backend"][value="board"]');
    if (radio) radio.checked = true;
  } catch (e) {
    st.textContent = `Board: ${(e as Error).message}`;
    st.className = 'bad';
  }
});

// ---------------------------------------------------------------- run

/** Longest main-thread task seen during the current run, ms (PerformanceObserver 'longtask': tasks over 50 ms). */
let longestTaskMs = 0;
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (running) longestTaskMs = Math.max(longestTaskMs, e.duration);
  }).observe({ type: 'longtask', buffered: false });
} catch {
  // longtask timing unsupported: the figure is reported as unavailable
}
const longtaskSupported = PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false;

/** What the status line says while each pipeline stage runs (argument: the head backend's description). */
const STAGE_TEXT: Record<StageName, (backend: string) => string> = {
  'load-model': () => 'loading and preparing the model graph',
  'choose-cut': () => 'splitting the graph at the cut',
  'quantize-head': () => 'quantising the head and creating the onnxruntime-web sessions (the first WebGPU session of a cut takes 10–30 s on a software adapter)',
  'run-head': (b) => `running the head on ${b}`,
  transfer: () => 'packing the feature map for the link',
  'run-tail': () => 'running the tail (the first run of a cut compiles its WebGPU shaders)',
  top5: () => 'ranking the top-5',
  'gpu-only': () => 'running the GPU-only baseline',
};

let running: AbortController | null = null;
let runCount = 0;

async function run(): Promise<void> {
  if (running) return;
  clearError();
  if (!image) {
    showError('image', new Error('no image chosen: pick a sample, upload, drop, paste or use the camera'));
    return;
  }
  const ac = new AbortController();
  running = ac;
  longestTaskMs = 0;
  $<HTMLButtonElement>('run-btn').disabled = true;
  $<HTMLButtonElement>('cancel-btn').disabled = false;
  const bar = $<HTMLProgressElement>('progress');
  const kind = currentBackend();
  const config: HybridConfig = { modelId: currentModel(), cut: Number(cutInput.value), quant: { bits: currentBits(), weightBits: currentBits() }, clockMHz: currentClock() };
  const img = image;
  let step = 'backend';
  try {
    const backend = backendFor(kind);
    step = 'onnxruntime-web runtime';
    setStatus('Loading the onnxruntime-web runtime…', 'running');
    await ortReady;
    step = 'pipeline';
    bar.removeAttribute('value'); // indeterminate while the pipeline runs
    const network = getModel(config.modelId).network;
    const onStage = (stage: StageName): void => {
      setStatus(`Running ${network} on ${img.name}: ${STAGE_TEXT[stage](backend.description)}…`, 'running');
      $('status').dataset.stage = stage;
    };
    const t0 = performance.now();
    const result = await pipeline.classify(config, img.img, backend, ac.signal, onStage);
    const prepared = await pipeline.prepare(config);
    lastRun = { key: `${config.modelId}/${config.cut}/${config.quant!.bits}`, prepared, bits: config.quant!.bits! };
    const ms = performance.now() - t0;
    bar.value = 1;
    renderResult(result, prepared, lastRun.bits);
    const lt = $('longtask');
    lt.textContent = longtaskSupported
      ? `Main thread: the longest blocking task during this run took ${longestTaskMs.toFixed(0)} ms (measured here; the quantiser and the emulator run in workers, onnxruntime-web's WebGPU work is asynchronous; the estimates run here).`
      : 'Main thread: long-task timing is not supported by this browser.';
    lt.dataset.ms = String(longestTaskMs);
    await updateEstimate();
    runCount++;
    $('results').dataset.runs = String(runCount);
    const doneText = `Done: ${result.model} on ${img.name}, cut ${result.cut.index}, head on ${result.backendDescription}, tail on ${result.tailEp}${result.fallback ? ' (FALLBACK)' : ''} — ${(ms / 1000).toFixed(1)} s in all (measured here).`;
    const wantCrossCheck = $<HTMLInputElement>('crosscheck').checked;
    if (!wantCrossCheck) setStatus(doneText, 'done');
    if (wantCrossCheck) {
      step = 'cross-check';
      const partner = crossCheckPartner(kind);
      setStatus(`${doneText} Cross-checking on ${partner.description}…`, 'running');
      const frame = toFrame(img.img, prepared.model.preprocessing);
      const cc = await crossCheckWith(prepared.program, frame, result.head, result.backendDescription, partner, ac.signal);
      renderCrossCheck(cc);
      setStatus(`${doneText} Cross-check: ${cc.bitIdentical ? 'bit-identical' : 'DIFFERS'}.`, 'done');
    } else {
      $('crosscheck-result').replaceChildren();
    }
    backend.recycle?.(result.head.output); // drawn and cross-checked: the next run may write its output into this memory
  } catch (e) {
    const err = e as Error;
    bar.value = 0;
    if (err?.name === 'AbortError') setStatus('Cancelled. A call into onnxruntime-web that had already started finishes in the background; the next run waits for it.', 'cancelled');
    else showError(stageOf(e, step), e);
  } finally {
    running = null;
    $<HTMLButtonElement>('run-btn').disabled = false;
    $<HTMLButtonElement>('cancel-btn').disabled = true;
  }
}

function renderResult(r: HybridResult, p: PreparedHybrid, bits: number): void {
  $('results').hidden = false;
  const fb = $('fallback');
  const problems = [r.fallback, r.misplacedNodes.length ? `nodes not on ${r.tailEp}: ${r.misplacedNodes.join(', ')}` : null].filter((x) => x);
  fb.hidden = problems.length === 0;
  fb.textContent = problems.length ? `Tail placement: ${problems.join('; ')}` : '';
  const scoreKind = p.model.outputIsProbability ? 'p' : 'logit';
  $('top5-hybrid').replaceChildren(top5List('top5-hybrid-list', 'Top-5 classes, hybrid', r.hybrid.top5, scoreKind));
  $('top5-gpu').replaceChildren(top5List('top5-gpu-list', 'Top-5 classes, GPU only', r.gpuOnly.top5, scoreKind));
  const h1 = r.hybrid.top5[0]!;
  const g1 = r.gpuOnly.top5[0]!;
  const pos = r.hybrid.top5.findIndex((x) => x.index === g1.index);
  const ag = $('agreement');
  ag.textContent = h1.index === g1.index
    ? `Top-1 agrees: ${h1.label}.`
    : `Top-1 differs: hybrid says ${h1.label}, GPU-only says ${g1.label} (${pos >= 0 ? `#${pos + 1} in the hybrid top-5` : 'not in the hybrid top-5'}).`;
  ag.dataset.agree = String(h1.index === g1.index);

  // Timeline: the paper platform (modelled) and this machine (measured), each against its GPU-only baseline.
  const est = contextsResolved.get(r.model);
  const ms = (s: string): number => r.timings.filter((t) => t.stage === s).reduce((a, t) => a + t.ms, 0);
  const fpga = r.table.find((x) => x.name.startsWith('FPGA head time'))!.figure;
  const lanes: HTMLElement[] = [];
  if (est) {
    const e = estimateCut(est, r.cut.index, bits, p.clockMHz, p.program);
    const paperHybrid: Segment[] = [{ name: 'FPGA head', figure: fpga }, { name: 'link (PCIe, frame in + features out)', figure: e.row.figures.linkMs }, { name: 'GPU tail on the TX2', figure: e.row.figures.tailMs }];
    const paperGpu: Segment[] = [{ name: 'whole network on the TX2', figure: e.row.figures.gpuOnlyLatencyMs }];
    const maxP = Math.max(paperHybrid.reduce((a, s) => a + s.figure.value, 0), e.row.figures.gpuOnlyLatencyMs.value);
    lanes.push(h('div', { class: 'lanes' }, h('p', { class: 'help' }, 'Paper platform (Cyclone 10 GX + PCIe + Jetson TX2), modelled:'),
      lane('Hybrid', paperHybrid, maxP, 'lane-paper-hybrid'), lane('GPU only', paperGpu, maxP, 'lane-paper-gpu')));
  }
  const src = (s: string): string => `wall time of stage '${s}' in this browser`;
  const hereHybrid: Segment[] = [
    { name: `head on ${r.backendDescription}`, figure: measured(ms('run-head'), 'ms', src('run-head')) },
    { name: 'transfer (pack, unpack, dequantise)', figure: measured(ms('transfer'), 'ms', src('transfer')) },
    { name: `tail (${r.tailEp})`, figure: measured(ms('run-tail'), 'ms', src('run-tail')) },
  ];
  const hereGpu: Segment[] = [{ name: `full model (${r.tailEp})`, figure: measured(ms('gpu-only'), 'ms', src('gpu-only')) }];
  const maxH = Math.max(hereHybrid.reduce((a, s) => a + s.figure.value, 0), ms('gpu-only'));
  const prep = r.timings.filter((t) => ['load-model', 'choose-cut', 'quantize-head'].includes(t.stage));
  lanes.push(h('div', { class: 'lanes' }, h('p', { class: 'help' }, `This machine, measured (a different device from the paper's; preparation, not in the bars: ${prep.map((t) => `${t.stage} ${t.cached ? 'cached' : num(t.ms) + ' ms'}`).join(', ')}):`),
    lane('Hybrid', hereHybrid, maxH, 'lane-here-hybrid'), lane('GPU only', hereGpu, maxH, 'lane-here-gpu')));
  $('timeline').replaceChildren(...lanes);

  $('run-table').replaceChildren(table('Numbers of this run (hover a value for its source)', ['figure', 'value'], r.table.map((row) => [row.name, figure(row.figure)]), { id: 'run-numbers' }));

  $('quant-report').replaceChildren(table(`Quantisation of the head (${p.program.layers.length} layers, ${bits}-bit), measured here on the ${Object.keys(SAMPLE_IMAGES).length} calibration images`,
    ['layer', 'kind', 'format', 'observed range', 'clipped', 'SQNR'],
    p.quantReport.map((t) => [t.layer, t.kind, t.format, `${num(t.min)} … ${num(t.max)}`, `${(100 * t.clippedFraction).toFixed(3)} %`, Number.isFinite(t.sqnrDb) ? `${t.sqnrDb.toFixed(1)} dB` : 'exact']),
    { id: 'quant-table' }));

  const range = formatRange(parseFormat(r.head.format));
  let lo = Infinity, hi = -Infinity;
  for (const v of r.head.output) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const drawn = drawFeatureMap($<HTMLCanvasElement>('fmap'), r.head.output, r.head.shape, lo, hi);
  const [c, hh, w] = r.head.shape;
  $('fmap-caption').textContent = `${drawn} of ${c} channels, ${hh}×${w} each: the ${r.head.format} codes the FPGA sends over the link (format range ${range.min}…${range.max}; this map's codes ${lo}…${hi}, mapped to black…white).`;
  $('fmap').setAttribute('aria-label', `Feature map at cut ${r.cut.index}: ${c} channels of ${hh}×${w}`);
}

function renderCrossCheck(cc: PageCrossCheck): void {
  const d = cc.firstDifference;
  $('crosscheck-result').replaceChildren(h('p', { class: cc.bitIdentical ? 'ok' : 'bad', id: 'crosscheck-verdict', 'data-identical': String(cc.bitIdentical) },
    `Cross-check ${cc.backends[0]} vs ${cc.backends[1]}: `,
    cc.bitIdentical ? `bit-identical (${cc.values} values)` : `${cc.differing} of ${cc.values} values differ${d ? `; first at channel ${d.c}, y ${d.y}, x ${d.x}: ${d.a} vs ${d.b}` : ''}`,
    `; formats ${cc.sameFormat ? 'equal' : 'DIFFER'}; cycle counts ${cc.sameCycles ? 'equal' : 'DIFFER'}.`));
}

// ---------------------------------------------------------------- wiring

networkSel.addEventListener('change', () => void selectNetwork());
cutInput.addEventListener('input', scheduleEstimate);
bitsSel.addEventListener('change', scheduleEstimate);
clockInput.addEventListener('input', scheduleEstimate);
$('sample').addEventListener('change', (e) => void useSample((e.target as HTMLSelectElement).value as SampleImageId));
$<HTMLInputElement>('upload').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void useBlob(f, f.name);
});
const dz = $('dropzone');
dz.addEventListener('dragover', (e) => {
  e.preventDefault();
  dz.classList.add('over');
});
dz.addEventListener('dragleave', () => dz.classList.remove('over'));
dz.addEventListener('drop', (e) => {
  e.preventDefault();
  dz.classList.remove('over');
  const f = e.dataTransfer?.files?.[0];
  if (f) void useBlob(f, f.name);
  else showError('image', new Error('nothing to use in the drop: drop an image file'));
});
document.addEventListener('paste', (e) => {
  const items = [...(e.clipboardData?.items ?? [])];
  const file = items.find((i) => i.kind === 'file')?.getAsFile();
  if (file) {
    e.preventDefault();
    void useBlob(file, file.name || 'pasted image');
  }
});

let stream: MediaStream | null = null;
$('camera-btn').addEventListener('click', async () => {
  const video = $<HTMLVideoElement>('camera');
  try {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access (navigator.mediaDevices.getUserMedia is missing; it needs https or localhost)');
    stream = await navigator.mediaDevices.getUserMedia({ video: true });
    video.srcObject = stream;
    video.hidden = false;
    $('snap-btn').hidden = false;
    await video.play();
  } catch (e) {
    showError('camera', e);
  }
});
$('snap-btn').addEventListener('click', () => {
  const video = $<HTMLVideoElement>('camera');
  const c = new OffscreenCanvas(video.videoWidth, video.videoHeight);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(video, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height);
  for (const t of stream?.getTracks() ?? []) t.stop();
  video.hidden = true;
  $('snap-btn').hidden = true;
  void useImage(async () => ({ width: d.width, height: d.height, data: d.data }), 'camera picture');
});

$('controls').addEventListener('submit', (e) => {
  e.preventDefault();
  void run();
});
$('cancel-btn').addEventListener('click', () => running?.abort());

// ---------------------------------------------------------------- start

setStatus('Loading the network and the sample image…', 'loading');
await Promise.all([useSample('cat'), selectNetwork()]);
mountAccuracyPanel($('app'), {
  env, backend: () => backendFor('emulator'), model: currentModel, cut: () => Number(cutInput.value),
  images: () => Promise.all(Object.entries(SAMPLE_IMAGES).map(async ([name, f]) => ({ name, image: await decodeImageUrl(`models/${f.path}`) }))),
});

/** Handles for debugging from the console and for the end-to-end tests (read-only use). */
(globalThis as unknown as { hybridDemo: object }).hybridDemo = { pipeline, env, contextFor, ort, ortReady };
