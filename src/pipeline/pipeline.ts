/**
 * The hybrid system, as the paper describes it — this file is its table of contents:
 *
 *   load-model → choose-cut → quantize-head → run-head → transfer → run-tail → top5      (+ gpu-only baseline)
 *
 *   load-model     ONNX bytes → prepared Graph (src/graph: passes, shapes)          cached per model
 *   choose-cut     legal cuts → head Graph + tail ONNX (src/graph/split)             cached per (model, cut)
 *   quantize-head  head Graph + calibration frames → DhmProgram (src/dhm/quantize)   cached per (model, cut, options);
 *                  in a worker in the page (PipelineEnv.compileHead), in-process elsewhere; the per-tensor
 *                  SQNR/clipping report is not on this path: `PreparedHybrid.quantReport()` computes it on demand;
 *                  the tail's ORT session is created here too, at the same time (reused)
 *   run-head       DhmProgram + 8-bit RGB frame → integer feature map + exact cycle counts, on a HeadBackend
 *                  ('reference' TypeScript | 'wasm' emulator in a worker | 'board' over Web Serial)
 *   transfer       the feature map through the link's wire format (4 uint8 per 32-bit word, channel-fastest, as the
 *                  authors' PCIe DMA), then dequantised in JS to float32 NCHW (dequantisation is NOT folded into the
 *                  tail: the tail ONNX is the float model's own tail, unchanged)
 *   run-tail       onnxruntime-web (WebGPU or wasm EP, chosen per config; Node has wasm), one session per (model, cut, EP)
 *   top5           labels + top-5 of the hybrid logits — the hybrid result is complete here (`onHybrid` is told)
 *   gpu-only       the full float model on the same EP and the same 8-bit frame (normal float preprocessing); its
 *                  session is created here, on first use, after the hybrid result: it never delays the first result
 *
 * First result first: the tail's ORT session is created while the quantiser runs (in its worker in the page); the
 * GPU-only session waits until the hybrid result is out. Every ORT session is created once per (model part, EP).
 * Every stage takes the AbortSignal and reports its wall time (measured here). FPGA time is modelled: cycles / clock;
 * the clock is not part of any cache key — it is applied to each run's figures (`prepare` returns it per call).
 */
import type { Graph } from '../graph/types';
import { loadGraph, listCuts, splitAt, writeOnnx, type CutPoint } from '../graph/index';
import { compileHead, quantReport, type CompileOptions, type CompileResult, type QuantOptions, type QuantReport } from '../dhm/quantize';
import { lowerHead } from '../dhm/float';
import { formatName, type DhmProgram, type FixedFormat, type HeadCycles } from '../dhm/program';
import { formulaCycles } from '../dhm/cycles';
import { getModel, LABEL_FILES, type ModelEntry, type ModelId } from '../models/registry';
import { parseLabels, topK, type Ranked } from '../models/labels';
import { frameToTensor, toFrame, type RgbaImage, type RgbFrame } from '../image/preprocess';
import { measured, modelled, type Constant, type Figure, type Provenance } from '../provenance/provenance';
import { abortError } from '../backend/abort';
import { type HeadBackend, type HeadBackendKind, type HeadResult } from '../backend/head-backend';
import { createOrtRunner, type Ort, type OrtRunner, type TailEp } from './tail';
import { raceAbort, runStage, StageError, type StageContext, type StageName, type StageTiming } from './stages';
import { headCompileOptions, type PrebuiltLookup, type ProgramSource } from './prebuilt';
import { linkTransfer, type TailInput } from './transfer';

export type { TailInput } from './transfer';

/** What the pipeline needs from its platform (page or Node). */
export interface PipelineEnv {
  /** onnxruntime-web (the `onnxruntime-web/webgpu` entry in the page, `onnxruntime-web` in Node). */
  readonly ort: Ort;
  /** Default EP for the tail and the GPU-only baseline (`HybridConfig.tailEp` overrides it; Node has only 'wasm'). */
  readonly tailEp: TailEp;
  /**
   * Resolves when onnxruntime-web may create sessions (the page prefetches its .wasm with visible progress first);
   * the rest of the preparation does not wait for it. Absent: at once.
   */
  readonly ortReady?: Promise<unknown>;
  /** Whether ORT's placement log can be captured through `console` (true in browsers; false in Node). */
  readonly checkPlacement: boolean;
  /** Read a provisioned file by its path relative to the models folder (e.g. `squeezenet1.1/squeezenet1.1_fp32.onnx`). */
  loadFile(path: string, signal?: AbortSignal): Promise<Uint8Array>;
  /** The calibration set for the quantizer: 8-bit RGB frames prepared with the model's preprocessing. */
  calibrationFrames(model: ModelEntry, signal?: AbortSignal): Promise<readonly RgbFrame[]>;
  /**
   * Where the quantize-head stage runs `compileHead` (src/dhm/quantize.ts): the page hands it to a worker so the main
   * thread stays responsive (www/compile-worker.ts); when absent it runs in-process. Must give the same program.
   */
  compileHead?(head: Graph, options: CompileOptions, signal?: AbortSignal): Promise<Pick<CompileResult, 'program' | 'report'>>;
  /**
   * Where the per-tensor report (`quantReport` of src/dhm/quantize.ts: float head and integer reference on the
   * calibration frames) is computed: a worker in the page; in-process when absent. Must give the same report.
   */
  quantReport?(head: Graph, options: CompileOptions, program: DhmProgram): Promise<QuantReport>;
  /**
   * Where the transfer stage runs `linkTransfer` (src/pipeline/transfer.ts: pack, unpack, dequantise): the page hands
   * it to a worker (www/transfer-worker.ts) so the main thread stays responsive; in-process when absent. Must give the
   * same floats; must not detach `output` (the caller keeps it).
   */
  transferFeatureMap?(output: Int32Array, shape: readonly [number, number, number], format: FixedFormat, signal?: AbortSignal): Promise<TailInput>;
  /**
   * Where a run's image is preprocessed (`toFrame` of src/image/preprocess.ts): a worker in the page; in-process when
   * absent. Must give the same frame; must not detach `image.data`.
   */
  preprocess?(image: RgbaImage, preprocessing: ModelEntry['preprocessing'], signal?: AbortSignal): Promise<RgbFrame>;
  /**
   * A program compiled ahead of time for (model, cut, quantiser options) (src/pipeline/prebuilt.ts): the page fetches
   * the prebuilt file and checks its key; `{ program: null, detail }` says why there is none (other options, missing
   * file, stale key), and the quantiser then runs here. Absent: always compiled here. Asked at the start of the
   * preparation, in parallel with load-model; `modelBytes` is load-model's ONNX file (the key's SHA-256 is taken from
   * the bytes the pipeline uses, and the file is not fetched a second time).
   */
  prebuiltProgram?(model: ModelEntry, cutIndex: number, quant: Partial<QuantOptions>, modelBytes: Promise<Uint8Array>, signal?: AbortSignal): Promise<PrebuiltLookup>;
  /**
   * The modelled paper platform of the result table (the FPGA's default clock and the host link's transfer time),
   * injected by the caller so the pipeline does not import the cost model (`paperPlatformModel()` of
   * src/cost/platform-model.ts in the page and the CLI).
   */
  readonly platform: PlatformModel;
}

/** The modelled platform figures that the result table needs (each a Figure with its provenance and source). */
export interface PlatformModel {
  /** The DHM clock used when a config sets none, in MHz (a sourced constant). */
  readonly defaultClockMHz: Constant;
  /** Name of the host link in the result table (e.g. 'PCIe Gen2 x4'). */
  readonly linkName: string;
  /** Modelled transfer time in ms of `bytes` bytes of feature map over the host link (0 bytes → 0 ms). */
  linkTimeMs(bytes: number): Figure;
}

/** Which system to build: model, cut, quantisation options and the FPGA clock. */
export interface HybridConfig {
  readonly modelId: ModelId;
  /** Cut index (0 = earliest legal cut, the default). */
  readonly cut?: number;
  /** Quantizer options (bits, rounding, overflow, per-layer overrides); defaults of src/dhm/quantize.ts. */
  readonly quant?: Partial<QuantOptions>;
  /** DHM clock in MHz for the modelled FPGA time (default: the Cyclone 10 GX profile's, with its source). */
  readonly clockMHz?: number;
  /** EP of the tail and of the GPU-only baseline (both the same; default `PipelineEnv.tailEp`). */
  readonly tailEp?: TailEp;
}

/**
 * A prepared (model, cut, options, EP): cached program and tail session, with the clock of the config it was asked
 * for (the clock is applied per call, never cached).
 */
export interface PreparedHybrid {
  readonly key: string;
  readonly model: ModelEntry;
  readonly graph: Graph;
  readonly cuts: readonly CutPoint[];
  readonly cut: CutPoint;
  readonly program: DhmProgram;
  /**
   * The per-tensor calibration report (observed range, format, clipping, SQNR over the calibration frames), computed
   * on first call (off the first result's critical path) and cached.
   */
  quantReport(): Promise<QuantReport>;
  readonly tail: OrtRunner;
  readonly labels: readonly string[];
  /**
   * Wall times inside quantize-head, ms (measured here): the calibration frames, the compiler (in its worker in the
   * page), and the tail's ORT session — the last two run at the same time.
   */
  readonly prepareMs: { readonly framesMs: number; readonly compileMs: number; readonly tailSessionMs: number };
  /** Where the program came from: prebuilt (a file whose key matched) or compiled here, with the reason. */
  readonly programSource: ProgramSource;
  /** The DHM clock of this call's config, MHz, and where it came from (default with its source, or set by the user). */
  readonly clockMHz: number;
  readonly clockSource: string;
}

/** The cached part of a PreparedHybrid (everything but the clock). */
type PreparedCore = Omit<PreparedHybrid, 'clockMHz' | 'clockSource'>;

/** One labelled number of the result table. */
export interface ResultRow {
  readonly name: string;
  readonly figure: Figure;
}

/**
 * The hybrid result alone, as soon as its top-5 is known (before the GPU-only baseline runs): everything of
 * HybridResult but `gpuOnly`; its table has no GPU-only row yet.
 */
export type HybridFirstResult = Omit<HybridResult, 'gpuOnly'>;

/** The result of classifying one image with the hybrid system and the GPU-only baseline. */
export interface HybridResult {
  readonly model: ModelId;
  readonly cut: { readonly index: number; readonly tensor: string; readonly shape: readonly number[]; readonly bytes: number; readonly headLayers: readonly string[] };
  readonly backend: HeadBackendKind;
  readonly backendDescription: string;
  readonly hybrid: { readonly top5: readonly Ranked[]; readonly logits: Float32Array };
  readonly gpuOnly: { readonly top5: readonly Ranked[]; readonly logits: Float32Array };
  /** The head's integer output (NCHW), its shape and format name, and cycle counts (run, and the analytic formula: computed when first read). */
  readonly head: { readonly output: Int32Array; readonly shape: readonly [number, number, number]; readonly format: string; readonly cycles: HeadCycles; readonly formulaCycles: HeadCycles };
  /** EP the tail and the baseline really ran on, and any fallback or misplaced node (never silent). */
  readonly tailEp: TailEp;
  readonly fallback: string | null;
  readonly misplacedNodes: readonly string[];
  /** Whether the placement of every tail node was read from ORT's log (WebGPU in browsers; false in Node and on the wasm EP, the session's only EP). */
  readonly placementChecked: boolean;
  /** Wall time of every stage, milliseconds (measured here). */
  readonly timings: readonly StageTiming[];
  /** The table of numbers, each with its provenance. */
  readonly table: readonly ResultRow[];
  /** Provenance of each table row, by name (the JSON view of the CLI). */
  readonly provenance: Readonly<Record<string, Provenance>>;
}

/** What the tail stages give for one head result. */
export interface TailOutput {
  readonly logits: Float32Array;
  readonly top5: Ranked[];
  /** Bytes of the feature map on the link's wire format. */
  readonly wireBytes: number;
}

/** Default calibration/classification top-k. */
const TOP_K = 5;

/** Cache key of a prepared system: model, cut, quantiser options and EP — not the clock (applied per call). */
function configKey(c: HybridConfig, ep: TailEp): string {
  return JSON.stringify([c.modelId, c.cut ?? 0, c.quant ?? {}, ep]);
}

/** The clock of a config: the user's, or the Cyclone 10 GX profile's default with its source. */
function clockOf(config: HybridConfig, platform: PlatformModel): { clockMHz: number; clockSource: string } {
  const clock = platform.defaultClockMHz;
  return config.clockMHz === undefined
    ? { clockMHz: clock.value, clockSource: `${clock.value} MHz default: ${clock.source}` }
    : { clockMHz: config.clockMHz, clockSource: `${config.clockMHz} MHz, set by the user` };
}

/** The analytic cycle counts of a program (src/dhm/cycles.ts `formulaCycles`), computed once per program object. */
const formulaCache = new WeakMap<DhmProgram, HeadCycles>();
function programFormulaCycles(program: DhmProgram): HeadCycles {
  let c = formulaCache.get(program);
  if (!c) {
    c = formulaCycles(program);
    formulaCache.set(program, c);
  }
  return c;
}

/**
 * The hybrid system with its caches: prepared programs and ORT sessions are reused across images for the same
 * (model, cut, options). Create one per platform; call `dispose()` to release sessions.
 */
export class HybridPipeline {
  private readonly graphs = new Map<string, Promise<{ graph: Graph; bytes: Uint8Array }>>();
  private readonly prepared = new Map<string, Promise<PreparedCore>>();
  /** Per prepared key: the head program as soon as it is known (before the tail's session is created); `classify` runs the head on it. */
  private readonly programs = new Map<string, Promise<DhmProgram>>();
  private readonly fullRunners = new Map<string, Promise<OrtRunner>>();

  constructor(readonly env: PipelineEnv) {}

  /**
   * load-model, choose-cut, quantize-head (cached). Timings of the stages that ran are appended to `timings`;
   * `onStage` is told as each stage starts.
   */
  async prepare(config: HybridConfig, timings: StageTiming[] = [], signal?: AbortSignal, onStage?: (stage: StageName) => void): Promise<PreparedHybrid> {
    const ep = this.epOf(config);
    const key = configKey(config, ep);
    let p = this.prepared.get(key);
    const cached = p !== undefined;
    if (!p) {
      let programKnown: (program: DhmProgram) => void = () => undefined;
      const program = new Promise<DhmProgram>((resolve) => { programKnown = resolve; });
      this.programs.set(key, program);
      p = this.build(config, ep, key, { timings, signal, onStage }, programKnown);
      this.prepared.set(key, p);
      void p.then((core) => programKnown(core.program), () => undefined);
      p.catch(() => { this.prepared.delete(key); this.programs.delete(key); }); // a failed or aborted preparation is not cached
    } else {
      for (const s of ['load-model', 'choose-cut', 'quantize-head'] as const) timings.push({ stage: s, ms: 0, cached: true });
    }
    // A preparation already in flight (e.g. started in the background) is shared; this caller stops waiting on abort.
    const r = cached ? await raceAbort(p, signal) : await p;
    return { ...r, ...clockOf(config, this.env.platform) };
  }

  /** The EP a config's tail and baseline run on. */
  epOf(config: HybridConfig): TailEp {
    return config.tailEp ?? this.env.tailEp;
  }

  private async build(config: HybridConfig, ep: TailEp, key: string, ctx: StageContext, programKnown: (program: DhmProgram) => void): Promise<PreparedCore> {
    const env = this.env;
    const signal = ctx.signal;
    const model = getModel(config.modelId);
    if (!model.float) throw new StageError('load-model', new Error(`model '${model.id}' is an int8 reference model; the hybrid system needs a float model`));
    // A prebuilt program (page: a file fetched and its key checked) is looked up while the model loads.
    const prebuiltP: Promise<PrebuiltLookup> = env.prebuiltProgram
      ? env.prebuiltProgram(model, config.cut ?? 0, config.quant ?? {}, this.loadModel(model, signal).then((m) => m.bytes), signal).catch((e: Error) => {
        if (e?.name === 'AbortError') throw e;
        return { program: null, detail: `the prebuilt program could not be read (${e.message})` };
      })
      : Promise.resolve({ program: null, detail: 'no prebuilt programs on this platform' });
    prebuiltP.catch(() => undefined);
    const { graph, bytes } = await runStage('load-model', ctx, () => this.loadModel(model, signal));
    const { cuts, cut, head, tailBytes } = await runStage('choose-cut', ctx, () => {
      const cuts = listCuts(graph);
      const index = config.cut ?? 0;
      const split = splitAt(graph, index); // throws CutRangeError naming the valid range
      return { cuts, cut: split.cut, head: split.head, tailBytes: writeOnnx(split.tail) };
    });
    const q = await runStage('quantize-head', ctx, async () => {
      // The tail's session is created while the quantiser runs (a worker in the page): both are on the critical path.
      const t0 = performance.now();
      const tailP = Promise.resolve(env.ortReady).then(() => createOrtRunner(env.ort, tailBytes, ep, `tail of ${model.id} at cut ${cut.index}`, env.checkPlacement));
      let tailSessionMs = NaN;
      void tailP.then(() => { tailSessionMs = performance.now() - t0; }, () => undefined);
      const labelsP = env.loadFile(LABEL_FILES[model.labels].path, signal);
      try {
        const pre = await prebuiltP;
        let compiled: Pick<CompileResult, 'program'>;
        let framesMs = 0;
        let compileMs = 0;
        let programSource: ProgramSource;
        if (pre.program) {
          compiled = { program: pre.program };
          programSource = { kind: 'prebuilt', detail: pre.detail };
        } else {
          const frames = await env.calibrationFrames(model, signal);
          framesMs = performance.now() - t0;
          const options = headCompileOptions(model, cut.index, config.quant ?? {}, frames);
          compiled = env.compileHead ? await env.compileHead(head, options, signal) : compileHead(head, options);
          compileMs = performance.now() - t0 - framesMs;
          programSource = { kind: 'compiled', detail: `compiled here: ${pre.detail}` };
        }
        programKnown(compiled.program); // the head may run while the tail's session is still being created (classify)
        const labelsText = await labelsP;
        const tail = await tailP;
        return { compiled, programSource, tail, labels: parseLabels(new TextDecoder().decode(labelsText), model.labels), prepareMs: { framesMs, compileMs, tailSessionMs } };
      } catch (e) {
        labelsP.catch(() => undefined);
        // the run failed or was cancelled while the session was being created: nobody will use it
        void tailP.then((t) => t.release(), () => undefined);
        throw e;
      }
    });
    if (signal?.aborted) {
      await q.tail.release();
      throw abortError(signal);
    }
    const program = q.compiled.program;
    let report: Promise<QuantReport> | null = null;
    const quantReportOnce = (): Promise<QuantReport> => {
      if (!report) {
        // the calibration frames (not loaded at all when the program was prebuilt)
        report = env.calibrationFrames(model).then((frames) => {
          const options = headCompileOptions(model, cut.index, config.quant ?? {}, frames, true);
          return env.quantReport
            ? env.quantReport(head, options, program)
            : quantReport(program, lowerHead(head, model.preprocessing), frames.map((f) => (f instanceof Uint8Array ? f : f.data)));
        });
        report.catch(() => (report = null));
      }
      return report;
    };
    return {
      key, model, graph, cuts, cut, program, quantReport: quantReportOnce, prepareMs: q.prepareMs, programSource: q.programSource,
      tail: q.tail, labels: q.labels,
    };
  }

  /**
   * The model's ONNX bytes and its prepared Graph (load-model's work), cached per model; the page's live estimates use
   * the same graph, so a model is fetched and parsed once.
   */
  loadModel(model: ModelEntry, signal?: AbortSignal): Promise<{ graph: Graph; bytes: Uint8Array }> {
    let g = this.graphs.get(model.id);
    if (!g) {
      g = this.env.loadFile(model.file.path, signal).then((bytes) => ({ bytes, graph: loadGraph(bytes, model.file.path) }));
      this.graphs.set(model.id, g);
      g.catch(() => this.graphs.delete(model.id));
    }
    return g;
  }

  /** The full model's session on `ep` (the GPU-only baseline), created on first use and cached per (model, EP). */
  fullRunner(model: ModelEntry, ep: TailEp, signal?: AbortSignal): Promise<OrtRunner> {
    const key = `${model.id}/${ep}`;
    let r = this.fullRunners.get(key);
    if (!r) {
      r = Promise.all([this.loadModel(model, signal), this.env.ortReady]).then(([{ bytes }]) => createOrtRunner(this.env.ort, bytes, ep, `full model ${model.id}`, this.env.checkPlacement));
      this.fullRunners.set(key, r);
      r.catch(() => this.fullRunners.delete(key));
    }
    return r;
  }

  /**
   * Classify one decoded image with the hybrid system (head on `backend`) and the GPU-only baseline.
   * Rejects with an AbortError when `signal` aborts; other failures are StageErrors naming the stage. `onStage` is told
   * as each stage starts (progress display); `onHybrid` gets the hybrid result as soon as its top-5 is known, before
   * the baseline runs (the page shows it at once). A call into onnxruntime-web that has started finishes in the
   * background; the next run's ORT calls wait for it (src/pipeline/tail.ts).
   */
  async classify(config: HybridConfig, image: RgbaImage, backend: HeadBackend, signal?: AbortSignal, onStage?: (stage: StageName) => void,
    onHybrid?: (r: HybridFirstResult, prepared: PreparedHybrid) => void): Promise<HybridResult> {
    const timings: StageTiming[] = [];
    const ctx: StageContext = { timings, signal, onStage };
    // The image is preprocessed (a worker in the page) while the system is prepared: it needs only the model's recipe.
    // The head and the transfer run as soon as the head program is known, while the tail's session may still be being
    // created (on a cold start that session is the last thing prepared).
    const recipe = getModel(config.modelId).preprocessing;
    const frameP = this.env.preprocess ? this.env.preprocess(image, recipe, signal) : Promise.resolve(toFrame(image, recipe));
    frameP.catch(() => undefined);
    const prepared = this.prepare(config, timings, signal, onStage);
    const program = this.programs.get(configKey(config, this.epOf(config))) ?? prepared.then((x) => x.program);
    const headP = Promise.all([program, frameP]).then(async ([prog, frame]) => {
      const head = await this.runHead({ program: prog }, frame, backend, ctx);
      return { frame, head, input: await this.runTransfer({ program: prog }, head, ctx) };
    });
    headP.catch(() => undefined);
    const p = await prepared;
    const { frame, head, input } = await raceAbort(headP, signal);
    const tail = await this.runTailOn(p, input, ctx);
    if (onHybrid) {
      onHybrid(this.result(p, backend, head, tail, null, timings), p);
      await new Promise<void>((r) => setTimeout(() => r(), 0)); // a macrotask: the page paints the hybrid result before the baseline starts
    }
    const base = await runStage('gpu-only', ctx, async () => {
      const t = frameToTensor(frame, p.model.preprocessing);
      const full = await this.fullRunner(p.model, p.tail.requestedEp, signal);
      return full.run(t.data, t.dims, signal);
    });
    const full = await this.fullRunner(p.model, p.tail.requestedEp);
    return this.result(p, backend, head, tail, { logits: base, runner: full }, timings) as HybridResult;
  }

  /** Stage run-head for one 8-bit frame of a prepared system (live mode calls it for frame n+1 while frame n's tail runs). */
  runHead(p: Pick<PreparedHybrid, 'program'>, frame: RgbFrame, backend: HeadBackend, ctx: StageContext): Promise<HeadResult> {
    return runStage('run-head', ctx, () => backend.run(p.program, frame, ctx.signal));
  }

  /** Stages transfer, run-tail and top5 for one head result: the hybrid logits and top-5. */
  async runTail(p: PreparedHybrid, head: HeadResult, ctx: StageContext): Promise<TailOutput> {
    return this.runTailOn(p, await this.runTransfer(p, head, ctx), ctx);
  }

  /**
   * Stage transfer alone: the head's output through the link's wire format and back, dequantised to the tail's float
   * input (live mode runs it for frame n+1 while the tail of frame n runs). The head's output is not kept.
   */
  runTransfer(p: Pick<PreparedHybrid, 'program'>, head: HeadResult, ctx: StageContext): Promise<TailInput> {
    const fmt = p.program.streams[p.program.output]!.format;
    const env = this.env;
    return runStage('transfer', ctx, () => (env.transferFeatureMap ? env.transferFeatureMap(head.output, head.shape, fmt, ctx.signal) : linkTransfer(head.output, head.shape, fmt)));
  }

  /** Stages run-tail and top5 on a transferred feature map. */
  async runTailOn(p: PreparedHybrid, input: TailInput, ctx: StageContext): Promise<TailOutput> {
    // the transferred map is the tail's alone (runTransfer makes a new one per run): handed over, not copied
    const logits = await runStage('run-tail', ctx, () => p.tail.run(input.data, input.dims, ctx.signal, true));
    const top5 = await runStage('top5', ctx, () => topK(logits, TOP_K, p.labels));
    return { logits, top5, wireBytes: input.wireBytes };
  }

  private result(p: PreparedHybrid, backend: HeadBackend, head: HeadResult, tail: TailOutput, base: { logits: Float32Array; runner: OrtRunner } | null,
    timings: StageTiming[]): HybridFirstResult | HybridResult {
    const { top5, logits, wireBytes } = tail;
    const ms = (s: string): number => timings.filter((t) => t.stage === s).reduce((a, t) => a + t.ms, 0);
    const fpgaMs = (head.cycles.total / (p.clockMHz * 1e3));
    const boardLink = head.link;
    const link = boardLink
      ? boardLink.clockKind === 'simulated-line'
        ? modelled(boardLink.ms, 'ms', `${boardLink.description}: ${boardLink.bytesFromBoard + boardLink.bytesToBoard} bytes on a simulated serial line (baud-rate pacing, not a real link)`)
        : measured(boardLink.ms, 'ms', `${boardLink.description}: ${boardLink.bytesFromBoard + boardLink.bytesToBoard} bytes, measured here on the wall clock`)
      : this.env.platform.linkTimeMs(wireBytes);
    const table: ResultRow[] = [
      { name: 'FPGA head time (TX2+Cyclone 10 GX)', figure: modelled(fpgaMs, 'ms', `${head.cycles.total} cycles (exact, ${backend.kind} backend) / ${p.clockSource}`) },
      { name: 'FPGA head cycles', figure: modelled(head.cycles.total, 'cycles', `streaming pipeline of docs/datapath.md §9, first output at cycle ${head.cycles.firstOutput}`) },
      { name: 'feature map at the cut', figure: modelled(wireBytes, 'bytes', `${p.cut.shape.join('x')} values, ${formatName(head.format)}, packed 4 per 32-bit word as on the authors' PCIe link`) },
      { name: head.link ? 'link time (board link)' : `link time (${this.env.platform.linkName})`, figure: link },
      { name: 'head on this machine', figure: measured(ms('run-head'), 'ms', `wall time of the ${backend.description} here (not the FPGA's time)`) },
      { name: 'transfer on this machine', figure: measured(ms('transfer'), 'ms', 'pack + unpack + dequantise, wall time here') },
      { name: `tail on this machine (${p.tail.ep})`, figure: measured(ms('run-tail'), 'ms', `onnxruntime-web ${p.tail.ep} EP on this machine — a different device from the paper's Jetson TX2`) },
      ...(base ? [{ name: `GPU-only on this machine (${base.runner.ep})`, figure: measured(ms('gpu-only'), 'ms', `full float model, onnxruntime-web ${base.runner.ep} EP on this machine (session created on first use, after the hybrid result)`) }] : []),
    ];
    const provenance: Record<string, Provenance> = Object.fromEntries(table.map((r) => [r.name, r.figure.provenance]));
    const fallback = [p.tail.fallbackReason, base?.runner.fallbackReason].filter((x) => x).join('; ') || null;
    const first: HybridFirstResult = {
      model: p.model.id,
      cut: { index: p.cut.index, tensor: p.cut.tensor, shape: p.cut.shape, bytes: p.cut.bytes, headLayers: p.cut.headLayers },
      backend: backend.kind, backendDescription: backend.description,
      hybrid: { top5, logits },
      head: {
        output: head.output, shape: head.shape, format: formatName(head.format), cycles: head.cycles,
        // computed on first read (the page does not read it: ≈15 ms of main-thread CPU at a cold start, off its result)
        get formulaCycles(): HeadCycles { return programFormulaCycles(p.program); },
      },
      tailEp: p.tail.ep, fallback, misplacedNodes: [...p.tail.misplacedNodes, ...(base?.runner.misplacedNodes ?? [])], placementChecked: p.tail.placementChecked,
      timings: [...timings], table, provenance,
    };
    return base ? { ...first, gpuOnly: { top5: topK(base.logits, TOP_K, p.labels), logits: base.logits } } : first;
  }

  /** Release every ORT session. */
  async dispose(): Promise<void> {
    const all = [...this.prepared.values()].map((p) => p.then((x) => x.tail.release()).catch(() => undefined));
    const fulls = [...this.fullRunners.values()].map((p) => p.then((x) => x.release()).catch(() => undefined));
    await Promise.all([...all, ...fulls]);
    this.prepared.clear();
    this.fullRunners.clear();
    this.graphs.clear();
  }
}
