/** The status line, the download progress bar and the error box (#status, #progress, #error). */
import { StageError } from '../../src/pipeline/stages';
import { $ } from '../dom';
import { h } from '../render';
import type { PageStatus } from '../state';

/** The status panel's operations. */
export interface StatusPanel {
  /** Set the status line and #status[data-state] (clears data-stage unless running). */
  set(text: string, state: PageStatus): void;
  /** Current #status[data-state]. */
  state(): PageStatus | undefined;
  /** Show the running stage on #status[data-stage]. */
  stage(name: string): void;
  /** Download progress: (what, loaded bytes, total bytes or null). */
  onDownload(what: string, loaded: number, total: number | null): void;
  /** Show an error naming the stage (or page step) that failed. */
  showError(step: string, e: unknown): void;
  clearError(): void;
  /** A line in the capability panel's message list. */
  message(text: string, attrs?: Record<string, string>): void;
}

/** Stage of an error: the pipeline's StageError names it; otherwise the page step that ran. */
export function stageOf(e: unknown, fallback: string): string {
  return e instanceof StageError ? e.stage : fallback;
}

/** Create the status panel over the page's elements. */
export function createStatusPanel(): StatusPanel {
  let baseStatus = '';
  const downloads = new Map<string, { loaded: number; total: number | null }>();
  const panel: StatusPanel = {
    set(text, state) {
      const s = $('status');
      baseStatus = text;
      s.textContent = text;
      s.dataset.state = state;
      if (state !== 'running') delete s.dataset.stage;
    },
    state: () => $('status').dataset.state as PageStatus | undefined,
    stage(name) {
      $('status').dataset.stage = name;
    },
    onDownload(what, loaded, total) {
      downloads.set(what, { loaded, total });
      const bar = $<HTMLProgressElement>('progress');
      const all = [...downloads.values()];
      const pending = [...downloads].filter(([, d]) => d.total === null || d.loaded < d.total);
      if (pending.length === 0) {
        bar.value = 1;
        $('status').textContent = baseStatus;
        return;
      }
      const sumTotal = all.reduce((a, d) => a + (d.total ?? d.loaded), 0);
      const sumLoaded = all.reduce((a, d) => a + d.loaded, 0);
      bar.max = 1;
      bar.value = sumTotal > 0 ? sumLoaded / sumTotal : 0;
      const mb = (b: number): string => (b / 1048576).toFixed(1);
      $('status').textContent = `Downloading ${pending.map(([w, d]) => `${w} ${mb(d.loaded)}${d.total ? `/${mb(d.total)}` : ''} MB`).join(', ')}…`;
    },
    showError(step, e) {
      const err = e as Error;
      const box = $('error');
      box.hidden = false;
      box.dataset.stage = step;
      box.replaceChildren(h('strong', {}, `Stage '${step}' failed: `), `${err?.name && err.name !== 'Error' ? err.name + ': ' : ''}${err?.message ?? String(e)}`);
      panel.set(`Error in stage '${step}' (details below).`, 'error');
    },
    clearError() {
      const box = $('error');
      box.hidden = true;
      box.replaceChildren();
      delete box.dataset.stage;
    },
    message(text, attrs = {}) {
      $('cap-messages').append(h('li', attrs, text));
    },
  };
  return panel;
}
