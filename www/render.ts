/**
 * DOM rendering helpers of the page (plain DOM, no framework): numbers with their provenance label, tables, the
 * top-5 lists, the stage timeline and the feature-map grid.
 */
import type { Constant, Figure } from '../src/provenance/provenance';
import type { Ranked } from '../src/models/labels';

/** Create an element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** A number formatted with about `digits` significant digits (integers kept whole), no locale. */
export function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  return Number(v.toPrecision(digits)).toString();
}

/** The provenance label of a figure: 'measured' (here), 'modelled', 'paper'. */
export function provBadge(p: Figure['provenance'], extra = ''): HTMLElement {
  const words = { measured: 'measured here', modelled: 'modelled', paper: 'from the paper' } as const;
  return h('span', { class: `prov prov-${p}`, 'data-prov': p }, words[p] + extra);
}

/** A figure as "value unit [provenance]", the source in the tooltip and in a visually hidden span for screen readers. */
export function figure(f: Figure, digits = 3): HTMLElement {
  const unit = f.unit === 'ratio' ? '%' : f.unit;
  const v = f.unit === 'ratio' ? f.value * 100 : f.value;
  return h('span', { class: 'fig', title: f.source, 'data-prov': f.provenance, 'data-value': String(f.value) },
    h('span', { class: 'v' }, `${num(v, digits)} ${unit}`), ' ', provBadge(f.provenance));
}

/** A model input constant (device capacity, clock …) as "value unit [datasheet|derived|assumption|…]", source in the tooltip. */
export function constantFig(c: Constant): HTMLElement {
  return h('span', { class: 'fig', title: c.source, 'data-prov': c.provenance, 'data-value': String(c.value) },
    h('span', { class: 'v' }, `${num(c.value)} ${c.unit}`), ' ', h('span', { class: `prov prov-const prov-${c.provenance}`, 'data-prov': c.provenance }, c.provenance.replace('-', ' ')));
}

/** A table from a header row and body rows (cells: text or nodes). */
export function table(caption: string, head: readonly string[], rows: readonly (readonly (string | Node)[])[], attrs: Record<string, string> = {}): HTMLTableElement {
  return h('table', attrs,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))));
}

/** A top-5 list; `agreeWith` marks entries whose class index is the other list's top-1. */
export function top5List(id: string, label: string, items: readonly Ranked[], scoreKind: string): HTMLElement {
  return h('ol', { id, 'aria-label': label, class: 'top5' }, ...items.map((r) =>
    h('li', { 'data-index': String(r.index), 'data-label': r.label }, h('span', { class: 'label' }, r.label), ' ', h('span', { class: 'score' }, `(${scoreKind} ${r.score.toFixed(2)})`))));
}

/** One segment of a timeline lane. */
export interface Segment {
  readonly name: string;
  readonly figure: Figure;
}

/** A horizontal lane of segments scaled to `maxMs`, each segment labelled with its value and provenance. */
export function lane(title: string, segs: readonly Segment[], maxMs: number, id: string): HTMLElement {
  const total = segs.reduce((a, s) => a + s.figure.value, 0);
  const bar = h('div', { class: 'bar', role: 'img', 'aria-label': `${title}: ${segs.map((s) => `${s.name} ${num(s.figure.value)} ms (${s.figure.provenance})`).join(', ')}` });
  for (const s of segs) {
    const w = maxMs > 0 ? Math.max(0.4, (100 * s.figure.value) / maxMs) : 0;
    bar.append(h('span', { class: `seg seg-${s.figure.provenance}`, style: `width:${w.toFixed(2)}%`, title: `${s.name}: ${num(s.figure.value)} ms — ${s.figure.source}` }));
  }
  const legend = h('ul', { class: 'legend' }, ...segs.map((s) => h('li', { 'data-stage': s.name }, `${s.name}: `, figure(s.figure))));
  return h('div', { class: 'lane', id }, h('h4', {}, `${title} — total ${num(total)} ms`), bar, legend);
}

/**
 * Draw an NCHW integer feature map as a grid of grey tiles, one per channel (at most `maxChannels`), each channel
 * scaled from the format's code range [min, max] to 0..255. Resolves to the number of channels drawn. It yields to
 * the event loop about every 64 K pixels, so a large map never blocks the main thread for long (the caller must not
 * hand `data` to anyone else meanwhile).
 */
export async function drawFeatureMap(canvas: HTMLCanvasElement, data: Int32Array, shape: readonly [number, number, number], codeMin: number, codeMax: number, maxChannels = 256): Promise<number> {
  const [C, H, W] = shape;
  const n = Math.min(C, maxChannels);
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const gap = 1;
  canvas.width = cols * (W + gap) - gap;
  canvas.height = rows * (H + gap) - gap;
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const img = ctx.createImageData(canvas.width, canvas.height);
  const px = img.data;
  for (let i = 3; i < px.length; i += 4) px[i] = 255; // opaque black background (gaps)
  const span = codeMax - codeMin || 1;
  const yieldEvery = Math.max(1, Math.floor(65536 / (H * W))); // about 64 K pixels between yields (a few ms)
  for (let c = 0; c < n; c++) {
    if (c > 0 && c % yieldEvery === 0) await new Promise<void>((r) => setTimeout(() => r(), 0)); // keep the main thread responsive
    const ox = (c % cols) * (W + gap);
    const oy = Math.floor(c / cols) * (H + gap);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = Math.round((255 * (data[c * H * W + y * W + x]! - codeMin)) / span);
        const o = ((oy + y) * canvas.width + ox + x) * 4;
        px[o] = px[o + 1] = px[o + 2] = v;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  return n;
}
