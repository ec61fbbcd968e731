/**
 * The capability panel (#capabilities): WebGPU adapter, the tail's EP and why, Wasm SIMD, wasm threads, Web Serial,
 * offline state; and the footer's page transfer size. Missing features give non-blocking messages.
 */
import { getModel, PAPER_MODELS } from '../../src/models/registry';
import type { Capabilities } from '../capabilities';
import type { OfflineState } from '../offline';
import type { TailChoice } from '../tail-choice';
import { $ } from '../dom';
import { h } from '../render';

/** Render the capability rows and their messages; disables the real-board controls without Web Serial. */
export function renderCapabilities(c: Capabilities, tail: TailChoice): void {
  const rows: [string, string, 'ok' | 'warn' | 'bad'][] = [
    ['WebGPU', c.webgpu.available ? `${c.webgpu.vendor || '?'} / ${c.webgpu.architecture || '?'}${c.webgpu.isFallbackAdapter ? ' (software fallback adapter)' : ''}` : `unavailable: ${c.webgpu.error}`, c.webgpu.available ? (c.webgpu.isFallbackAdapter ? 'warn' : 'ok') : 'bad'],
    ['Tail EP', `${tail.ep === 'webgpu' ? 'WebGPU' : 'wasm (CPU)'} — ${tail.source === 'auto' ? 'automatic' : 'chosen'}: ${tail.reason}`, tail.warning ? 'warn' : 'ok'],
    ['Wasm SIMD', c.wasmSimd ? 'yes' : 'no (the emulator needs it)', c.wasmSimd ? 'ok' : 'bad'],
    ['Wasm threads', c.crossOriginIsolated ? `yes (cross-origin isolated, ${c.hardwareConcurrency} cores)` : 'no (page is not cross-origin isolated: single-threaded wasm)', c.crossOriginIsolated ? 'ok' : 'warn'],
    ['Web Serial', c.webSerial ? 'yes (a real board can be connected)' : 'no (real board unavailable; emulator and simulated board still work)', c.webSerial ? 'ok' : 'warn'],
  ];
  $('cap-list').replaceChildren(...rows.flatMap(([k, v, cls]) => [h('dt', {}, k), h('dd', { class: cls, 'data-cap': k }, v)]));
  $('cap-list').querySelector('[data-cap="Tail EP"]')!.setAttribute('data-ep', tail.ep);
  const msgs: string[] = [];
  if (tail.warning) msgs.push(tail.warning);
  if (!c.webgpu.available) msgs.push('No WebGPU: the tail and the GPU-only baseline run on onnxruntime-web\'s wasm (CPU) EP. Classification works the same.');
  else if (c.webgpu.isFallbackAdapter && tail.ep === 'webgpu') msgs.push('WebGPU runs on a software fallback adapter: results are correct but slow (first run 10–30 s while shaders compile, then a few seconds per run).');
  else if (c.webgpu.isFallbackAdapter) msgs.push('WebGPU runs on a software fallback adapter here (about 100x slower than the wasm EP): the tail runs on onnxruntime-web\'s wasm (CPU) EP. Choose WebGPU under "Where the GPU tail runs" to try it anyway.');
  if (!c.wasmSimd) msgs.push('No Wasm SIMD: the emulator cannot run here; try a current Chromium, Firefox or Safari.');
  if (!c.crossOriginIsolated) msgs.push('Not cross-origin isolated: onnxruntime-web\'s wasm runs single-threaded.');
  if (!c.webSerial) msgs.push('No Web Serial: "Real board" is disabled; the emulator and the simulated board still work.');
  $('cap-messages').replaceChildren(...msgs.map((m) => h('li', {}, m)));
  const boardRadio = document.querySelector<HTMLInputElement>('input[name="backend"][value="board"]');
  if (boardRadio && !c.webSerial) boardRadio.disabled = true;
  $<HTMLButtonElement>('connect-btn').disabled = !c.webSerial;
}

/** The offline row of the capability panel (service worker: app shell cached, models kept as they are loaded). */
export function renderOffline(o: OfflineState): void {
  const [text, cls] = o.kind === 'ready'
    ? [`ready: ${o.cachedFiles}/${o.shellFiles} app files cached (build ${o.buildHash.slice(0, 8)}); models are kept as you open them${o.servedByWorker ? '; this visit was served by the service worker' : ''}`, o.cachedFiles >= o.shellFiles ? 'ok' : 'warn']
    : [`${o.kind === 'unsupported' ? 'unavailable' : 'failed'}: ${o.reason} (the page works online)`, 'warn'];
  const list = $('cap-list');
  list.querySelector('[data-cap="Offline"]')?.previousElementSibling?.remove();
  list.querySelector('[data-cap="Offline"]')?.remove();
  list.append(h('dt', {}, 'Offline'), h('dd', { class: cls, 'data-cap': 'Offline', 'data-state': o.kind }, text));
}

/** The footer: page transfer size from dist/build-info.json (written by build.mjs). */
export async function renderBuildInfo(): Promise<void> {
  const el = $('build-info');
  try {
    const r = await fetch('build-info.json');
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    const info = (await r.json()) as { pageBytes: number; pageGzipBytes: number };
    const models = PAPER_MODELS.map((id) => getModel(id).file.bytes).reduce((a, b) => a + b, 0);
    el.replaceChildren(`Page transfer size (without models): ${(info.pageBytes / 1048576).toFixed(2)} MiB, gzip ${(info.pageGzipBytes / 1048576).toFixed(2)} MiB `,
      h('span', { class: 'prov prov-measured', title: 'summed by build.mjs over dist/ on this build (dist/build-info.json)' }, 'measured at build'),
      `; the three models add ${(models / 1048576).toFixed(1)} MiB (registry sizes), fetched on first use; a visit loads one of the two onnxruntime-web builds (the tail EP's).`);
    el.dataset.pageBytes = String(info.pageBytes);
  } catch (e) {
    el.textContent = `Page transfer size: unknown (build-info.json: ${(e as Error).message})`;
  }
}
