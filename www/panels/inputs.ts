/**
 * The inputs panel (#controls): network, image (samples, upload, drop, paste, camera), cut slider, bit width, DHM
 * clock, head backend and the tail's EP. It reads the controls into a HybridConfig and keeps the chosen image in the
 * page state; it knows nothing of runs or estimates (main.ts wires their events).
 */
import { CYCLONE10GX_10CX220 } from '../../src/cost/devices';
import type { CutPoint } from '../../src/graph/index';
import { SAMPLE_IMAGES, type ModelId, type SampleImageId } from '../../src/models/registry';
import type { RgbaImage } from '../../src/image/preprocess';
import type { HybridConfig } from '../../src/pipeline/pipeline';
import type { PageBackendKind } from '../backends';
import { decodeImageBlob, decodeImageUrl } from '../image';
import { TAIL_PARAM, type TailChoice } from '../tail-choice';
import { $ } from '../dom';
import type { PageState } from '../state';
import type { StatusPanel } from './status';

/** What the other panels read from the inputs. */
export interface InputsPanel {
  readonly model: () => ModelId;
  readonly bits: () => number;
  readonly clockMHz: () => number;
  readonly cut: () => number;
  readonly backend: () => PageBackendKind;
  /** The run's configuration from the controls (tail EP included). */
  config(): HybridConfig;
  /** `model/cut/bits` of the controls (matches PageState.lastRun.key). */
  key(): string;
  /** Put the slider over `cuts` (keeping index `keep` when it exists) and label it. */
  setCuts(cuts: readonly CutPoint[], keep?: number): void;
  /** Re-label the slider for its current value. */
  labelCut(cuts: readonly CutPoint[]): void;
  /** The label of cut `i` ("layer → C×H×W (tensor)"). */
  cutText(cuts: readonly CutPoint[], i: number): string;
  /** Choose a sample image (decoded, drawn in the preview). */
  useSample(id: SampleImageId): Promise<void>;
  /** Decode a sample image without choosing it (live mode's loop). */
  decodeSample(id: SampleImageId): Promise<RgbaImage>;
}

/** Create the inputs panel: sets the clock default, wires image inputs and the tail-EP control. */
export function createInputsPanel(state: PageState, status: StatusPanel, tail: TailChoice): InputsPanel {
  const networkSel = $<HTMLSelectElement>('network');
  const cutInput = $<HTMLInputElement>('cut');
  const bitsSel = $<HTMLSelectElement>('bits');
  const clockInput = $<HTMLInputElement>('clock');
  // `?network=<id>` preselects one of the offered networks (links, the cold-start benchmark); others are ignored visibly.
  const netParam = new URLSearchParams(location.search).get('network');
  if (netParam !== null) {
    if ([...networkSel.options].some((o) => o.value === netParam)) networkSel.value = netParam;
    else status.message(`URL parameter network=${netParam} ignored: expected one of ${[...networkSel.options].map((o) => o.value).join(', ')}.`);
  }
  const clockDefault = CYCLONE10GX_10CX220.clockMHz;
  clockInput.value = String(clockDefault.value);
  $('clock-help').textContent = `Default ${clockDefault.value} MHz (${clockDefault.provenance}): ${clockDefault.source}.`;

  // The tail's EP: the control reloads the page with ?tail= (one onnxruntime-web runtime per page, www/ort-loader.ts).
  const epSel = $<HTMLSelectElement>('tail-ep');
  epSel.value = tail.source === 'url' ? tail.ep : 'auto';
  $('tail-reason').textContent = `Tail and GPU-only baseline on ${tail.ep === 'webgpu' ? 'WebGPU' : 'wasm (CPU)'}: ${tail.reason}. Changing this reloads the page.`;
  $('tail-reason').dataset.ep = tail.ep;
  $('tail-reason').dataset.source = tail.source;
  epSel.addEventListener('change', () => {
    const url = new URL(location.href);
    if (epSel.value === 'auto') url.searchParams.delete(TAIL_PARAM);
    else url.searchParams.set(TAIL_PARAM, epSel.value);
    location.assign(url.href);
  });

  const cutText = (cuts: readonly CutPoint[], i: number): string => {
    const c = cuts[i]!;
    const layer = c.headLayers[c.headLayers.length - 1] ?? c.tensor;
    return `${layer} → ${c.shape.slice(1).join('×')} (${c.tensor})`;
  };
  const labelCut = (cuts: readonly CutPoint[]): void => {
    const i = Number(cutInput.value);
    const t = cutText(cuts, i);
    $('cut-label').textContent = t;
    cutInput.setAttribute('aria-valuetext', `cut ${i}: after ${t}`);
    $('cut-index').textContent = String(i);
  };

  const drawPreview = (img: RgbaImage, name: string): void => {
    const canvas = $<HTMLCanvasElement>('preview');
    const scale = 160 / Math.max(img.width, img.height);
    const full = new OffscreenCanvas(img.width, img.height);
    full.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img.data), img.width, img.height), 0, 0);
    canvas.width = Math.max(1, Math.round(img.width * scale));
    canvas.height = Math.max(1, Math.round(img.height * scale));
    canvas.getContext('2d')!.drawImage(full, 0, 0, canvas.width, canvas.height);
    canvas.setAttribute('aria-label', `Preview of ${name}`);
    $('image-name').textContent = `${name} (${img.width}×${img.height})`;
  };
  /** Decode and select an image; a failure is shown as stage 'image' and keeps the previous image. */
  const useImage = async (load: () => Promise<RgbaImage>, name: string): Promise<void> => {
    status.clearError();
    try {
      const img = await load();
      state.image = { img, name };
      drawPreview(img, name);
      $('image-name').dataset.name = name;
      if (status.state() !== 'running') status.set(`Image ${name} ready. Press Run.`, 'ready');
    } catch (e) {
      status.showError('image', e);
    }
  };
  const decodeSample = (id: SampleImageId): Promise<RgbaImage> => decodeImageUrl(`models/${SAMPLE_IMAGES[id].path}`);
  const useSample = (id: SampleImageId): Promise<void> => useImage(() => decodeSample(id), SAMPLE_IMAGES[id].path.split('/').pop()!);
  const useBlob = (b: Blob, name: string): Promise<void> => useImage(() => decodeImageBlob(b, name), name);

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
    else status.showError('image', new Error('nothing to use in the drop: drop an image file'));
  });
  document.addEventListener('paste', (e) => {
    const items = [...(e.clipboardData?.items ?? [])];
    const file = items.find((i) => i.kind === 'file')?.getAsFile();
    if (file) {
      e.preventDefault();
      void useBlob(file, file.name || 'pasted image');
    }
  });
  $('camera-btn').addEventListener('click', async () => {
    const video = $<HTMLVideoElement>('camera');
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access (navigator.mediaDevices.getUserMedia is missing; it needs https or localhost)');
      state.camera = await navigator.mediaDevices.getUserMedia({ video: true });
      video.srcObject = state.camera;
      video.hidden = false;
      $('snap-btn').hidden = false;
      await video.play();
    } catch (e) {
      status.showError('camera', e);
    }
  });
  $('snap-btn').addEventListener('click', () => {
    const video = $<HTMLVideoElement>('camera');
    const c = new OffscreenCanvas(video.videoWidth, video.videoHeight);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(video, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height);
    if (!state.live) { // live mode keeps reading the camera
      for (const t of state.camera?.getTracks() ?? []) t.stop();
      state.camera = null;
      video.hidden = true;
    }
    $('snap-btn').hidden = true;
    void useImage(async () => ({ width: d.width, height: d.height, data: d.data }), 'camera picture');
  });

  const panel: InputsPanel = {
    model: () => networkSel.value as ModelId,
    bits: () => Number(bitsSel.value),
    clockMHz: () => {
      const v = Number(clockInput.value);
      return v > 0 && Number.isFinite(v) ? v : clockDefault.value;
    },
    cut: () => Number(cutInput.value),
    backend: () => (document.querySelector<HTMLInputElement>('input[name="backend"]:checked')?.value ?? 'emulator') as PageBackendKind,
    config: () => ({ modelId: panel.model(), cut: panel.cut(), quant: { bits: panel.bits(), weightBits: panel.bits() }, clockMHz: panel.clockMHz(), tailEp: tail.ep }),
    key: () => `${panel.model()}/${cutInput.value}/${panel.bits()}`,
    setCuts(cuts, keep = 0) {
      cutInput.max = String(cuts.length - 1);
      cutInput.value = String(Math.min(keep, cuts.length - 1));
      cutInput.disabled = false;
      $('cut-count').textContent = String(cuts.length);
      labelCut(cuts);
    },
    labelCut,
    cutText,
    useSample,
    decodeSample,
  };
  return panel;
}
