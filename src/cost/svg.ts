/**
 * Minimal deterministic SVG line charts written as plain strings (no DOM). Coordinates are printed with two
 * decimals so the same data always gives the same bytes.
 */

/** One line of a chart; `y` null leaves a gap. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number | null])[];
  readonly dashed?: boolean;
}

/** Chart description. */
export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Optional labels of integer x positions (e.g. cut tensors). */
  readonly xTickLabels?: ReadonlyMap<number, string>;
  /** Optional horizontal reference lines. */
  readonly hLines?: readonly { readonly y: number; readonly label: string }[];
  /** Logarithmic y axis (decades); non-positive values are left out. */
  readonly logY?: boolean;
  /** Shaded ranges along x: `[x, low, high]` points (a gap where missing), drawn under the lines. */
  readonly bands?: readonly { readonly name: string; readonly points: readonly (readonly [number, number, number])[]; readonly color?: string }[];
  /** Shaded horizontal ranges (e.g. a paper's claimed range). */
  readonly hBands?: readonly { readonly low: number; readonly high: number; readonly label: string }[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n2 = (v: number): string => (Math.round(v * 100) / 100).toFixed(2);

function niceStep(range: number, target: number): number {
  const raw = range / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function tickText(v: number): string {
  const r = Number(v.toPrecision(6));
  return String(r);
}

/** Render a line chart as an SVG document string. */
export function lineChartSvg(c: LineChart, width = 720, height = 400): string {
  const m = { l: 70, r: 170, t: 36, b: 70 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of c.series) for (const [x, y] of s.points) {
    xs.push(x);
    if (y !== null && Number.isFinite(y)) ys.push(y);
  }
  for (const h of c.hLines ?? []) ys.push(h.y);
  for (const b of c.bands ?? []) for (const [x, lo, hi] of b.points) { xs.push(x); ys.push(lo, hi); }
  for (const h of c.hBands ?? []) ys.push(h.low, h.high);
  let x0 = xs.length ? Math.min(...xs) : 0;
  let x1 = xs.length ? Math.max(...xs) : 1;
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  const logY = c.logY === true;
  const fy = (v: number): number => (logY ? Math.log10(v) : v);
  const ysUsed = logY ? ys.filter((v) => v > 0) : ys;
  let y0: number;
  let y1: number;
  let step: number;
  if (logY) {
    y0 = Math.floor(Math.log10(Math.min(...(ysUsed.length ? ysUsed : [1]))));
    y1 = Math.ceil(Math.log10(Math.max(...(ysUsed.length ? ysUsed : [10]))));
    if (y0 === y1) y1 = y0 + 1;
    step = 1;
  } else {
    y0 = Math.min(0, ...(ys.length ? ys : [0]));
    y1 = Math.max(...(ys.length ? ys : [1]));
    if (y0 === y1) y1 = y0 + 1;
    step = niceStep(y1 - y0, 6);
    y0 = Math.floor(y0 / step) * step;
    y1 = Math.ceil(y1 / step) * step;
  }
  const X = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * pw;
  const Y = (y: number): number => m.t + ph - ((fy(y) - y0) / (y1 - y0)) * ph;
  const ok = (y: number | null): y is number => y !== null && Number.isFinite(y) && (!logY || y > 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<clipPath id="plot-area"><rect x="${n2(m.l)}" y="${n2(m.t)}" width="${n2(pw)}" height="${n2(ph)}"/></clipPath>`);
  out.push(`<text x="${n2(width / 2 - m.r / 2)}" y="20" text-anchor="middle" font-size="13" font-weight="bold">${esc(c.title)}</text>`);
  // y grid and ticks
  for (let v = y0, i = 0; v <= y1 + step / 2 && i < 100; v += step, i++) {
    const value = logY ? 10 ** v : v;
    const y = Y(value);
    out.push(`<line x1="${n2(m.l)}" y1="${n2(y)}" x2="${n2(m.l + pw)}" y2="${n2(y)}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${n2(m.l - 6)}" y="${n2(y + 4)}" text-anchor="end">${esc(tickText(value))}</text>`);
  }
  // x ticks at integers
  const xStep = Math.max(1, Math.ceil((x1 - x0) / 20));
  for (let v = Math.ceil(x0); v <= x1; v += xStep) {
    const x = X(v);
    out.push(`<line x1="${n2(x)}" y1="${n2(m.t + ph)}" x2="${n2(x)}" y2="${n2(m.t + ph + 4)}" stroke="#000"/>`);
    const label = c.xTickLabels?.get(v) ?? String(v);
    out.push(`<text x="${n2(x)}" y="${n2(m.t + ph + 16)}" text-anchor="middle">${esc(label)}</text>`);
  }
  out.push(`<rect x="${n2(m.l)}" y="${n2(m.t)}" width="${n2(pw)}" height="${n2(ph)}" fill="none" stroke="#000"/>`);
  out.push(`<text x="${n2(m.l + pw / 2)}" y="${n2(height - 30)}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text x="16" y="${n2(m.t + ph / 2)}" text-anchor="middle" transform="rotate(-90 16 ${n2(m.t + ph / 2)})">${esc(c.yLabel)}</text>`);
  (c.hBands ?? []).forEach((h, i) => {
    const yA = Y(h.high);
    const yB = Y(h.low);
    out.push(`<rect x="${n2(m.l)}" y="${n2(yA)}" width="${n2(pw)}" height="${n2(Math.max(1, yB - yA))}" fill="#f2c14e" fill-opacity="0.3" stroke="#c99a1a" stroke-dasharray="3,2"/>`);
    out.push(`<text x="${n2(m.l + 4)}" y="${n2(yA - 3 - 11 * i)}" fill="#8a6a10">${esc(h.label)}</text>`);
  });
  (c.bands ?? []).forEach((b, i) => {
    const color = b.color ?? PALETTE[i % PALETTE.length]!;
    // one polygon per run of consecutive points
    let run: (readonly [number, number, number])[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      const pts = run.length === 1 ? [[run[0]![0] - 0.15, run[0]![1], run[0]![2]] as const, [run[0]![0] + 0.15, run[0]![1], run[0]![2]] as const] : run;
      const top = pts.map(([x, , hi]) => `${n2(X(x))},${n2(Y(hi))}`);
      const bot = [...pts].reverse().map(([x, lo]) => `${n2(X(x))},${n2(Y(lo))}`);
      out.push(`<polygon points="${[...top, ...bot].join(' ')}" fill="${color}" fill-opacity="0.18" stroke="none" clip-path="url(#plot-area)"/>`);
      run = [];
    };
    const sorted = [...b.points].sort((p, q) => p[0] - q[0]);
    sorted.forEach((p, k) => {
      if (k > 0 && p[0] - sorted[k - 1]![0] > 1) flush();
      run.push(p);
    });
    flush();
    const ly = m.t + 10 + (c.series.length + i) * 18;
    out.push(`<rect x="${n2(m.l + pw + 12)}" y="${n2(ly - 5)}" width="24" height="10" fill="${color}" fill-opacity="0.18"/>`);
    out.push(`<text x="${n2(m.l + pw + 42)}" y="${n2(ly + 4)}">${esc(b.name)}</text>`);
  });
  (c.hLines ?? []).forEach((h, i) => {
    out.push(`<line x1="${n2(m.l)}" y1="${n2(Y(h.y))}" x2="${n2(m.l + pw)}" y2="${n2(Y(h.y))}" stroke="#555" stroke-dasharray="2,3"/>`);
    const x = i % 2 === 0 ? m.l + pw - 4 : m.l + 4;
    out.push(`<text x="${n2(x)}" y="${n2(Y(h.y) + (i % 2 === 0 ? -4 : 12))}" text-anchor="${i % 2 === 0 ? 'end' : 'start'}" fill="#555">${esc(h.label)}</text>`);
  });
  c.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    let d = '';
    let pen = false;
    for (const [x, y] of s.points) {
      if (!ok(y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${n2(X(x))},${n2(Y(y))}`;
      pen = true;
    }
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
    for (const [x, y] of s.points) {
      if (!ok(y)) continue;
      out.push(`<circle cx="${n2(X(x))}" cy="${n2(Y(y))}" r="2.5" fill="${color}"/>`);
    }
    const ly = m.t + 10 + i * 18;
    out.push(`<line x1="${n2(m.l + pw + 12)}" y1="${n2(ly)}" x2="${n2(m.l + pw + 36)}" y2="${n2(ly)}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`);
    out.push(`<text x="${n2(m.l + pw + 42)}" y="${n2(ly + 4)}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
