/**
 * The zero-install demo page (issue 8, issue 16): choose a network, an image, a cut, a bit width and a clock; see FPGA
 * resources and the paper platform's modelled figures live; run the hybrid system (head on the chosen backend, tail on
 * the chosen EP) against the GPU-only baseline on the same EP, or continuously in live mode.
 *
 * This file is the page's small first module: it detects the browser's capabilities, chooses the tail's EP
 * (www/tail-choice.ts) and starts the downloads the first result needs — that EP's onnxruntime-web .wasm, the
 * preselected network's model file and its prebuilt head program (www/early.ts) — then loads the rest of the page
 * (www/app.ts, a separate chunk) while they download.
 */
import { detectCapabilities } from './capabilities';
import { chooseTailEp, TAIL_PARAM } from './tail-choice';
import { ortWasmUrl } from './ort-loader';
import { boot, fetchEarly, finishBoot } from './early';
import { ortInWorker } from './ort-worker';
import { getModel, MODELS } from '../src/models/registry';
import type { TailEp } from '../src/pipeline/tail';
import { PREBUILT_DEFAULTS, PREBUILT_DIR, prebuiltFileName } from '../src/pipeline/prebuilt';

// The network the page opens with: `?network=` when it names one of the offered networks, else the first offered.
const offered = [...(document.querySelector<HTMLSelectElement>('#network')?.options ?? [])].map((o) => o.value);
const param = new URLSearchParams(location.search).get('network');
const first = param !== null && offered.includes(param) ? param : offered[0];
if (first && MODELS.some((m) => m.id === first)) {
  fetchEarly(`models/${getModel(first).file.path}`);
  const pre = PREBUILT_DEFAULTS.find((d) => d.modelId === first);
  if (pre) fetchEarly(`models/${PREBUILT_DIR}/${prebuiltFileName(pre.modelId, pre.cutIndex, pre.quant)}`);
}
/** `?threads=N` (1..16) sets onnxruntime-web's wasm threads; anything else is ignored with a visible message. */
function threadsFromUrl(): number | undefined {
  const raw = new URLSearchParams(location.search).get('threads');
  if (raw === null) return undefined;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 16) return n;
  boot.messages.push(`URL parameter threads=${raw} ignored: expected an integer from 1 to 16.`);
  return undefined;
}
const threads = threadsFromUrl();
// onnxruntime-web: the tail EP's build, in its own worker (www/ort-worker.ts), started as soon as the EP is known —
// at once with `?tail=wasm|webgpu`, after the WebGPU adapter request in the automatic choice. ORT fetches its .wasm
// there itself and compiles it while it downloads (streaming): a prefetch here with byte progress finished the download
// first and compiled after it (measured: the first result 0.2–0.4 s later at cold start on this machine kind).
const startOrt = (ep: TailEp): ReturnType<typeof ortInWorker> => {
  const ort = ortInWorker(ep, threads !== undefined ? { threads } : {});
  boot.onDownload('onnxruntime-web runtime', 0, null);
  boot.ortReady = ort.ready.then(() => boot.onDownload('onnxruntime-web runtime', 1, 1), (e: Error) => {
    // Not fatal here: the first session reports it, naming the stage.
    boot.messages.push(`onnxruntime-web could not be started in its worker (${e.message}; ${ortWasmUrl(ep)}).`);
  });
  return ort;
};
// The rest of the page (a separate chunk) downloads and evaluates meanwhile; it waits for `boot` (www/early.ts).
const app = import('./app');
const tailParam = new URLSearchParams(location.search).get(TAIL_PARAM);
let ort = tailParam === 'wasm' || tailParam === 'webgpu' ? startOrt(tailParam) : null;
// The automatic choice needs the WebGPU adapter; the capability panel shows it either way.
const caps = await detectCapabilities();
const tail = chooseTailEp(caps.webgpu, tailParam);
if (ort && tail.ep !== tailParam) throw new Error(`internal: the tail's EP ${tail.ep} is not the ?tail= EP ${tailParam}`);
ort ??= startOrt(tail.ep);
boot.caps = caps;
boot.tail = tail;
boot.ort = ort;
finishBoot();
await app;
