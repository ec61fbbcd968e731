/**
 * The estimates panel (#estimates): FPGA resources vs the Cyclone 10 GX and the paper platform's modelled figures for
 * the controls' (network, cut, bits, clock), before any run (structural program) and after one (the calibrated
 * program that ran); and the paper's ranges vs the model over every fitting cut. The cost models run in the estimates
 * worker (www/estimates-client.ts), so the main thread only renders.
 */
import { listCuts, type CutPoint } from '../../src/graph/index';
import { getModel, type ModelId } from '../../src/models/registry';
import type { DhmProgram } from '../../src/dhm/program';
import { CYCLONE10GX_10CX220, JETSON_TX2 } from '../../src/cost/devices';
import { constant, type Figure } from '../../src/provenance/provenance';
import { RESOURCE_NAMES, RESOURCE_RULES, type ResourceName } from '../../src/cost/resources';
import { PAPER_CLAIMS, paperNetworkOf } from '../../src/cost/paper';
import type { CutEstimate } from '../../src/cost/cut-estimate';
import type { HybridPipeline } from '../../src/pipeline/pipeline';
import type { EstimatesClient } from '../estimates-client';
import { constantFig, figure, h, num, table } from '../render';
import { $ } from '../dom';
import type { PageState } from '../state';
import type { InputsPanel } from './inputs';
import { stageOf, type StatusPanel } from './status';

const RES_LABEL: Record<ResourceName, string> = { alms: 'ALMs', registers: 'Registers', dspBlocks: 'DSP blocks', m20k: 'M20K blocks', mlab: 'MLAB blocks' };

/** The estimates panel's operations. */
export interface EstimatesPanel {
  /** The legal cuts of a network (its graph parsed once by the pipeline; the worker parses its own copy). */
  cutsFor(id: ModelId): Promise<readonly CutPoint[]>;
  /** Recompute for the current controls, debounced to one per animation frame. */
  schedule(): void;
  /** Recompute now. */
  update(): Promise<void>;
  /** Show the chosen network: slider over its cuts at cut 0, estimates. */
  selectNetwork(): Promise<void>;
  /** One estimate (e.g. the calibrated program of a run, for the result's paper-platform lanes). */
  estimate(id: ModelId, cut: number, bits: number, clockMHz: number, program?: DhmProgram): Promise<CutEstimate>;
}

/** Create the estimates panel. */
export function createEstimatesPanel(state: PageState, status: StatusPanel, inputs: InputsPanel, pipeline: HybridPipeline, worker: EstimatesClient,
  /** The sweep over every cut waits for this (the page's background preparation of the first run). */
  sweepAfter: Promise<unknown> = Promise.resolve()): EstimatesPanel {
  const cuts = new Map<ModelId, Promise<readonly CutPoint[]>>();
  let seq = 0;
  let pending = false;

  const cutsFor = (id: ModelId): Promise<readonly CutPoint[]> => {
    let c = cuts.get(id);
    if (!c) {
      c = pipeline.loadModel(getModel(id)).then(({ graph }) => listCuts(graph));
      cuts.set(id, c);
      c.catch(() => cuts.delete(id));
    }
    return c;
  };
  // The estimates worker gets its copy of a model (copied and parsed there) only after the page's background
  // preparation of the first run (on a machine with few cores it would compete with the first result), or as soon as
  // a run asks for an estimate (`open()`: a run must never wait for itself to finish).
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => { open = resolve; });
  void Promise.resolve(sweepAfter).then(() => open());
  const workerLoads = new Map<ModelId, Promise<void>>();
  const inWorker = (id: ModelId): Promise<void> => {
    let l = workerLoads.get(id);
    if (!l) {
      l = gate.then(() => pipeline.loadModel(getModel(id))).then(({ bytes }) => worker.load(id, bytes));
      workerLoads.set(id, l);
      l.catch(() => workerLoads.delete(id));
    }
    return l;
  };

  const renderPaper = (id: ModelId, est: CutEstimate, over?: { fit: CutEstimate[]; total: number }): void => {
    const network = getModel(id).network;
    const claim = PAPER_CLAIMS.find((c) => c.network === paperNetworkOf(network));
    if (!claim) {
      $('paper').replaceChildren(h('p', {}, `The paper reports no figures for ${network}.`));
      return;
    }
    const range = (xs: number[]): string => (xs.length ? `${num(Math.min(...xs))} % … ${num(Math.max(...xs))} %` : 'no cut fits');
    const overCell = (k: 'latencyReductionPct' | 'energyReductionPct'): string =>
      over ? `${range(over.fit.map((e) => e.row.figures[k].value))} over the ${over.fit.length} of ${over.total} cuts that fit (modelled)` : 'computing…';
    $('paper').replaceChildren(table(`The paper's abstract vs the model for ${claim.network}`, ['quantity', 'paper (abstract)', 'model at this cut', 'model over the cuts that fit'], [
      ['latency reduction', h('span', {}, `${claim.latencyText} `, h('span', { class: 'prov prov-paper', title: claim.latencyReduction.min.source }, 'from the paper')), figure(est.row.figures.latencyReductionPct), overCell('latencyReductionPct')],
      ['energy reduction', h('span', {}, `${claim.energyText} `, h('span', { class: 'prov prov-paper', title: claim.energyReduction.min.source }, 'from the paper')), figure(est.row.figures.energyReductionPct), overCell('energyReductionPct')],
    ], { id: 'paper-table' }));
  };

  const render = (id: ModelId, cutList: readonly CutPoint[], est: CutEstimate): void => {
    const r = est.resources;
    const f = est.row.figures;
    $('est-note').textContent = `${getModel(id).network}, cut ${est.cutIndex} (${inputs.cutText(cutList, est.cutIndex)}), ${est.bits}-bit, ${est.clockMHz} MHz. ` +
      (est.programSource === 'structural'
        ? 'Costed from the DHM compiler in estimate mode (its own weights and widths, no calibration: activation ranges assumed) — no run needed.'
        : 'Costed from the calibrated program that ran.') +
      ` Estimate computed in the estimates worker (off the main thread) in ${est.ms.toFixed(1)} ms (measured here).`;
    const verdict = $('fit-verdict');
    verdict.textContent = r.fits
      ? `Fits the ${CYCLONE10GX_10CX220.name}: limiting resource ${RES_LABEL[r.limiting]} at ${(100 * r.utilisation[r.limiting].value).toFixed(1)} %.`
      : `Does NOT fit the ${CYCLONE10GX_10CX220.name}: limiting resource ${RES_LABEL[r.limiting]} at ${(100 * r.utilisation[r.limiting].value).toFixed(1)} % (soft logic must stay ≤ ${100 * RESOURCE_RULES.fitThreshold.value} %).`;
    verdict.className = `verdict ${r.fits ? 'ok' : 'bad'}`;
    verdict.dataset.fits = String(r.fits);
    verdict.dataset.limiting = r.limiting;
    $('resources').replaceChildren(table(`FPGA resources of the head vs the ${CYCLONE10GX_10CX220.name} (DSP policy: ${r.policy})`,
      ['resource', 'head (estimate)', 'device capacity', 'use'],
      RESOURCE_NAMES.map((n) => {
        const u = r.utilisation[n].value;
        const meter = h('meter', { min: '0', max: '1', low: '0.7', high: '0.9', optimum: '0.2', value: String(Math.min(1, u)), 'aria-label': `${RES_LABEL[n]} use` });
        const cap = r.capacity[n];
        return [RES_LABEL[n], figure(r.totals[n]), constantFig(constant(cap.value, cap.unit, n === 'mlab' ? 'derived' : 'datasheet', cap.source)), h('span', { class: n === r.limiting ? 'limiting' : '' }, meter, ` ${(100 * u).toFixed(1)} %`, n === r.limiting ? ' (limiting)' : '')];
      }), { id: 'resource-table', 'data-alms': String(r.totals.alms.value) }));
    $('platform').replaceChildren(table('Paper platform, modelled: Cyclone 10 GX head + PCIe Gen2 x4 + Jetson TX2 tail, vs the TX2 alone',
      ['figure', 'value'],
      ([
        ['FPGA head cycles', f.fpgaCycles], ['FPGA head latency (cycles / clock)', f.fpgaLatencyMs], ['FPGA chip power (Quartus-calibrated)', f.fpgaPowerW], ['FPGA energy', f.fpgaEnergyMJ],
        ['link bytes (frame in + features out)', f.linkBytes], ['link time (PCIe fit)', f.linkMs],
        [`GPU tail on the TX2 (${JETSON_TX2.precision})`, f.tailMs], ['GPU tail energy', f.tailEnergyMJ],
        ['hybrid latency', f.hybridLatencyMs], ['GPU-only latency (TX2)', f.gpuOnlyLatencyMs],
        ['hybrid energy', f.hybridEnergyMJ], ['GPU-only energy (TX2)', f.gpuOnlyEnergyMJ],
        ['latency reduction', f.latencyReductionPct], ['energy reduction', f.energyReductionPct],
      ] as [string, Figure][]).map(([k, v]) => [k, figure(v)]), { id: 'platform-table' }));
    renderPaper(id, est);
    const box = $('estimates');
    box.dataset.ready = 'true';
    box.dataset.key = `${id}/${est.cutIndex}/${est.bits}/${est.clockMHz}/${est.programSource}`;
  };

  const panel: EstimatesPanel = {
    cutsFor,
    schedule() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        void panel.update();
      });
    },
    async update() {
      const mySeq = ++seq;
      const id = inputs.model();
      let cutList: readonly CutPoint[];
      try {
        cutList = await cutsFor(id);
      } catch (e) {
        status.showError(stageOf(e, 'load-model'), e);
        return;
      }
      if (mySeq !== seq || id !== inputs.model()) return;
      inputs.labelCut(cutList);
      const cut = inputs.cut();
      const bits = inputs.bits();
      const clock = inputs.clockMHz();
      try {
        const calibrated = state.lastRun?.key === inputs.key() ? state.lastRun.prepared.program : undefined;
        await inWorker(id);
        if (mySeq !== seq) return;
        const est = await worker.estimate(id, cut, bits, clock, calibrated);
        if (mySeq !== seq) return;
        render(id, cutList, est);
        await sweepAfter;
        if (mySeq !== seq) return;
        const all = await worker.sweep(id, bits, clock);
        if (all && mySeq === seq) renderPaper(id, est, { fit: all.filter((e) => e.resources.fits), total: all.length });
      } catch (e) {
        if (mySeq === seq) status.showError('estimate', e);
      }
    },
    async selectNetwork() {
      const id = inputs.model();
      $<HTMLInputElement>('cut').disabled = true;
      status.set(`Loading ${getModel(id).title}…`, 'loading');
      try {
        const cutList = await cutsFor(id);
        if (id !== inputs.model()) return;
        inputs.setCuts(cutList, 0);
        status.set(`${getModel(id).network}: ${cutList.length} legal cuts. ${state.image ? 'Press Run.' : 'Choose an image.'}`, 'ready');
        await panel.update();
      } catch (e) {
        status.showError(stageOf(e, 'load-model'), e);
      }
    },
    estimate: (id, cut, bits, clock, program) => {
      open();
      return inWorker(id).then(() => worker.estimate(id, cut, bits, clock, program));
    },
  };
  return panel;
}
