/**
 * The page's side of the estimates worker (workers/estimates.worker.ts, dist/workers/estimates.worker.js): the cost
 * models of src/cost/cut-estimate.ts run there, off the main thread. One worker per page, started on first use; a
 * failure is an EstimatesWorkerError naming the worker-side error, and the next call starts a fresh worker (the
 * models it had parsed are sent again).
 */
import type { EstimatesWorkerApi } from '../workers/estimates.worker';
import type { CutEstimate } from '../src/cost/cut-estimate';
import type { DhmProgram } from '../src/dhm/program';
import type { ModelId } from '../src/models/registry';
import { managedWorker } from './managed-worker';

/** A failure inside the estimates worker. */
export class EstimatesWorkerError extends Error {
  override name = 'EstimatesWorkerError';
  constructor(readonly workerErrorName: string, message: string) {
    super(`estimates worker: ${workerErrorName}: ${message}`);
  }
}

/** Estimates computed in the worker. */
export interface EstimatesClient {
  /** Make `id` known to the worker (its ONNX bytes, copied); resolves when parsed. */
  load(id: ModelId, bytes: Uint8Array): Promise<void>;
  estimate(id: ModelId, cutIndex: number, bits: number, clockMHz: number, program?: DhmProgram): Promise<CutEstimate>;
  /** Every cut at (bits, clock); null when a newer sweep replaced it. */
  sweep(id: ModelId, bits: number, clockMHz: number): Promise<CutEstimate[] | null>;
}

/** Create the client; `workerUrl` defaults to dist/workers/estimates.worker.js relative to the page. */
export function estimatesClient(workerUrl: string | URL = 'workers/estimates.worker.js'): EstimatesClient {
  const models = new Map<ModelId, Uint8Array>();
  let loaded = new Set<ModelId>();
  let startedSeen = 0;
  const w = managedWorker<EstimatesWorkerApi>({ url: new URL(workerUrl, location.href), name: 'dhm-estimates', errorType: EstimatesWorkerError });
  /** Call with `id` loaded in the current worker (a fresh worker after a failure has none). */
  const withModel = <T>(id: ModelId, fn: (api: Parameters<Parameters<typeof w.call>[0]>[0]) => Promise<T>): Promise<T> => w.call(async (api) => {
    if (w.started !== startedSeen) {
      startedSeen = w.started;
      loaded = new Set();
    }
    if (!loaded.has(id)) {
      const bytes = models.get(id);
      if (!bytes) throw new Error(`model ${id} was never loaded`);
      await api.load(id, bytes);
      loaded.add(id);
    }
    return fn(api);
  });
  return {
    async load(id, bytes) {
      models.set(id, bytes);
      await withModel(id, async () => undefined);
    },
    estimate: (id, cut, bits, clock, program) => withModel(id, (api) => api.estimate(id, cut, bits, clock, program)),
    sweep: (id, bits, clock) => withModel(id, (api) => api.sweep(id, bits, clock)), // a new sweep stops older ones
  };
}
