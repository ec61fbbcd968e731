/**
 * Live mode (#live): frames from the camera, or a loop over the four sample images where there is none, through the
 * hybrid system continuously — while the tail of frame n runs in onnxruntime-web's worker, the head of frame n+2 runs in
 * the emulator worker and the transfer of frame n+1 on the main thread — with the measured frames per second next to the bare full model's on the same EP, on the same
 * frames, in the same page, timed in alternating phases (1.5 s bare, 4 s hybrid) so both see the same machine load. Start / Stop; it stops cleanly (after the frame in flight) when the tab is
 * hidden or a frame fails, and says why.
 */
import { SAMPLE_IMAGES, type SampleImageId } from '../../src/models/registry';
import { frameToTensor, toFrame, type RgbFrame } from '../../src/image/preprocess';
import type { HeadResult } from '../../src/backend/head-backend';
import type { StageContext, StageTiming } from '../../src/pipeline/stages';
import type { TailInput } from '../../src/pipeline/pipeline';
import { $ } from '../dom';
import { stageOf } from './status';
import type { RunDeps } from './run';

/** Length of each bare phase and of each hybrid phase, ms (each also runs at least MIN_PHASE_FRAMES counted frames). */
const BARE_PHASE_MS = 1500;
const HYBRID_PHASE_MS = 4000;
const MIN_PHASE_FRAMES = 3;
/** Frames not counted in each side's first phase (warm-up: the first runs of a session are slower); later phases skip 1. */
const WARMUP_FRAMES = 2;

/** Counted frames and their time, ms. */
interface Tally {
  frames: number;
  ms: number;
}
const add = (a: Tally, b: Tally): Tally => ({ frames: a.frames + b.frames, ms: a.ms + b.ms });
/** Frames per second of a tally; null before any counted frame. */
const fps = (t: Tally): number | null => (t.frames > 0 && t.ms > 0 ? (t.frames * 1000) / t.ms : null);

/**
 * Run `frame` repeatedly: the first `skip` frames are not counted; then frames are counted (time from the end of the
 * last skipped frame) until at least `minMs` and MIN_PHASE_FRAMES, or `stop()`. `frame` gets the running tally.
 */
async function timePhase(skip: number, minMs: number, frame: (current: Tally) => Promise<void>, stop: () => boolean): Promise<Tally> {
  const current: Tally = { frames: 0, ms: 0 };
  let t0 = 0;
  for (let n = 0; !stop(); n++) {
    await frame(current);
    const now = performance.now();
    if (n + 1 === skip) t0 = now;
    else if (n + 1 > skip) {
      current.frames++;
      current.ms = now - t0;
      if (current.ms >= minMs && current.frames >= MIN_PHASE_FRAMES) break;
    }
  }
  return current;
}

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
      // Phases alternate: the bare full model on the same EP and frames, then the hybrid, again and again, so both see
      // the same machine load; each side's fps = its counted frames / their time over all its phases.
      step = 'gpu-only';
      const full = await pipeline.fullRunner(p.model, ep);
      const bare: Tally = { frames: 0, ms: 0 };
      const hybrid: Tally = { frames: 0, ms: 0 };
      let i = 0;
      const show = (current: Tally): void => {
        const hf = fps(add(hybrid, current));
        const bf = fps(bare);
        if (hf === null) return;
        fpsEl.dataset.hybridFps = String(hf);
        fpsEl.dataset.frames = String(hybrid.frames + current.frames);
        if (bf !== null) {
          fpsEl.dataset.bareFps = String(bf);
          fpsEl.dataset.ratio = String(hf / bf);
        }
        fpsEl.textContent = `Hybrid ${hf.toFixed(1)} frames/s over ${hybrid.frames + current.frames} frames, bare ${p.model.network} ${bf?.toFixed(1) ?? '?'} frames/s over ${bare.frames} frames on ${ep}` +
          (bf ? ` — ratio ${(hf / bf).toFixed(2)}` : '') + ' (measured here, in alternating phases; the first frames of each phase not counted).';
      };
      for (let phase = 0; stopReason === null; phase++) {
        const skip = phase === 0 ? WARMUP_FRAMES : 1; // the first frames of a phase are not counted (warm-up, phase switch)
        step = 'gpu-only';
        say(`Live: timing the bare ${p.model.network} on ${ep} (phase ${phase + 1})…`, phase === 0 ? 'bare' : 'running');
        const b = await timePhase(skip, BARE_PHASE_MS, async () => {
          const t = frameToTensor(source!.next(i++), p.model.preprocessing);
          await full.run(t.data, t.dims);
        }, () => stopReason !== null);
        bare.frames += b.frames;
        bare.ms += b.ms;
        // The hybrid, pipelined in three stages: while the tail of frame n runs (ORT worker), the head of frame n+2 runs
        // in the emulator worker and the transfer of frame n+1 in the pixel worker (www/transfer-worker.ts).
        step = 'run-head';
        let headP: Promise<HeadResult> = pipeline.runHead(p, source.next(i++), backend, ctx);
        const transferNext = async (): Promise<TailInput> => {
          step = 'run-head';
          const head = await headP;
          headP = pipeline.runHead(p, source!.next(i++), backend, ctx);
          headP.catch(() => undefined); // awaited by the next transfer (or drained below)
          step = 'transfer';
          const x = await pipeline.runTransfer(p, head, ctx);
          backend.recycle?.(head.output);
          return x;
        };
        let input = await transferNext();
        say(`Live on ${source.name}: the tail of frame n (${ep}), the transfer of frame n+1 and the head of frame n+2 (${backend.description}) at the same time.`, 'running');
        const h = await timePhase(skip, HYBRID_PHASE_MS, async (current) => {
          timings.length = 0;
          step = 'run-tail';
          const tailP = pipeline.runTailOn(p, input, ctx);
          tailP.catch(() => undefined); // awaited below, after the next transfer
          const next = transferNext();
          next.catch(() => undefined);
          const r = await tailP;
          input = await next;
          $('live-top1').textContent = `frame ${i}: ${r.top5[0]!.label}`;
          show(current);
        }, () => stopReason !== null);
        step = 'run-head';
        await headP.then((hr) => backend.recycle?.(hr.output));
        hybrid.frames += h.frames;
        hybrid.ms += h.ms;
        show({ frames: 0, ms: 0 });
      }
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
