/**
 * Live mode (#live): frames from the camera, or a loop over the four sample images where there is none, through the
 * hybrid system continuously — the head of frame n+1 runs in the emulator worker while the tail of frame n runs in
 * onnxruntime-web — with the measured frames per second next to the bare full model's on the same EP (measured first,
 * on the same frames, in the same page). Start / Stop; it stops cleanly (after the frame in flight) when the tab is
 * hidden or a frame fails, and says why.
 */
import { SAMPLE_IMAGES, type SampleImageId } from '../../src/models/registry';
import { frameToTensor, toFrame, type RgbFrame } from '../../src/image/preprocess';
import type { HeadResult } from '../../src/backend/head-backend';
import type { StageContext, StageTiming } from '../../src/pipeline/stages';
import { $ } from '../dom';
import { stageOf } from './status';
import type { RunDeps } from './run';

/** Frames per second over completed frames' end times (ms): (n − 1) / span; null with fewer than 2 frames. */
export function framesPerSecond(endsMs: readonly number[]): number | null {
  if (endsMs.length < 2) return null;
  return ((endsMs.length - 1) * 1000) / (endsMs[endsMs.length - 1]! - endsMs[0]!);
}

/** Frames the bare model is timed on (at least), and the least time it is timed for, ms. */
const BARE_MIN_FRAMES = 3;
const BARE_MIN_MS = 1500;
/** Frames of each side not counted (warm-up: the first runs of a session are slower). */
const WARMUP_FRAMES = 2;

/** Wire the live panel's Start and Stop. */
export function createLivePanel(d: RunDeps): void {
  const { state, inputs, pipeline } = d;
  const startBtn = $<HTMLButtonElement>('live-start');
  const stopBtn = $<HTMLButtonElement>('live-stop');
  const out = $('live-status');
  const fpsEl = $('live-fps');
  const say = (text: string, st: 'preparing' | 'bare' | 'running' | 'stopped' | 'error'): void => {
    out.textContent = text;
    out.dataset.state = st;
  };

  /** A frame source: the camera (a video element read through a canvas) or the sample images in a loop. */
  const frameSource = async (preprocessing: Parameters<typeof toFrame>[1]): Promise<{ name: string; next(i: number): RgbFrame; close(): void }> => {
    if (($<HTMLSelectElement>('live-source').value) === 'camera') {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser offers no camera access (navigator.mediaDevices.getUserMedia is missing; it needs https or localhost); choose the sample images');
      const stream = state.camera ?? await navigator.mediaDevices.getUserMedia({ video: true });
      state.camera = stream;
      const video = $<HTMLVideoElement>('camera');
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const canvas = new OffscreenCanvas(video.videoWidth || 640, video.videoHeight || 480);
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      return {
        name: 'camera',
        next() {
          ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
          const px = ctx.getImageData(0, 0, canvas.width, canvas.height);
          return toFrame({ width: px.width, height: px.height, data: px.data }, preprocessing);
        },
        close() {
          for (const t of stream.getTracks()) t.stop();
          if (state.camera === stream) state.camera = null;
          video.hidden = true;
        },
      };
    }
    const ids = Object.keys(SAMPLE_IMAGES) as SampleImageId[];
    const frames = await Promise.all(ids.map(async (id) => toFrame(await inputs.decodeSample(id), preprocessing)));
    return { name: `the ${frames.length} sample images in a loop`, next: (i) => frames[i % frames.length]!, close: () => undefined };
  };

  const start = async (): Promise<void> => {
    if (state.running || state.live) return;
    let stopReason: string | null = null;
    state.live = { stop: (reason) => (stopReason ??= reason) };
    startBtn.disabled = true;
    stopBtn.disabled = false;
    $<HTMLButtonElement>('run-btn').disabled = true;
    for (const k of ['hybridFps', 'bareFps', 'ratio', 'frames', 'stopReason', 'longestTaskMs']) delete fpsEl.dataset[k];
    fpsEl.textContent = '';
    const config = inputs.config();
    const ep = pipeline.epOf(config);
    const timings: StageTiming[] = [];
    const ctx: StageContext = { timings };
    let step = 'prepare';
    let source: Awaited<ReturnType<typeof frameSource>> | null = null;
    const tStart = performance.now();
    try {
      const backend = d.backends.get(inputs.backend());
      say('Live: loading the runtime and preparing the hybrid system…', 'preparing');
      await d.ortReady;
      const p = await pipeline.prepare(config, timings);
      step = 'frames';
      source = await frameSource(p.model.preprocessing);
      // The bare full model on the same EP and the same frames: its frames per second, measured first.
      step = 'gpu-only';
      say(`Live: timing the bare ${p.model.network} on ${ep}…`, 'bare');
      const full = await pipeline.fullRunner(p.model, ep);
      const bareEnds: number[] = [];
      for (let i = 0; stopReason === null; i++) {
        const t = frameToTensor(source.next(i), p.model.preprocessing);
        await full.run(t.data, t.dims);
        bareEnds.push(performance.now());
        const counted = bareEnds.length - WARMUP_FRAMES;
        if (counted >= BARE_MIN_FRAMES && bareEnds[bareEnds.length - 1]! - bareEnds[WARMUP_FRAMES]! >= BARE_MIN_MS) break;
      }
      const bareFps = framesPerSecond(bareEnds.slice(WARMUP_FRAMES));
      if (bareFps !== null) fpsEl.dataset.bareFps = String(bareFps);
      // The hybrid, pipelined: head of frame n+1 in the worker while the tail of frame n runs.
      step = 'run-head';
      const ends: number[] = [];
      let headP: Promise<HeadResult> = pipeline.runHead(p, source.next(0), backend, ctx);
      for (let n = 0; stopReason === null; n++) {
        timings.length = 0;
        step = 'run-head';
        const head = await headP;
        const nextFrame = source.next(n + 1);
        headP = pipeline.runHead(p, nextFrame, backend, ctx);
        headP.catch(() => undefined); // awaited in the next iteration (or dropped on stop)
        step = 'run-tail';
        const r = await pipeline.runTail(p, head, ctx);
        backend.recycle?.(head.output);
        ends.push(performance.now());
        const fps = framesPerSecond(ends.slice(WARMUP_FRAMES));
        const now = ends.length - WARMUP_FRAMES;
        $('live-top1').textContent = `frame ${ends.length}: ${r.top5[0]!.label}`;
        if (fps !== null) {
          fpsEl.dataset.hybridFps = String(fps);
          fpsEl.dataset.frames = String(now);
          if (bareFps) fpsEl.dataset.ratio = String(fps / bareFps);
          fpsEl.textContent = `Hybrid ${fps.toFixed(1)} frames/s over ${now} frames, bare ${p.model.network} ${bareFps?.toFixed(1) ?? '?'} frames/s on ${ep}` +
            (bareFps ? ` — ratio ${(fps / bareFps).toFixed(2)}` : '') + ' (measured here; first frames of each not counted).';
        }
        say(`Live on ${source.name}: head on ${backend.description} (frame n+1) while the tail of frame n runs on ${ep}.`, 'running');
      }
      await headP.then((h) => backend.recycle?.(h.output), () => undefined);
      say(`Live stopped: ${stopReason}.`, 'stopped');
      fpsEl.dataset.stopReason = stopReason ?? '';
    } catch (e) {
      const err = e as Error;
      say(`Live stopped by an error in stage '${stageOf(e, step)}': ${err.name && err.name !== 'Error' ? err.name + ': ' : ''}${err.message}`, 'error');
      fpsEl.dataset.stopReason = 'error';
    } finally {
      source?.close();
      const lt = d.longTasks.supported ? d.longTasks.since(tStart) : null;
      if (lt) fpsEl.dataset.longestTaskMs = String(lt.longestMs);
      if (lt) $('live-longtask').textContent = `Main thread during live mode: longest task ${lt.longestMs.toFixed(0)} ms, ${lt.count} task(s) over 50 ms (measured here).`;
      state.live = null;
      startBtn.disabled = false;
      stopBtn.disabled = true;
      $<HTMLButtonElement>('run-btn').disabled = false;
    }
  };

  startBtn.addEventListener('click', () => void start());
  stopBtn.addEventListener('click', () => state.live?.stop('Stop pressed'));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') state.live?.stop('the tab was hidden');
  });
}
