/**
 * The run panel: Run / Cancel, the head backends (emulator worker, simulated board, real board, reference), and one
 * run of the hybrid system — the hybrid result shown as soon as it is ready, the GPU-only baseline after it, then the
 * optional cross-check. The main thread's Long Tasks during the run are measured and shown.
 */
import { getModel } from '../../src/models/registry';
import { toFrame } from '../../src/image/preprocess';
import type { HeadBackend } from '../../src/backend/head-backend';
import { referenceBackend } from '../../src/pipeline/backends';
import type { HybridPipeline } from '../../src/pipeline/pipeline';
import { STAGES, type StageName } from '../../src/pipeline/stages';
import type { SerialBoardBackend } from '../../src/board/serial-backend';
import type { TailEp } from '../../src/pipeline/tail';
import { BOARD_BAUD, connectRealBoard, crossCheckWith, emulatorBackend, simulatedBoardBackend, type PageBackendKind } from '../backends';
import type { LongTaskMonitor } from '../long-tasks';
import { $ } from '../dom';
import type { PageState } from '../state';
import type { EstimatesPanel } from './estimates';
import type { InputsPanel } from './inputs';
import type { ResultPanel } from './result';
import { stageOf, type StatusPanel } from './status';

/** The page's head backends, created on first use and kept. */
export interface Backends {
  get(kind: PageBackendKind): HeadBackend;
  /** The second backend of a cross-check: the emulator, or the TypeScript reference when the emulator ran the head. */
  crossCheckPartner(kind: PageBackendKind): HeadBackend;
}

/** Create the backend registry and wire "Connect board". */
export function createBackends(): Backends {
  let emulator: HeadBackend | null = null;
  let simBoard: HeadBackend | null = null;
  let realBoard: SerialBoardBackend | null = null;
  let reference: HeadBackend | null = null;
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
  return {
    get(kind) {
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
    },
    crossCheckPartner(kind) {
      if (kind === 'emulator') return (reference ??= referenceBackend());
      return (emulator ??= emulatorBackend());
    },
  };
}

/** What the status line says while each pipeline stage runs (arguments: the head backend's description, the tail's EP). */
const STAGE_TEXT: Record<StageName, (backend: string, ep: TailEp) => string> = {
  'load-model': () => 'loading and preparing the model graph',
  'choose-cut': () => 'splitting the graph at the cut',
  'quantize-head': (_, ep) => `quantising the head (in a worker) while the tail's onnxruntime-web session is created${ep === 'webgpu' ? ' (the first WebGPU session of a cut takes 10–30 s on a software adapter)' : ''}`,
  'run-head': (b) => `running the head on ${b}`,
  transfer: () => 'packing the feature map for the link',
  'run-tail': (_, ep) => `running the tail on ${ep}${ep === 'webgpu' ? ' (the first run of a cut compiles its WebGPU shaders)' : ''}`,
  top5: () => 'ranking the top-5',
  'gpu-only': (_, ep) => `hybrid result shown; running the GPU-only baseline on ${ep} (its session is created on first use)`,
};

/** Everything a run needs. */
export interface RunDeps {
  readonly state: PageState;
  readonly status: StatusPanel;
  readonly inputs: InputsPanel;
  readonly estimates: EstimatesPanel;
  readonly result: ResultPanel;
  readonly backends: Backends;
  readonly pipeline: HybridPipeline;
  readonly longTasks: LongTaskMonitor;
  /** Resolves when onnxruntime-web's runtime is started in its worker (live mode waits for it; a Run does not). */
  readonly ortReady: Promise<unknown>;
}

/** Wire Run and Cancel; returns the run function. */
export function createRunPanel(d: RunDeps): () => Promise<void> {
  const { state, status, inputs } = d;
  const run = async (): Promise<void> => {
    if (state.running || state.live) return;
    status.clearError();
    if (!state.image) {
      status.showError('image', new Error('no image chosen: pick a sample, upload, drop, paste or use the camera'));
      return;
    }
    const ac = new AbortController();
    state.running = ac;
    const tStart = performance.now();
    $<HTMLButtonElement>('run-btn').disabled = true;
    $<HTMLButtonElement>('cancel-btn').disabled = false;
    $<HTMLButtonElement>('live-start').disabled = true;
    const bar = $<HTMLProgressElement>('progress');
    const kind = inputs.backend();
    const config = inputs.config();
    const bits = config.quant!.bits!;
    const img = state.image;
    let step = 'backend';
    try {
      const backend = d.backends.get(kind);
      // Not waiting for onnxruntime-web's runtime here: the head and the transfer run while it starts (the pipeline's
      // tail session waits for it; a runtime that could not start fails that stage, named).
      const network = getModel(config.modelId).network;
      status.set(`Running ${network} on ${img.name}…`, 'running');
      step = 'pipeline';
      // Determinate (stages started / all stages): an indeterminate bar animates every frame, repainting the page
      // and keeping the compositor busy on the CPU that the first result needs.
      bar.max = STAGES.length;
      bar.value = 0;
      const ep = d.pipeline.epOf(config);
      const onStage = (stage: StageName): void => {
        performance.mark(`run:${stage}`); // the stage's start on the page's clock (bench/coldstart.mjs reads them)
        status.set(`Running ${network} on ${img.name}: ${STAGE_TEXT[stage](backend.description, ep)}…`, 'running');
        status.stage(stage);
        bar.max = STAGES.length; // (a download's progress may have set it meanwhile)
        bar.value = STAGES.indexOf(stage);
      };
      // First result first: the hybrid result is shown before the baseline runs.
      performance.mark('run:start');
      const result = await d.pipeline.classify(config, img.img, backend, ac.signal, onStage, (first, p) => d.result.showHybrid(first, p, bits));
      const prepared = await d.pipeline.prepare(config);
      state.lastRun = { key: `${config.modelId}/${config.cut}/${bits}`, prepared, bits };
      const totalMs = performance.now() - tStart;
      bar.value = bar.max;
      await d.result.showBaseline(result, prepared, bits);
      await prepared.quantReport().catch(() => undefined); // shown (or its error) by the result panel
      state.runCount++;
      $('results').dataset.runs = String(state.runCount);
      const doneText = `Done: ${result.model} on ${img.name}, cut ${result.cut.index}, head on ${result.backendDescription}, tail on ${result.tailEp}${result.fallback ? ' (FALLBACK)' : ''} — ${(totalMs / 1000).toFixed(1)} s in all (measured here).`;
      const wantCrossCheck = $<HTMLInputElement>('crosscheck').checked;
      if (wantCrossCheck) {
        step = 'cross-check';
        const partner = d.backends.crossCheckPartner(kind);
        status.set(`${doneText} Cross-checking on ${partner.description}…`, 'running');
        const frame = toFrame(img.img, prepared.model.preprocessing);
        const cc = await crossCheckWith(prepared.program, frame, result.head, result.backendDescription, partner, ac.signal);
        d.result.showCrossCheck(cc);
        d.result.showLongTasks('this run', d.longTasks.supported ? d.longTasks.since(tStart) : null);
        status.set(`${doneText} Cross-check: ${cc.bitIdentical ? 'bit-identical' : 'DIFFERS'}.`, 'done');
      } else {
        d.result.showCrossCheck(null);
        d.result.showLongTasks('this run', d.longTasks.supported ? d.longTasks.since(tStart) : null);
        status.set(doneText, 'done');
      }
      backend.recycle?.(result.head.output); // drawn and cross-checked: the next run may write its output into this memory
      void d.estimates.update(); // now costed from the calibrated program that ran
    } catch (e) {
      const err = e as Error;
      bar.value = 0;
      if (err?.name === 'AbortError') status.set('Cancelled. A call into onnxruntime-web that had already started finishes in the background; the next run waits for it.', 'cancelled');
      else status.showError(stageOf(e, step), e);
    } finally {
      state.running = null;
      $<HTMLButtonElement>('run-btn').disabled = false;
      $<HTMLButtonElement>('cancel-btn').disabled = true;
      $<HTMLButtonElement>('live-start').disabled = false;
    }
  };
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  $('cancel-btn').addEventListener('click', () => state.running?.abort());
  return run;
}
