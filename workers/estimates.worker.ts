/**
 * Module worker of the page's live estimates (src/cost/cut-estimate.ts, off the main thread): per network it
 * parses the model once (loadGraph) and keeps its estimate context; `estimate` costs one cut (structural program, or
 * the calibrated program that ran), `sweep` every cut at a bits/clock for the paper panel, one cut per macrotask so a
 * newer sweep stops an older one. Exposed with comlink; results are plain data (structured clone).
 */
import { expose } from 'comlink';
import { loadGraph } from '../src/graph/index';
import { getModel, type ModelId } from '../src/models/registry';
import type { DhmProgram } from '../src/dhm/program';
import { estimateCut, networkContext, type CutEstimate, type NetworkContext } from '../src/cost/cut-estimate';

const contexts = new Map<ModelId, NetworkContext>();
let sweepGeneration = 0;

function contextOf(id: ModelId): NetworkContext {
  const c = contexts.get(id);
  if (!c) throw new Error(`estimates worker: model ${id} was not loaded (call load first)`);
  return c;
}

const api = {
  /** Parse `bytes` (the model's ONNX file) and build its estimate context; returns the time taken here, ms (measured). */
  load(id: ModelId, bytes: Uint8Array): number {
    const t0 = performance.now();
    if (!contexts.has(id)) {
      const model = getModel(id);
      contexts.set(id, networkContext(model, loadGraph(bytes, model.file.path)));
    }
    return performance.now() - t0;
  },
  /** Estimate one cut (see estimateCut of src/cost/cut-estimate.ts). */
  estimate(id: ModelId, cutIndex: number, bits: number, clockMHz: number, program?: DhmProgram): CutEstimate {
    return estimateCut(contextOf(id), cutIndex, bits, clockMHz, program);
  },
  /** Estimate every cut (structural programs); null when a later sweep replaced it. */
  async sweep(id: ModelId, bits: number, clockMHz: number): Promise<CutEstimate[] | null> {
    const gen = ++sweepGeneration;
    const ctx = contextOf(id);
    const out: CutEstimate[] = [];
    for (let i = 0; i < ctx.cuts.length; i++) {
      await new Promise((r) => setTimeout(r, 0)); // let a newer request in between cuts
      if (gen !== sweepGeneration) return null;
      out.push(estimateCut(ctx, i, bits, clockMHz));
    }
    return out;
  },
};

/** The comlink API of this worker. */
export type EstimatesWorkerApi = typeof api;

expose(api);
