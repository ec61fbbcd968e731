/**
 * The page's "accuracy per bit width" panel: for the current model and cut, measures here the top-1 agreement of the
 * quantised hybrid (head on the page's emulator backend, tail on the page's ORT EP) with the float model at 4, 6 and 8 bits,
 * on the four sample images in two folds (calibration images disjoint from evaluation images) — the same code as
 * `hybrid-dhm reproduce --accuracy` (src/pipeline/accuracy.ts). The compiler runs on the main thread here (a few
 * seconds per bit width for early cuts).
 */
import type { HeadBackend } from '../src/backend/head-backend';
import { evaluateAccuracy, type AccuracyImage, type AccuracyResult } from '../src/pipeline/accuracy';
import type { PipelineEnv } from '../src/pipeline/pipeline';
import type { ModelId } from '../src/models/registry';
import { h, provBadge, table } from './render';

/** What the panel needs from the page. */
export interface AccuracyPanelDeps {
  readonly env: PipelineEnv;
  backend(): HeadBackend;
  model(): ModelId;
  cut(): number;
  images(): Promise<readonly AccuracyImage[]>;
}

/** Bit widths the panel measures. */
export const PANEL_BITS: readonly number[] = [4, 6, 8];

function render(out: HTMLElement, r: AccuracyResult): void {
  const folds = r.folds.map((f) => `calibrate on ${f.calibration.join(', ')} → evaluate on ${f.evaluation.join(', ')}`).join('; ');
  out.replaceChildren(
    h('p', {}, provBadge('measured'), ` here: hybrid (head on the ${r.headBackend}, tail on ${r.tailEp}) vs the float model; ${folds}.`),
    table('Top-1 agreement with float per bit width', ['bits', 'top-1 equal', 'mean top-5 overlap', 'differences'],
      r.records.map((x) => [String(x.bits), `${x.top1Equal}/${x.images}`, x.meanTop5Overlap.toFixed(2), x.differences.join('; ') || '—']), { id: 'accuracy-table' }),
  );
}

/** Add the panel (a section with a button and a result area) at the end of `root`. */
export function mountAccuracyPanel(root: HTMLElement, deps: AccuracyPanelDeps): void {
  const btn = h('button', { type: 'button', id: 'accuracy-btn' }, 'Measure accuracy per bit width (4, 6, 8 bits)');
  const status = h('p', { id: 'accuracy-status', role: 'status', 'aria-live': 'polite' }, '');
  const out = h('div', { id: 'accuracy-result' });
  root.append(h('section', { id: 'accuracy', 'aria-labelledby': 'accuracy-h' },
    h('h2', { id: 'accuracy-h' }, 'Accuracy per bit width (measured here)'), btn, status, out));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    const model = deps.model();
    const cut = deps.cut();
    status.textContent = `Measuring ${model}, cut ${cut}, at ${PANEL_BITS.join(', ')} bits on the sample images…`;
    try {
      const env = deps.env;
      const r = await evaluateAccuracy({
        ort: env.ort, tailEp: env.tailEp, loadFile: (p) => env.loadFile(p), backend: deps.backend(), images: await deps.images(),
        plans: [{ modelId: model, cuts: [cut], bits: PANEL_BITS }], imageNote: 'the four sample images',
      });
      render(out, r);
      status.textContent = `Done: ${model}, cut ${cut}.`;
    } catch (e) {
      status.textContent = `Accuracy measurement failed: ${(e as Error).message}`;
    } finally {
      btn.disabled = false;
    }
  });
}
