/**
 * The reproduction report: Markdown with tables, SVG plots (latency and energy reduction against the cut per scenario
 * with its band and the paper's range, resource use against device capacity per network), CSV and JSON of every
 * sweep row of the primary scenario; the GPU model's fit to the authors' TX2 table; per-node GPU tables; the inverse
 * analysis; the resource and power models against the authors' Quartus points; measured accuracy when given; every
 * assumption with its source. Every number is labelled measured / modelled / paper. Pure and deterministic: the same
 * input gives byte-identical files (no timestamps, fixed number formatting, fixed ordering).
 */
import { accuracyJson, accuracySection, type AccuracyResult } from './accuracy-report';
import type { AuthorsComparison, OpenSynthesisFigure } from './authors-designs';
import { profileConstants } from './devices';
import type { GpuSegmentEstimate } from './gpu';
import { analysisRows, claimOf, paperDiagnostic, REACH_TOLERANCE_PP, type InverseRow, type PaperReach } from './inverse';
import { PAPER_CLAIMS, paperNetworkOf } from './paper';
import { fmt, type Constant, type Figure } from '../provenance/provenance';
import { RESOURCE_RULES, RESOURCE_RULE_TEXT } from './resources';
import { rowKey, type ScenarioResult } from './scenarios';
import { lineChartSvg, type Series } from './svg';
import { bestCuts, ROW_FIGURES, type BestCut, type SweepConfig, type SweepRow } from './sweep';
import { TX2_TABLE_SOURCE, tx2FitRows, type Tx2Fit } from './tx2-calibration';

/** A network as listed in the report header. */
export interface ReportNetwork {
  readonly modelId: string;
  readonly network: string;
  readonly cuts: number;
  /** How the head programs were obtained (compiler, calibration images, …). */
  readonly programSource: string;
  /** The model file's description (e.g. SqueezeNet 1.0 here is the pruned Deep Compression variant). */
  readonly title?: string;
}

/** An optional measured or modelled extra table. */
export interface ExtraTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly note: string;
}

/** Open-synthesis figures, or the stated reason there are none. */
export type OpenSynthesisInput = { readonly figures: readonly OpenSynthesisFigure[]; readonly file: string } | { readonly skipped: string };

export interface ReportInput {
  /** Rows of the primary scenario (per-network tables, rows.csv / rows.json). */
  readonly rows: readonly SweepRow[];
  readonly config: SweepConfig;
  readonly networks: readonly ReportNetwork[];
  /** Bit width the paper comparison uses (default 8; a network with no fitting head there uses its widest fitting width). */
  readonly compareBits?: number;
  /** Every scenario run, the primary one included. */
  readonly scenarios?: readonly ScenarioResult[];
  readonly inverse?: readonly InverseRow[];
  readonly reach?: readonly PaperReach[];
  /** The eager GPU model's fit to the authors' TX2 table. */
  readonly tx2Fit?: Tx2Fit;
  /** Per-node GPU-only estimates per network (model id → segment) under the primary scenario's GPU model. */
  readonly gpuNodes?: ReadonlyMap<string, GpuSegmentEstimate>;
  readonly authors?: readonly AuthorsComparison[];
  readonly openSynthesis?: OpenSynthesisInput;
  readonly accuracy?: AccuracyResult;
  readonly extraTables?: readonly ExtraTable[];
}

const HEADERS: Readonly<Record<(typeof ROW_FIGURES)[number], string>> = {
  alms: 'ALMs', registers: 'registers', dspBlocks: 'DSP', m20k: 'M20K', mlab: 'MLAB', maxUse: 'limit use %',
  fpgaCycles: 'cycles', fpgaLatencyMs: 'T_FPGA ms', fpgaPowerW: 'P_FPGA chip W', fpgaEnergyMJ: 'E_FPGA mJ',
  linkBytes: 'link B', linkMs: 'T_link ms', exposedMs: 'exposed ms', tailMs: 'T_tail ms', tailEnergyMJ: 'E_tail mJ',
  hybridLatencyMs: 'hybrid ms', hybridEnergyMJ: 'hybrid mJ', gpuOnlyLatencyMs: 'GPU-only ms', gpuOnlyEnergyMJ: 'GPU-only mJ',
  latencyReductionPct: 'latency red. %', energyReductionPct: 'energy red. %',
};

const f = (x: Figure, d = 4): string => fmt(x.value, d);
const pct1 = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV of every row: identifiers, then `value` columns named `key [unit] (provenance)`. */
export function rowsCsv(rows: readonly SweepRow[]): string {
  const first = rows[0];
  const figHead = ROW_FIGURES.map((k) => `${k} [${first ? first.figures[k].unit : ''}] (${first ? first.figures[k].provenance : ''})`);
  const lines = [['modelId', 'network', 'cutIndex', 'tensor', 'shape', 'bits', 'headLayers', 'fits', 'limiting', ...figHead].map(csvCell).join(',')];
  for (const r of rows) {
    lines.push([r.modelId, r.network, String(r.cutIndex), r.tensor, r.shape, String(r.bits), String(r.headLayers), String(r.fits), r.limiting,
      ...ROW_FIGURES.map((k) => String(r.figures[k].value))].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** JSON of every row (full Figures with unit, provenance and source). */
export function rowsJson(rows: readonly SweepRow[]): string {
  return JSON.stringify(rows, null, 1) + '\n';
}

function constantsTable(title: string, profile: object): string {
  const rows = profileConstants(profile).map(([k, c]: readonly [string, Constant]) => [k, fmt(c.value, 6), c.unit, c.provenance, c.source]);
  return `### ${title}\n\n${table(['constant', 'value', 'unit', 'provenance', 'source / assumption'], rows)}`;
}

function range(vals: readonly number[]): string {
  if (vals.length === 0) return '—';
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  return lo === hi ? `${pct1(lo)}%` : `${pct1(lo)}% – ${pct1(hi)}%`;
}

/** How a modelled range compares with the paper's: overlaps, below or above (rounded to 0.1 %). */
function agreement(vals: readonly number[], lo: number, hi: number): string {
  if (vals.length === 0) return 'no fitting cut';
  const a = Math.round(Math.min(...vals) * 10) / 10;
  const b = Math.round(Math.max(...vals) * 10) / 10;
  if (b < lo) return 'below the paper';
  if (a > hi) return 'above the paper';
  return 'overlaps the paper';
}

function resourceChart(rows: readonly SweepRow[], modelId: string, network: string, cfg: SweepConfig): string {
  const mine = rows.filter((r) => r.modelId === modelId);
  const cuts = [...new Set(mine.map((r) => r.cutIndex))].sort((a, b) => a - b);
  const use: Series[] = [];
  for (const b of cfg.bits) use.push({ name: `ALMs ${b}-bit`, points: cuts.map((c) => [c, pctOf(mine, c, b, 'alms', cfg)] as const) });
  const b0 = compareBitsOf(cfg.bits);
  use.push({ name: `M20K ${b0}-bit`, dashed: true, points: cuts.map((c) => [c, pctOf(mine, c, b0, 'm20k', cfg)] as const) });
  use.push({ name: `registers ${b0}-bit`, dashed: true, points: cuts.map((c) => [c, pctOf(mine, c, b0, 'registers', cfg)] as const) });
  use.push({ name: `DSP ${b0}-bit`, dashed: true, points: cuts.map((c) => [c, pctOf(mine, c, b0, 'dspBlocks', cfg)] as const) });
  return lineChartSvg({
    title: `${network}: FPGA resource use vs capacity (modelled)`, xLabel: 'cut index (0 = earliest)', yLabel: '% of device capacity (log scale)',
    series: use, logY: true,
    hLines: [{ y: 100, label: 'device capacity' }, { y: 100 * RESOURCE_RULES.fitThreshold.value, label: 'fit threshold' }],
  });
}

/**
 * Reduction vs cut for one scenario and network: one line per bit width over the cuts whose head fits, the band of
 * the analysed width shaded, the paper's range as a horizontal band. The x axis stops one cut after the deepest
 * fitting head (heads that do not fit are not plotted).
 */
function reductionChart(res: ScenarioResult, modelId: string, network: string, bits: number, metric: 'latency' | 'energy'): string {
  const mine = res.rows.filter((r) => r.modelId === modelId);
  const key = metric === 'latency' ? 'latencyReductionPct' : 'energyReductionPct';
  const claim = claimOf(network);
  const range = claim ? (metric === 'latency' ? claim.latencyReduction : claim.energyReduction) : null;
  const fitting = mine.filter((r) => r.fits);
  const lastCut = Math.max(1, ...fitting.map((r) => r.cutIndex + 1));
  const widths = [...new Set(mine.map((r) => r.bits))].sort((x, y) => y - x);
  const series: Series[] = widths.map((w) => ({
    name: `${w}-bit${w === bits ? ' (nominal)' : ''}`,
    dashed: w !== bits,
    points: mine.filter((r) => r.bits === w && r.cutIndex <= lastCut).map((r) => [r.cutIndex, r.fits ? r.figures[key].value : null] as const),
  }));
  return lineChartSvg({
    title: `${network}, ${res.scenario.name}: ${metric} reduction vs cut (modelled)`,
    xLabel: 'cut index (0 = earliest); heads that fit the FPGA only', yLabel: `${metric} reduction vs GPU-only (%)`,
    series,
    bands: [{ name: `band, ${bits}-bit`, points: fitting.filter((r) => r.bits === bits).map((r) => { const b = res.bands.get(rowKey(r))!; const v = metric === 'latency' ? b.latency : b.energy; return [r.cutIndex, v[0], v[1]] as const; }) }],
    hBands: range ? [{ low: range.min.value, high: range.max.value, label: `paper: ${metric === 'latency' ? claim!.latencyText : claim!.energyText} (${claim!.network})` }] : [],
    hLines: [{ y: 0, label: 'GPU-only' }],
  });
}

function pctOf(rows: readonly SweepRow[], cut: number, bits: number, key: 'alms' | 'm20k' | 'registers' | 'dspBlocks', cfg: SweepConfig): number | null {
  const r = rows.find((x) => x.cutIndex === cut && x.bits === bits);
  if (!r) return null;
  const cap = key === 'alms' ? cfg.fpga.alms.value : key === 'm20k' ? cfg.fpga.m20kBlocks.value : key === 'registers' ? cfg.fpga.registers.value : cfg.fpga.dspBlocks.value;
  return (100 * r.figures[key].value) / cap;
}

function bestTable(best: readonly BestCut[]): string {
  return table(
    ['model', 'bits', 'fitting cuts', 'best cut (latency)', 'hybrid ms', 'GPU-only ms', 'latency red. %', 'energy red. % (same cut)', 'best cut (energy)', 'energy red. %'],
    best.map((b) => [
      b.modelId, String(b.bits), `${b.fittingCuts}/${b.totalCuts}`,
      b.byLatency ? `${b.byLatency.cutIndex} (${b.byLatency.tensor})` : 'none fits',
      b.byLatency ? f(b.byLatency.figures.hybridLatencyMs) : '—',
      b.byLatency ? f(b.byLatency.figures.gpuOnlyLatencyMs) : '—',
      b.byLatency ? pct1(b.byLatency.figures.latencyReductionPct.value) : '—',
      b.byLatency ? pct1(b.byLatency.figures.energyReductionPct.value) : '—',
      b.byEnergy ? `${b.byEnergy.cutIndex} (${b.byEnergy.tensor})` : 'none fits',
      b.byEnergy ? pct1(b.byEnergy.figures.energyReductionPct.value) : '—',
    ]),
  );
}

/** The bit width the report compares against the paper (and details per resource): 8 when swept, else the first. */
export function compareBitsOf(bits: readonly number[]): number {
  return bits.includes(8) ? 8 : bits[0]!;
}


const pp = (v: number): string => pct1(v);
const cmpBitsOf = (input: ReportInput): number => input.compareBits ?? compareBitsOf(input.config.bits);
const bandText = (b: readonly [number, number]): string => `[${pct1(b[0])}, ${pct1(b[1])}]`;
const overlaps = (b: readonly [number, number], lo: number, hi: number): boolean => b[1] >= lo - REACH_TOLERANCE_PP && b[0] <= hi + REACH_TOLERANCE_PP;

/** The bit width a network is analysed at: `bits` when a head fits there, else its widest fitting width. */
function bitsFor(rows: readonly SweepRow[], modelId: string, bits: number): number {
  const a = analysisRows(rows, modelId, bits);
  return a[0]?.bits ?? bits;
}

function scenarioSection(input: ReportInput, cmpBits: number, files: Map<string, string>, md: string[]): void {
  const results = input.scenarios ?? [];
  if (results.length === 0) return;
  md.push('## Scenarios with bands (headline)');
  md.push('');
  md.push(`Each scenario is a nominal configuration plus a **band**: the range of every row's reduction over all corners of its uncertain constants (each at its low and high value). Provenance of every reduction: **modelled**; the paper's ranges: **paper**. "Reaches" = the band overlaps the paper's range (± ${REACH_TOLERANCE_PP} pp, the abstract's rounding). Bits: ${cmpBits}, or a network's widest fitting width when nothing fits at ${cmpBits} bits.`);
  md.push('');
  md.push(table(['scenario', 'what it assumes', 'band knobs (low … high, source)', 'corners'], results.map((r) => [
    r.scenario.name, r.scenario.description, r.scenario.knobs.map((k) => `${k.name}: ${k.range}`).join('; '), String(r.corners),
  ])));
  md.push('');
  const rows: string[][] = [];
  for (const res of results) {
    for (const n of input.networks) {
      const bits = bitsFor(res.rows, n.modelId, cmpBits);
      const fit = res.rows.filter((r) => r.modelId === n.modelId && r.bits === bits && r.fits);
      const claim = claimOf(n.network);
      if (fit.length === 0) {
        rows.push([res.scenario.name, n.modelId, '—', 'none fits', '—', '—', claim?.latencyText ?? '—', claim?.energyText ?? '—', '—']);
        continue;
      }
      const best = fit.reduce((b, r) => (r.figures.hybridLatencyMs.value < b.figures.hybridLatencyMs.value ? r : b));
      const bb = res.bands.get(rowKey(best))!;
      const allLat = fit.map((r) => res.bands.get(rowKey(r))!.latency);
      const allEn = fit.map((r) => res.bands.get(rowKey(r))!.energy);
      const verdict = claim
        ? `latency ${allLat.some((b) => overlaps(b, claim.latencyReduction.min.value, claim.latencyReduction.max.value)) ? 'reaches' : 'misses'}, energy ${allEn.some((b) => overlaps(b, claim.energyReduction.min.value, claim.energyReduction.max.value)) ? 'reaches' : 'misses'}`
        : 'not in the paper';
      rows.push([res.scenario.name, n.modelId, String(bits), `${best.cutIndex} (${best.tensor})`,
        `${pp(best.figures.latencyReductionPct.value)} ${bandText(bb.latency)}`, `${pp(best.figures.energyReductionPct.value)} ${bandText(bb.energy)}`,
        claim?.latencyText ?? '—', claim?.energyText ?? '—', verdict]);
    }
  }
  md.push('Best-latency fitting cut per scenario and network: nominal reduction [band low, band high], in %, against the paper.');
  md.push('');
  md.push(table(['scenario', 'model', 'bits', 'best-latency cut', 'latency red. % (modelled)', 'energy red. % (modelled)', 'paper latency red.', 'paper energy red.', 'over all fitting cuts'], rows));
  md.push('');
  md.push('### Plots: reduction vs cut per scenario');
  md.push('');
  md.push('One line per bit width over the cuts whose head fits (solid: the analysed width); shaded: its band; yellow: the paper\'s range (provenance *paper*); reductions *modelled*.');
  md.push('');
  for (const res of results) {
    for (const n of input.networks) {
      const bits = bitsFor(res.rows, n.modelId, cmpBits);
      for (const metric of ['latency', 'energy'] as const) {
        const name = `${res.scenario.name}-${n.modelId}-${metric}.svg`;
        files.set(name, reductionChart(res, n.modelId, n.network, bits, metric));
        md.push(`![${name}](${name})`);
      }
      md.push('');
    }
  }
}

function reachSection(input: ReportInput, md: string[]): void {
  if (!input.reach || input.reach.length === 0) return;
  md.push('## Which abstract rows no plausible scenario reaches, and why');
  md.push('');
  md.push(`Over every scenario, every fitting cut at ${cmpBitsOf(input)} bits (the paper's DHM used 8-bit data; a network with nothing fitting there at its widest fitting width) and both ends of the bands (*modelled*) against the abstract (*paper*). Narrower heads fit deeper cuts and reach further (see the per-network tables), at the accuracy cost measured below when \`--accuracy\` is given.`);
  md.push('');
  md.push(table(['network', 'metric', 'paper', 'reached?', 'highest band end (where)', 'why'], input.reach.map((r) => [
    r.network, r.metric, r.paperText, r.reached ? `yes (${r.reachedBy.join(', ')})` : '**no**', r.bestPct === null ? '—' : `${pp(r.bestPct)} % (${r.bestWhere})`, r.why,
  ])));
  md.push('');
  const missed = input.reach.filter((r) => !r.reached);
  md.push(missed.length === 0
    ? 'Every abstract figure is reached by at least one scenario\'s band.'
    : `Not reached by any plausible scenario: ${missed.map((r) => `${r.network} ${r.metric} (${r.paperText})`).join('; ')}.`);
  md.push('');
}

function inverseSection(input: ReportInput, md: string[]): void {
  const inv = input.inverse ?? [];
  if (inv.length === 0) return;
  md.push('## Inverse analysis: what would it take');
  md.push('');
  md.push('Per scenario, network and fitting cut (nominal constants; all **modelled**). *Head share* = (GPU-only − tail) / GPU-only, the ceiling of any latency gain (a free FPGA and link). *Break-even clock*: the DHM clock at which hybrid = GPU-only latency ("never": the link and the tail alone exceed GPU-only; "any": faster even at 1 MHz). *Break-even floor*: the eager per-op floor at which both are equal ("any": the hybrid is faster even with no floor). *Extra GPU-only ms*: what GPU-only would have to cost in addition to give the paper\'s latency reduction (range ends). *E − L*: energy − latency reduction, ≈ exposed FPGA + link time / GPU-only time when the FPGA\'s energy is small.');
  md.push('');
  md.push(table(['scenario', 'model', 'cut', 'bits', 'GPU-only ms', 'tail ms', 'exposed ms', 'head share %', 'latency red. %', 'energy red. %', 'break-even clock MHz', 'break-even floor ms', 'extra GPU-only ms for paper', 'E − L pp', 'exposed / GPU-only %'],
    inv.map((r) => [r.scenario, r.modelId, `${r.cutIndex} (${r.tensor})`, String(r.bits), fmt(r.gpuOnlyMs), fmt(r.tailMs), fmt(r.exposedMs), pp(r.headSharePct),
      pp(r.latencyReductionPct), pp(r.energyReductionPct),
      r.breakEvenClockMHz === 'never' ? 'never' : r.breakEvenClockMHz === 'any' ? 'any (≥ 1)' : fmt(r.breakEvenClockMHz, 3),
      r.breakEvenFloorMs === undefined ? 'n/a (roofline)' : r.breakEvenFloorMs === 'never' ? 'none ≤ 20' : r.breakEvenFloorMs === 'any' ? 'any (≥ 0)' : fmt(r.breakEvenFloorMs, 3),
      r.extraGpuOnlyMs ? `${fmt(r.extraGpuOnlyMs[0], 3)} … ${fmt(r.extraGpuOnlyMs[1], 3)}` : '—', pp(r.diagnosticPp), pp(r.exposedSharePct)])));
  md.push('');
  md.push('The diagnostic the abstract implies (energy − latency reduction at the ends of its ranges, *paper*) against the model\'s range over fitting cuts per scenario (*modelled*):');
  md.push('');
  const rows: string[][] = [];
  for (const c of PAPER_CLAIMS) {
    const d = paperDiagnostic(c);
    const scen = [...new Set(inv.map((r) => r.scenario))].map((s) => {
      const v = inv.filter((r) => r.scenario === s && paperNetworkOf(r.network) === c.network).map((r) => r.diagnosticPp);
      return v.length ? `${s}: ${range(v).replace(/%/g, '')}` : `${s}: —`;
    });
    rows.push([c.network, `${c.energyText} / ${c.latencyText}`, d[0] === d[1] ? `${d[0]}` : `${d[0]} … ${d[1]}`, scen.join('; ')]);
  }
  md.push(table(['network', 'paper energy / latency red.', 'paper E − L pp (implied)', 'model E − L pp per scenario'], rows));
  md.push('');
}

function calibrationSection(input: ReportInput, md: string[]): void {
  const fit = input.tx2Fit;
  if (!fit) return;
  md.push('## GPU model: fit to the authors\' TX2 measurements');
  md.push('');
  md.push(`Data (*authors-measured*): ${TX2_TABLE_SOURCE}. Model (*modelled*, gpu.ts \`eager-tx2\`): each op costs max(floor, bytes / effective bandwidth + FLOPs / throughput); the module has 3 ops (Conv, ReLU, MaxPool, fp32). Fitted: floor **${fmt(fit.opFloorMs, 4)} ms**/op, effective bandwidth **${fmt(fit.effectiveBandwidthGBs, 4)} GB/s** (${pct1((100 * fit.effectiveBandwidthGBs) / 59.7)} % of the 59.7 GB/s peak), conv throughput **${fmt(fit.convGflops, 4)} GFLOP/s**; RMS log error ${pct1(100 * fit.rmsLogError)} %. The profile's constants are these values rounded (test/node/cost-calibration.test.ts fails if they drift). Domain of the fit: single-input-channel convolutions, ReLU and max-pool in a Python loop of 3-op modules; whole networks dispatch many more ops per Python call and have multi-channel and depthwise convolutions, so applying it to them is an extrapolation — the inverse analysis' break-even floor shows how far the per-op floor could fall before the hybrid loses its lead.`);
  md.push('');
  md.push(table(['N out', 'k', 'measured ms (authors)', 'model ms', 'error %', 'in fit'], tx2FitRows(fit).map((r) => [
    String(r.n), String(r.k), fmt(r.measuredMs), fmt(r.modelMs), pct1(r.errorPct), r.excluded ? `no: ${r.excluded}` : 'yes',
  ])));
  md.push('');
}

function fpgaSection(input: ReportInput, md: string[]): void {
  const a = input.authors;
  if (!a || a.length === 0) return;
  md.push('## FPGA models vs the authors\' Quartus data points');
  md.push('');
  md.push('Each design rebuilt as one 8-bit conv layer of the same shape with deterministic pseudo-random weights (theirs are unknown), all multipliers in logic; model figures **modelled**, Quartus figures from the authors\' reports (*authors-published*). Power: the model\'s **chip** power at the 100 MHz reference clock with the model\'s own ALMs.');
  md.push('');
  md.push(table(['design', 'multipliers', 'Quartus ALMs', 'model ALMs', 'model / Quartus ALMs', 'Quartus ALMs / multiplier', 'model ALMs / multiplier', 'Quartus chip W', 'model chip W', 'model / Quartus W'], a.map((c) => [
    c.design.name, String(c.design.multipliers), c.design.quartusAlms === null ? '—' : String(c.design.quartusAlms), String(c.modelAlms),
    c.almRatio === null ? '—' : fmt(c.almRatio, 3), c.design.quartusAlms === null ? '—' : fmt(c.design.quartusAlms / c.design.multipliers, 3),
    fmt(c.modelAlmsPerMultiplier, 3), c.design.quartusPowerW === null ? '—' : fmt(c.design.quartusPowerW, 4), fmt(c.modelPowerW, 4),
    c.powerRatio === null ? '—' : fmt(c.powerRatio, 3),
  ])));
  md.push('');
  const os = input.openSynthesis;
  md.push('### Open-synthesis figures (measured here by yosys)');
  md.push('');
  if (!os) md.push('Skipped: no open-synthesis figures were given to this run.');
  else if ('skipped' in os) md.push(`Skipped: ${os.skipped}`);
  else if (os.figures.length === 0) md.push(`Skipped: \`${os.file}\` holds no figures.`);
  else {
    md.push(`From \`${os.file}\` (provenance **measured** here):`);
    md.push('');
    const v = (x: number | undefined): string => (x === undefined ? '—' : String(x));
    const ratio = (m: number | undefined, s: number | undefined): string => (m !== undefined && s ? fmt(m / s, 3) : '—');
    md.push(table(['design', 'tool', 'synthesis ALMs', 'model ALMs', 'model / synthesis', 'synthesis registers', 'model registers', 'model / synthesis', 'synthesis adder bits', 'model adder bits', 'model / synthesis', 'note'], os.figures.map((x) => [
      x.design, x.tool, v(x.alms), v(x.modelAlms), ratio(x.modelAlms, x.alms), v(x.registers), v(x.modelRegisters), ratio(x.modelRegisters, x.registers),
      v(x.adderBits), v(x.modelAdderBits), ratio(x.modelAdderBits, x.adderBits), x.note ?? '',
    ])));
  }
  md.push('');
}

function gpuNodeTables(input: ReportInput, n: ReportNetwork, md: string[]): void {
  const seg = input.gpuNodes?.get(n.modelId);
  if (!seg) return;
  md.push(`<details><summary>GPU-only per node (${input.config.gpu.model} model; bound, time, power — modelled)</summary>`);
  md.push('');
  md.push(table(['node', 'op', 'bound', 'ms', 'W', 'mJ'], seg.layers.map((l) => [l.name, l.op, l.bound, fmt(l.timeMs.value), fmt(l.powerW.value), fmt(l.energyMJ.value)])));
  md.push('');
  md.push(`Total ${fmt(seg.timeMs.value)} ms, ${fmt(seg.energyMJ.value)} mJ.`);
  md.push('');
  md.push('</details>');
  md.push('');
}

/** Build every report file: `report.md`, `rows.csv`, `rows.json`, SVG plots (and `accuracy.json` when given). */
export function buildReport(input: ReportInput): ReadonlyMap<string, string> {
  const { rows, config: cfg } = input;
  const files = new Map<string, string>();
  const cmpBits = input.compareBits ?? compareBitsOf(cfg.bits);
  const best = bestCuts(rows);
  const md: string[] = [];
  md.push('# Reproduction report: FPGA-GPU heterogeneity for embedded DNNs (modelled)');
  md.push('');
  md.push('Paper: Carballo-Hernández, Pelcat, Berry, "Why is FPGA-GPU Heterogeneity the Best Option for Embedded Deep Neural Networks?" (arXiv 2102.01343, 2021).');
  md.push('');
  md.push('**Provenance.** Nobody here has the Jetson TX2 or the Cyclone 10 GX board. Every latency, energy and resource figure below is **modelled** from the DHM compiler\'s exact programs and cycle counts and the device constants listed under *Assumptions* (each with its provenance: datasheet, the authors\' own measurements or publications, derived — e.g. fitted to the authors\' measurements — or our assumption). Figures marked **paper** are the abstract\'s claims; **measured** figures were measured on this machine. Nothing was tuned to reproduce the paper\'s numbers.');
  md.push('');
  md.push(`Primary configuration (per-network tables, rows.csv): FPGA ${cfg.fpga.name} at ${cfg.fpga.clockMHz.value} MHz (${cfg.fpga.clockMHz.provenance}); GPU ${cfg.gpu.name}, ${cfg.gpu.precision}; link ${cfg.link.name}; input frame from the ${cfg.inputSource === 'host' ? `host over the link (${cfg.transfers ?? 'serial'} transfers)` : 'camera straight into the FPGA'}; DSP policy \`${cfg.dspPolicy}\`; bit widths ${cfg.bits.join(', ')}.`);
  md.push('');
  md.push(table(['network', 'model id', 'model file', 'legal cuts'], input.networks.map((n) => [n.network, n.modelId, n.title ?? '—', String(n.cuts)])));
  md.push('');
  for (const src of [...new Set(input.networks.map((n) => n.programSource))]) {
    const who = input.networks.filter((n) => n.programSource === src).map((n) => n.modelId).join(', ');
    md.push(`Head programs (${who}): ${src}.`);
    md.push('');
  }
  scenarioSection(input, cmpBits, files, md);
  reachSection(input, md);
  inverseSection(input, md);
  calibrationSection(input, md);
  fpgaSection(input, md);
  if (input.accuracy) {
    md.push(accuracySection(input.accuracy));
    files.set('accuracy.json', accuracyJson(input.accuracy));
  }
  for (const t of input.extraTables ?? []) {
    md.push(`## ${t.title}`);
    md.push('');
    md.push(t.note);
    md.push('');
    md.push(table(t.header, t.rows));
    md.push('');
  }
  md.push(`## Paper vs model, primary configuration (${cmpBits}-bit heads that fit)`);
  md.push('');
  md.push('Model columns: the nominal range over every legal cut whose head fits (*modelled*); paper columns: the abstract (*paper*). Negative reductions mean the hybrid is worse than GPU-only.');
  md.push('');
  const cmpRows: string[][] = [];
  for (const claim of PAPER_CLAIMS) {
    const nets = input.networks.filter((n) => paperNetworkOf(n.network) === claim.network);
    if (nets.length === 0) cmpRows.push([claim.network, claim.energyText, claim.latencyText, '(not swept)', '', '']);
    for (const n of nets) {
      const fit = rows.filter((r) => r.modelId === n.modelId && r.bits === cmpBits && r.fits);
      const eVals = fit.map((r) => r.figures.energyReductionPct.value);
      const lVals = fit.map((r) => r.figures.latencyReductionPct.value);
      cmpRows.push([claim.network, claim.energyText, claim.latencyText, n.modelId,
        `${range(eVals)} (${agreement(eVals, claim.energyReduction.min.value, claim.energyReduction.max.value)})`,
        `${range(lVals)} (${agreement(lVals, claim.latencyReduction.min.value, claim.latencyReduction.max.value)})`]);
    }
  }
  md.push(table(['network', 'paper energy red.', 'paper latency red.', 'model id', 'model energy red. (fitting cuts)', 'model latency red. (fitting cuts)'], cmpRows));
  md.push('');
  md.push('## Best cut within the FPGA budget (primary configuration)');
  md.push('');
  md.push(bestTable(best));
  md.push('');
  for (const n of input.networks) {
    const mine = rows.filter((r) => r.modelId === n.modelId);
    md.push(`## ${n.network} (${n.modelId})`);
    md.push('');
    const name = `${n.modelId}-resources.svg`;
    files.set(name, resourceChart(rows, n.modelId, n.network, cfg));
    md.push(`![${name}](${name})`);
    md.push('');
    const cols: (typeof ROW_FIGURES)[number][] = ['alms', 'registers', 'dspBlocks', 'm20k', 'maxUse', 'fpgaLatencyMs', 'linkMs', 'exposedMs', 'tailMs', 'hybridLatencyMs', 'gpuOnlyLatencyMs', 'latencyReductionPct', 'fpgaPowerW', 'fpgaEnergyMJ', 'tailEnergyMJ', 'hybridEnergyMJ', 'gpuOnlyEnergyMJ', 'energyReductionPct'];
    md.push(table(
      ['cut', 'tensor', 'C×H×W', 'bits', 'DHM layers', 'fits', 'limit', ...cols.map((k) => HEADERS[k])],
      mine.map((r) => [String(r.cutIndex), r.tensor, r.shape, String(r.bits), String(r.headLayers), r.fits ? 'yes' : 'no', r.limiting,
        ...cols.map((k) => (k.endsWith('Pct') || k === 'maxUse' ? pct1(r.figures[k].value) : f(r.figures[k])))]),
    ));
    md.push('');
    gpuNodeTables(input, n, md);
  }
  md.push('## Assumptions and sources');
  md.push('');
  md.push('Every constant of the models, with its provenance: *datasheet* (vendor documentation), *authors-measured* / *authors-published* (the paper\'s authors\' measurements or publications, via shared/notes/paper.md), *derived* (computed from other constants or fitted to the authors\' data), *assumption* (ours, with the reason).');
  md.push('');
  md.push(constantsTable(`FPGA: ${cfg.fpga.name}`, cfg.fpga));
  md.push('');
  const gpus = new Map((input.scenarios ?? []).map((s) => [s.config.gpu.name, s.config.gpu] as const));
  gpus.set(cfg.gpu.name, cfg.gpu);
  for (const g of [...gpus.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    md.push(constantsTable(`GPU: ${g.name}`, g));
    md.push('');
  }
  md.push(constantsTable(`Link: ${cfg.link.name}`, cfg.link));
  md.push('');
  md.push(constantsTable('Resource estimator', RESOURCE_RULES));
  md.push('');
  md.push('### Resource estimation rules');
  md.push('');
  for (const t of RESOURCE_RULE_TEXT) md.push(`- ${t}`);
  md.push('');
  md.push('### Latency, power and energy rules');
  md.push('');
  md.push(`- T_FPGA = the compiler's exact frame cycle count (first input pixel to last output pixel, one input pixel per clock) / the DHM clock (${cfg.fpga.clockMHz.value} MHz nominal).`);
  md.push('- Hybrid latency = exposed FPGA + link time + GPU tail. Exposed time (timeline.ts): *camera* — the sensor streams the frame into the DHM while GPU-only\'s frame is read out, so only the drain (last input pixel → last output pixel) and the last 8 KiB DMA chunk are exposed; *host, serial* (upper bound) — whole frame over the link, the whole streaming, the whole feature map back; *host, overlapped* (lower bound) — the DMA\'s chunks overlap the streaming, so the first input chunk, the streaming (or the frame transfer + drain if slower) and the last output chunk are exposed.');
  md.push('- P_FPGA = **chip** power (Quartus-calibrated, not board power) = static + dynamic per ALM × ALM demand × clock / reference clock; E_FPGA = P_FPGA × T_FPGA (the FPGA works for the whole frame in every case).');
  md.push('- Link transfers: the authors\' PCIe fit on the frame (host-fed only: 3·H·W bytes) and the feature map (1 byte per value up to 8 bits, 2 up to 16, padded to 32-bit words).');
  md.push('- GPU, `eager-tx2` (default): per op max(floor, bytes / effective bandwidth + FLOPs / throughput); view nodes free; a BatchNorm kernel after every Conv of MobileNetV2 and ShuffleNetV2 (torchvision, eager); GPU-only pays the frame\'s upload + normalisation ops, the hybrid\'s tail the features\' upload + dequantisation ops. `roofline`: max(FLOPs / (peak × eff), bytes / (bandwidth × eff)) + per-node overhead, BN folded, no input conversion. GPU power = min + (max − min) × busy fraction (kernel time / node time).');
  md.push('- GPU-only = the whole network on the GPU with the same GPU model (the frame already in the TX2\'s memory).');
  md.push('');
  files.set('report.md', md.join('\n') + '\n');
  files.set('rows.csv', rowsCsv(rows));
  files.set('rows.json', rowsJson(rows));
  return files;
}
