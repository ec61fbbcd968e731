/**
 * The resource and power models against the authors' own Quartus data points (shared/notes/paper.md: later
 * single-layer Delirium designs), and against open-synthesis figures where the project has them.
 *
 * Each authors' design is rebuilt here as one 8-bit conv layer of the same shape with deterministic pseudo-random
 * weights (their weights are unknown: an assumption, stated), estimated with resources.ts (all multipliers in logic,
 * as DHM maps them) and fpga.ts, and compared with the Quartus figure: the ratio model / Quartus is published.
 */
import type { ConvLayer, DhmProgram, FixedFormat } from '../dhm/program';
import type { FpgaProfile } from './devices';
import { fpgaPowerNumber } from './fpga';
import { estimateResources } from './resources';

/** One of the authors' designs and what Quartus reported. */
export interface AuthorsDesign {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly height: number;
  readonly width: number;
  readonly kernel: number;
  readonly multipliers: number;
  /** Quartus ALMs (null: not reported). */
  readonly quartusAlms: number | null;
  /** Quartus total chip power in W (null: not reported). */
  readonly quartusPowerW: number | null;
  readonly source: string;
}

const SRC = "authors' later single-layer designs, Quartus reports (shared/notes/paper.md)";

/** The authors' data points. */
export const AUTHORS_DESIGNS: readonly AuthorsDesign[] = [
  { name: '2×2×1→2, k=2', inChannels: 1, outChannels: 2, height: 2, width: 2, kernel: 2, multipliers: 8, quartusAlms: 244, quartusPowerW: null, source: SRC },
  { name: '10×10×10→7, k=4', inChannels: 10, outChannels: 7, height: 10, width: 10, kernel: 4, multipliers: 1120, quartusAlms: 39815, quartusPowerW: 1.51, source: SRC },
  { name: '224×224×3→32, k=3', inChannels: 3, outChannels: 32, height: 224, width: 224, kernel: 3, multipliers: 864, quartusAlms: null, quartusPowerW: 1.1579, source: `${SRC}; "Total Thermal Power" 1,157.90 mW` },
];

/** Deterministic pseudo-random weights in [−1, 1) (xorshift32), quantised to `bits` with a per-layer pow2 scale. */
function weights(n: number, seed: number, bits: number): Int32Array {
  let x = seed >>> 0 || 1;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    f[i] = x / 2 ** 31 - 1;
  }
  const lim = 2 ** (bits - 1) - 1;
  let max = 0;
  for (const v of f) max = Math.max(max, Math.abs(v));
  let frac = 0;
  while (max * 2 ** (frac + 1) <= lim) frac++;
  return Int32Array.from(f, (v) => Math.max(-lim - 1, Math.min(lim, Math.round(v * 2 ** frac))));
}

/** A one-layer DHM program of a design's shape (unsigned `bits`-bit input, like the authors' pixels; not executable). */
export function authorsDesignProgram(d: AuthorsDesign, bits = 8): DhmProgram {
  const inF: FixedFormat = { signed: false, bits, intBits: bits };
  const outF: FixedFormat = { signed: false, bits, intBits: bits };
  const oh = d.height - d.kernel + 1;
  const ow = d.width - d.kernel + 1;
  const conv: ConvLayer = {
    kind: 'conv', name: 'conv', input: 'x', output: 'out', inChannels: d.inChannels, outChannels: d.outChannels,
    kernelH: d.kernel, kernelW: d.kernel, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, padBottom: 0, padRight: 0,
    groups: 1, padValue: new Int32Array(d.inChannels), weights: weights(d.multipliers, 1000 + d.multipliers, bits),
    weightFormat: { signed: true, bits, intBits: 1 }, bias: new Int32Array(d.outChannels), shift: new Int32Array(d.outChannels).fill(bits),
    rounding: 'half-up', overflow: 'saturate', activation: 'relu', weightQuant: 'pow2',
  };
  return {
    // the resource estimator reads the conv's input stream 'x' (d.inChannels channels); the program's RGB input is unused
    version: 1, meta: { authorsDesign: d.name }, input: { id: 'in', channels: 3, height: d.height, width: d.width, format: inF },
    streams: {
      in: { channels: 3, height: d.height, width: d.width, format: inF },
      x: { channels: d.inChannels, height: d.height, width: d.width, format: inF },
      out: { channels: d.outChannels, height: oh, width: ow, format: outF },
    },
    layers: [conv], output: 'out',
  };
}

/** The model's figures for one design beside Quartus'. */
export interface AuthorsComparison {
  readonly design: AuthorsDesign;
  readonly modelAlms: number;
  readonly modelAlmsPerMultiplier: number;
  /** modelAlms / quartusAlms (null when Quartus gave none). */
  readonly almRatio: number | null;
  /** Model chip power at the power reference clock, with the model's own ALMs. */
  readonly modelPowerW: number;
  readonly powerRatio: number | null;
}

/** Compare every authors' design (all multipliers in logic, power at the profile's reference clock). */
export function compareAuthorsDesigns(dev: FpgaProfile): AuthorsComparison[] {
  return AUTHORS_DESIGNS.map((d) => {
    const res = estimateResources(authorsDesignProgram(d), dev, { dspPolicy: 'logic' });
    const alms = res.totals.alms.value;
    const p = fpgaPowerNumber(alms, dev, dev.powerRefClockMHz.value);
    return {
      design: d, modelAlms: alms, modelAlmsPerMultiplier: alms / d.multipliers,
      almRatio: d.quartusAlms ? alms / d.quartusAlms : null,
      modelPowerW: p, powerRatio: d.quartusPowerW ? p / d.quartusPowerW : null,
    };
  });
}

/**
 * Open-synthesis figures (measured here by yosys) that the report shows beside the model. Read from JSON: either
 * records of this shape, or the output of `hybrid-dhm synth <model> --cut N --json` (one object, or an array of
 * them: `{ model?, cut, pass, rows: [{ figure, synthesis, model }] }`), converted by {@link parseOpenSynthesis}.
 */
export interface OpenSynthesisFigure {
  /** What was synthesised, e.g. `squeezenet1.1 cut 0`. */
  readonly design: string;
  /** Tool and pass, e.g. `yosys synth_intel_alm -family cyclone10gx`. */
  readonly tool: string;
  /** ALM figure from synthesis (how it is derived: the synth command's docs). */
  readonly alms?: number;
  /** The project's model for the same design. */
  readonly modelAlms?: number;
  readonly registers?: number;
  readonly modelRegisters?: number;
  readonly adderBits?: number;
  readonly modelAdderBits?: number;
  readonly note?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** One `hybrid-dhm synth --json` object → a figure record (null when `x` is not of that shape). */
function fromSynthJson(x: Record<string, unknown>, file: string, i: number): OpenSynthesisFigure | null {
  if (!Array.isArray(x.rows) || typeof x.pass !== 'string') return null;
  const rows = x.rows as { figure?: unknown; synthesis?: unknown; model?: unknown }[];
  const get = (name: string): { s?: number; m?: number } => {
    const r = rows.find((y) => y.figure === name);
    return { s: num(r?.synthesis), m: num(r?.model) };
  };
  const alms = get('ALMs');
  const regs = get('registers');
  const add = get('adder bits');
  if (alms.s === undefined) throw new RangeError(`open-synthesis figures: ${file} record ${i} has no numeric 'ALMs' row`);
  const model = typeof x.model === 'string' ? x.model : 'head';
  return {
    design: `${model} cut ${num(x.cut) ?? '?'}`,
    tool: `yosys ${x.pass === 'full' ? 'synth_intel_alm -family cyclone10gx' : 'coarse pass'}`,
    alms: alms.s, ...(alms.m !== undefined ? { modelAlms: alms.m } : {}),
    ...(regs.s !== undefined ? { registers: regs.s } : {}), ...(regs.m !== undefined ? { modelRegisters: regs.m } : {}),
    ...(add.s !== undefined ? { adderBits: add.s } : {}), ...(add.m !== undefined ? { modelAdderBits: add.m } : {}),
    note: `hybrid-dhm synth --json${typeof x.modelPolicy === 'string' ? `, model policy ${x.modelPolicy}` : ''}`,
  };
}

/** Parse the open-synthesis JSON; throws a RangeError naming the file and the bad record. */
export function parseOpenSynthesis(text: string, file: string): OpenSynthesisFigure[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`open-synthesis figures: ${file} is not JSON (${(e as Error).message})`);
  }
  const obj = data as { figures?: unknown; rows?: unknown };
  const arr = Array.isArray(data) ? data : Array.isArray(obj?.figures) ? obj.figures : obj && Array.isArray(obj.rows) ? [data] : null;
  if (!arr) throw new RangeError(`open-synthesis figures: ${file} must hold records, { "figures": [...] }, or the output of hybrid-dhm synth --json`);
  return (arr as unknown[]).map((x, i) => {
    const r = x as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) throw new RangeError(`open-synthesis figures: ${file} record ${i} is not an object`);
    const synth = fromSynthJson(r, file, i);
    if (synth) return synth;
    if (typeof r.design !== 'string' || typeof r.tool !== 'string') throw new RangeError(`open-synthesis figures: ${file} record ${i} needs string fields 'design' and 'tool'`);
    for (const k of ['alms', 'modelAlms', 'registers', 'modelRegisters', 'adderBits', 'modelAdderBits']) {
      if (r[k] !== undefined && num(r[k]) === undefined) throw new RangeError(`open-synthesis figures: ${file} record ${i} field '${k}' must be a number`);
    }
    return r as unknown as OpenSynthesisFigure;
  });
}
