/**
 * The CNN tail (and the GPU-only baseline) on onnxruntime-web. The ORT module is injected so the same code runs in the
 * page (`onnxruntime-web/webgpu`, WebGPU EP) and in Node (`onnxruntime-web`, wasm EP). Placement is read from ORT's
 * verbose log on session creation; any node not on the requested EP is reported, and a WebGPU → wasm fallback is
 * never silent (`fallbackReason`).
 */
import type * as OrtModule from 'onnxruntime-web';
import { parsePlacement, withPlacementLog, type Placement } from '../ort/placement';
import { abortError } from '../backend/abort';

/** The onnxruntime-web module (either entry point). */
export type Ort = typeof OrtModule;
/** Execution providers the tail may run on. */
export type TailEp = 'webgpu' | 'wasm';

const EP_NAME: Record<TailEp, string> = { webgpu: 'WebGpuExecutionProvider', wasm: 'CPUExecutionProvider' };

/** Error when the tail session cannot be created or run; names the model part and the EP. */
export class TailError extends Error {
  override name = 'TailError';
}

/**
 * A session that can hand its inputs' buffers over instead of copying them (the page's facade over onnxruntime-web in
 * its worker: the buffers are transferred and detached here). Real onnxruntime-web sessions do not have it.
 */
export interface TransferringSession {
  runTransferringInputs(feeds: OrtModule.InferenceSession.FeedsType, options?: OrtModule.InferenceSession.RunOptions): Promise<OrtModule.InferenceSession.ReturnType>;
}

/** A reusable ORT session for one model part. */
export interface OrtRunner {
  /** The EP that was asked for. */
  readonly requestedEp: TailEp;
  /** The EP the session really runs on. */
  readonly ep: TailEp;
  /** Why the requested EP was not used (null when it was). */
  readonly fallbackReason: string | null;
  /** Parsed placement log (empty when `placementChecked` is false). */
  readonly placement: Placement;
  /**
   * True when the placement was read from ORT's log: WebGPU sessions where the log can be captured (not Node: its ORT prints
   * the log to stdout itself). False on the wasm EP, the only EP of its session (every node is on it or creation fails).
   */
  readonly placementChecked: boolean;
  /** Nodes that ORT placed on another EP than `ep` (e.g. CPU fallback inside a WebGPU session), as logged. */
  readonly misplacedNodes: readonly string[];
  readonly inputName: string;
  readonly outputName: string;
  /**
   * Run on one float32 input (layout as the model wants: NCHW for tails); resolves to the first output's data.
   * Runs are queued behind any call into onnxruntime-web still in flight; if `signal` aborts before this run's turn,
   * it is skipped (AbortError). A run that has started cannot be interrupted. With `consume`, `data`'s buffer may be
   * handed to onnxruntime-web's worker instead of copied (the page's ORT facade: `runTransferringInputs`); the caller
   * must not use `data` afterwards.
   */
  run(data: Float32Array, dims: readonly number[], signal?: AbortSignal, consume?: boolean): Promise<Float32Array>;
  /** Release the session (queued like every call into onnxruntime-web). */
  release(): Promise<void>;
}

/**
 * Every call into onnxruntime-web — session creation, run, release — goes through one queue, one call at a time.
 * onnxruntime-web 1.30 (the asyncify build behind the WebGPU EP) hangs the page when two of them overlap: two
 * sessions initialising at once, or a second `run` on a session whose first `run` is still in flight. Both happen
 * when the user cancels a run (the pipeline stops waiting, but ORT cannot be interrupted) and starts the next one at
 * once; the next run's calls then wait here until the cancelled run's call has finished.
 */
let ortQueue: Promise<unknown> = Promise.resolve();

/** Run one call into onnxruntime-web after every earlier one has settled; skipped with an AbortError if `signal` aborted meanwhile. */
function enqueueOrtCall<T>(op: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const next = ortQueue.then(() => {
    if (signal?.aborted) throw abortError(signal);
    return op();
  });
  ortQueue = next.catch(() => undefined);
  return next;
}

/**
 * Create a session on `ep`; when `ep` is 'webgpu' and WebGPU cannot be used, fall back to 'wasm' and say why.
 * `what` names the model part in errors ('tail of squeezenet1.1 at cut 0'). With `checkPlacement` the session is
 * created with ORT's verbose log captured from `console` (browsers, workers); Node's ORT writes it to stdout itself.
 */
export function createOrtRunner(ort: Ort, bytes: Uint8Array, ep: TailEp, what: string, checkPlacement = true): Promise<OrtRunner> {
  return enqueueOrtCall(() => createOrtRunnerNow(ort, bytes, ep, what, checkPlacement));
}

async function createOrtRunnerNow(ort: Ort, bytes: Uint8Array, ep: TailEp, what: string, checkPlacement: boolean): Promise<OrtRunner> {
  let fallbackReason: string | null = null;
  let chosen: TailEp = ep;
  // Only a WebGPU session can place nodes elsewhere (on the CPU EP, silently): a wasm-EP session has one EP, so every node is
  // on it or creation fails. Its verbose placement log is not read: it doubled session creation (MobileNetV2 50 → 99 ms in Node).
  const readsLog = (e: TailEp) => checkPlacement && e === 'webgpu';
  const create = async (e: TailEp) => {
    if (!readsLog(e)) return { result: await ort.InferenceSession.create(bytes, { executionProviders: [e] }), placement: parsePlacement([]) };
    // Verbose only while the session is created (placement log); at run time verbose would dump every WebGPU shader.
    const level = ort.env.logLevel;
    ort.env.logLevel = 'verbose';
    try {
      return await withPlacementLog(() => ort.InferenceSession.create(bytes, { executionProviders: [e], logSeverityLevel: 0 }));
    } finally {
      ort.env.logLevel = level;
    }
  };
  let created: Awaited<ReturnType<typeof create>>;
  try {
    created = await create(ep);
  } catch (err) {
    if (ep !== 'webgpu') throw new TailError(`${what}: cannot create an onnxruntime-web session on ${ep}: ${(err as Error).message}`);
    fallbackReason = `WebGPU session failed (${(err as Error).message}); running on the wasm EP instead`;
    chosen = 'wasm';
    try {
      created = await create('wasm');
    } catch (err2) {
      throw new TailError(`${what}: cannot create a session on webgpu (${(err as Error).message}) nor on wasm (${(err2 as Error).message})`);
    }
  }
  const session = created.result;
  const placement = created.placement;
  const misplacedNodes = Object.entries(placement.nodesByProvider).filter(([k]) => k !== EP_NAME[chosen]).flatMap(([k, v]) => v.map((n) => `${n} on ${k}`));
  if (placement.allOn && placement.allOn !== EP_NAME[chosen]) misplacedNodes.push(`all nodes on ${placement.allOn}`);
  if (readsLog(chosen) && !placement.allOn && placement.nodeCount === 0) misplacedNodes.push('no placement log seen: placement unknown');
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  return {
    requestedEp: ep, ep: chosen, fallbackReason, placement, placementChecked: readsLog(chosen), misplacedNodes, inputName, outputName,
    run: (data, dims, signal, consume) => enqueueOrtCall(async () => {
      try {
        const feeds = { [inputName]: new ort.Tensor('float32', data, dims as number[]) };
        const transferring = consume ? (session as Partial<TransferringSession>).runTransferringInputs : undefined;
        const out = transferring ? await transferring.call(session, feeds, { logSeverityLevel: 3 }) : await session.run(feeds, { logSeverityLevel: 3 });
        const t = out[outputName]!;
        const res = (t.data as Float32Array).slice();
        t.dispose?.();
        return res;
      } catch (err) {
        throw new TailError(`${what}: run on ${chosen} failed: ${(err as Error).message}`);
      }
    }, signal),
    release: () => enqueueOrtCall(() => session.release()),
  };
}
