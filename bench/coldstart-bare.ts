/**
 * The bare onnxruntime-web page of the cold-start benchmark (bench/coldstart.mjs): the same ORT build and EP as the
 * demo page (www/ort-loader.ts), the same model file and sample image, and nothing else — fetch the model, create one
 * session, decode and preprocess the image (src/image/preprocess.ts, as the page does), run, show the top-1 label.
 * Query: ?model=<id>&ep=webgpu|wasm&image=<sample>&proxy=0|1. Writes `window.__bare` = { top1, firstResultMs } where
 * firstResultMs is measured from navigation start (performance.now()), and the label into #top1[data-label].
 */
import { loadOrt } from '../www/ort-loader';
import { decodeImageUrl } from '../www/image';
import { getModel, SAMPLE_IMAGES, LABEL_FILES, type SampleImageId } from '../src/models/registry';
import { frameToTensor, toFrame } from '../src/image/preprocess';
import { parseLabels, topK } from '../src/models/labels';
import type { TailEp } from '../src/pipeline/tail';

const q = new URLSearchParams(location.search);
const w = globalThis as unknown as { __bare: unknown };
try {
  const model = getModel(q.get('model') ?? 'squeezenet1.1');
  const ep = (q.get('ep') ?? 'wasm') as TailEp;
  const ort = await loadOrt(ep, { base: '/ort/', proxy: q.get('proxy') !== '0' });
  const [bytes, image, labelsText] = await Promise.all([
    fetch(`/models/${model.file.path}`).then((r) => r.arrayBuffer()),
    decodeImageUrl(`/models/${SAMPLE_IMAGES[(q.get('image') ?? 'cat') as SampleImageId].path}`),
    fetch(`/models/${LABEL_FILES[model.labels].path}`).then((r) => r.text()),
  ]);
  const session = await ort.InferenceSession.create(new Uint8Array(bytes), { executionProviders: [ep] });
  const t = frameToTensor(toFrame(image, model.preprocessing), model.preprocessing);
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', t.data, t.dims as number[]) });
  const top1 = topK(out[session.outputNames[0]!]!.data as Float32Array, 1, parseLabels(labelsText, model.labels))[0]!;
  const ms = performance.now();
  const el = document.getElementById('top1')!;
  el.textContent = `${top1.label} (${(ms / 1000).toFixed(2)} s after navigation)`;
  el.dataset.label = top1.label;
  w.__bare = { top1: top1.label, firstResultMs: ms, ep };
} catch (e) {
  w.__bare = { error: `${(e as Error).name}: ${(e as Error).message}` };
}
