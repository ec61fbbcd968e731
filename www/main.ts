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
import { boot, fetchEarly } from './early';
import { fetchWithProgress } from './fetch';
import { ortInWorker } from './ort-worker';
import { getModel, MODELS } from '../src/models/registry';
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
// The tail's EP needs the WebGPU adapter (automatic choice): onnxruntime-web's .wasm is fetched once it is known.
const caps = await detectCapabilities();
const tail = chooseTailEp(caps.webgpu, new URLSearchParams(location.search).get(TAIL_PARAM));
boot.caps = caps;
boot.tail = tail;
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
// onnxruntime-web: the tail EP's build, in its own worker (www/ort-worker.ts), started now; it initialises once its
// .wasm is downloaded (here, with progress shown once the page's status panel is there).
boot.ortWasm = fetchWithProgress(ortWasmUrl(tail.ep), 'onnxruntime-web runtime', (w, l, t) => boot.onDownload(w, l, t)).catch((e: Error) => {
  // Not fatal: ORT fetches the file itself when it starts.
  boot.messages.push(`Could not prefetch the onnxruntime-web runtime (${e.message}); it will be fetched when the first session is created.`);
  return null;
});
boot.ort = ortInWorker(tail.ep, { wasmBinary: boot.ortWasm, ...(threads !== undefined ? { threads } : {}) });
await import('./app');
