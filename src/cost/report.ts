/**
 * The reproduction report: Markdown with tables, SVG plots (latency and energy against the cut per network,
 * resource use against device capacity), CSV and JSON of every sweep row, the paper's abstract ranges beside the
 * model's, and every assumption with its source. Pure and deterministic: the same input gives byte-identical files
 * (no timestamps, fixed number formatting, fixed ordering).
 */
import { profileConstants, type FpgaProfile, type GpuProfile } from './devices';
import { PAPER_CLAIMS, paperNetworkOf } from './paper';
import { fmt, type Constant, type Figure } from '../provenance/provenance';
import { RESOURCE_RULES, RESOURCE_RULE_TEXT } from './resources';
import { lineChartSvg, type Series } from './svg';
import { bestCuts, ROW_FIGURES, type BestCut, type SweepConfig, type SweepRow } from './sweep';

/** A network as listed in the report header. */
export interface ReportNetwork {
  readonly modelId: string;
  readonly network: string;
  readonly cuts: number;
  /** How the head programs were obtained (compiler, calibration images, …). */
  readonly programSource: string;
}

/** Best-cut results under an alternative set of assumptions. */
export interface SensitivityCase {
  readonly name: string;
  readonly change: string;
  readonly best: readonly BestCut[];
}

/** An optional measured or modelled extra line (e.g. accuracy of the quantized heads). */
export interface ExtraTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly note: string;
}

export interface ReportInput {
  readonly rows: readonly SweepRow[];
  readonly config: SweepConfig;
  readonly networks: readonly ReportNetwork[];
  /** Bit width the paper comparison uses (default 8). */
  readonly compareBits?: number;
  readonly sensitivity?: readonly SensitivityCase[];
  readonly extraTables?: readonly ExtraTable[];
}

const HEADERS: Readonly<Record<(typeof ROW_FIGURES)[number], string>> = {
  alms: 'ALMs', registers: 'registers', dspBlocks: 'DSP', m20k: 'M20K', mlab: 'MLAB', maxUse: 'limit use %',
  fpgaCycles: 'cycles', fpgaLatencyMs: 'T_FPGA ms', fpgaPowerW: 'P_FPGA W', fpgaEnergyMJ: 'E_FPGA mJ',
  linkBytes: 'link B', linkMs: 'T_link ms', tailMs: 'T_tail ms', tailEnergyMJ: 'E_tail mJ',
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

function charts(rows: readonly SweepRow[], modelId: string, network: string, cfg: SweepConfig): Map<string, string> {
  const mine = rows.filter((r) => r.modelId === modelId);
  const files = new Map<string, string>();
  const cuts = [...new Set(mine.map((r) => r.cutIndex))].sort((a, b) => a - b);
  const mk = (key: 'hybridLatencyMs' | 'hybridEnergyMJ', gpuKey: 'gpuOnlyLatencyMs' | 'gpuOnlyEnergyMJ'): Series[] => {
    const s: Series[] = cfg.bits.map((b) => ({
      name: `hybrid ${b}-bit (fits)`,
      points: cuts.map((c) => {
        const r = mine.find((x) => x.cutIndex === c && x.bits === b);
        return [c, r && r.fits ? r.figures[key].value : null] as const;
      }),
    }));
    s.push(...cfg.bits.slice(0, 1).map((b) => ({
      name: `hybrid ${b}-bit (if it fitted)`,
      dashed: true,
      points: cuts.map((c) => [c, mine.find((x) => x.cutIndex === c && x.bits === b)?.figures[key].value ?? null] as const),
    })));
    const g = mine[0]?.figures[gpuKey].value ?? 0;
    s.push({ name: 'GPU-only', dashed: true, points: cuts.map((c) => [c, g] as const) });
    return s;
  };
  files.set(`${modelId}-latency.svg`, lineChartSvg({
    title: `${network}: modelled latency vs cut (TX2 + Cyclone 10 GX)`, xLabel: 'cut index (0 = earliest)', yLabel: 'latency (ms)',
    series: mk('hybridLatencyMs', 'gpuOnlyLatencyMs'),
  }));
  files.set(`${modelId}-energy.svg`, lineChartSvg({
    title: `${network}: modelled energy vs cut`, xLabel: 'cut index (0 = earliest)', yLabel: 'energy per frame (mJ)',
    series: mk('hybridEnergyMJ', 'gpuOnlyEnergyMJ'),
  }));
  const use: Series[] = [];
  for (const b of cfg.bits) {
    use.push({ name: `ALMs ${b}-bit`, points: cuts.map((c) => [c, pctOf(mine, c, b, 'alms', cfg)] as const) });
  }
  const b0 = compareBitsOf(cfg.bits);
  use.push({ name: `M20K ${b0}-bit`, dashed: true, points: cuts.map((c) => [c, pctOf(mine, c, b0, 'm20k', cfg)] as const) });
  use.push({ name: `registers ${b0}-bit`, dashed: true, points: cuts.map((c) => [c, pctOf(mine, c, b0, 'registers', cfg)] as const) });
  use.push({ name: `DSP ${b0}-bit`, dashed: true, points: cuts.map((c) => [c, pctOf(mine, c, b0, 'dspBlocks', cfg)] as const) });
  files.set(`${modelId}-resources.svg`, lineChartSvg({
    title: `${network}: FPGA resource use vs capacity (${cfg.fpga.name})`, xLabel: 'cut index (0 = earliest)', yLabel: '% of device capacity (log scale)',
    series: use,
    logY: true,
    hLines: [{ y: 100, label: 'device capacity' }, { y: 100 * RESOURCE_RULES.fitThreshold.value, label: 'fit threshold' }],
  }));
  return files;
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

/** Build every report file: `report.md`, `rows.csv`, `rows.json` and three SVGs per network. */
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
  md.push('**Provenance.** Nobody here has the Jetson TX2 or the Cyclone 10 GX board. Every latency, energy and resource figure below is **modelled** from the DHM compiler\'s exact programs and cycle counts and the device constants listed under *Assumptions* (each with its provenance: datasheet, the authors\' own measurements or publications, derived, or our assumption). Figures marked **paper** are the abstract\'s claims. Nothing was tuned to reproduce the paper\'s numbers.');
  md.push('');
  md.push(`Configuration: FPGA ${cfg.fpga.name} at ${cfg.fpga.clockMHz.value} MHz (${cfg.fpga.clockMHz.provenance}); GPU ${cfg.gpu.name}, ${cfg.gpu.precision}; link ${cfg.link.name}; input frame from the ${cfg.inputSource === 'host' ? 'host over the link' : 'camera straight into the FPGA'}; DSP policy \`${cfg.dspPolicy}\`; bit widths ${cfg.bits.join(', ')}.`);
  md.push('');
  md.push('Model: hybrid latency = T_FPGA + T_link + T_GPU(tail), sequential; hybrid energy = E_FPGA + E_link + E_GPU(tail), ' + (cfg.idlePower === 'included'
    ? 'plus the idle energy of the waiting devices (GPU at its lowest measured power during FPGA and link, FPGA static power during link and tail).'
    : 'each device counted only while it works (idle power of the waiting device excluded; the *idle-power* sensitivity case charges it).') + ' A head *fits* when its ALM and register use is at most ' + `${100 * RESOURCE_RULES.fitThreshold.value}` + ' % of the device and its DSP, M20K and MLAB use at most 100 %.');
  md.push('');
  md.push(table(['network', 'model id', 'legal cuts'], input.networks.map((n) => [n.network, n.modelId, String(n.cuts)])));
  md.push('');
  for (const src of [...new Set(input.networks.map((n) => n.programSource))]) {
    const who = input.networks.filter((n) => n.programSource === src).map((n) => n.modelId).join(', ');
    md.push(`Head programs (${who}): ${src}.`);
    md.push('');
  }

  md.push(`## Paper vs model (${cmpBits}-bit heads that fit)`);
  md.push('');
  md.push('Paper columns: the abstract (provenance *paper*). Model columns: the range over every legal cut whose head fits the FPGA, whether it overlaps the paper\'s range, and the values at the best-latency cut (provenance *modelled*). Negative reductions mean the hybrid is worse than GPU-only.');
  md.push('');
  const cmpRows: string[][] = [];
  for (const claim of PAPER_CLAIMS) {
    const nets = input.networks.filter((n) => paperNetworkOf(n.network) === claim.network);
    if (nets.length === 0) {
      cmpRows.push([claim.network, claim.energyText, claim.latencyText, '(not swept)', '', '', '', '']);
      continue;
    }
    for (const n of nets) {
      const fit = rows.filter((r) => r.modelId === n.modelId && r.bits === cmpBits && r.fits);
      const b = best.find((x) => x.modelId === n.modelId && x.bits === cmpBits);
      const eVals = fit.map((r) => r.figures.energyReductionPct.value);
      const lVals = fit.map((r) => r.figures.latencyReductionPct.value);
      cmpRows.push([
        claim.network, claim.energyText, claim.latencyText, n.modelId,
        `${range(eVals)} (${agreement(eVals, claim.energyReduction.min.value, claim.energyReduction.max.value)})`,
        `${range(lVals)} (${agreement(lVals, claim.latencyReduction.min.value, claim.latencyReduction.max.value)})`,
        b?.byLatency ? `cut ${b.byLatency.cutIndex} (${b.byLatency.tensor})` : 'none fits',
        b?.byLatency ? `${pct1(b.byLatency.figures.energyReductionPct.value)}% / ${pct1(b.byLatency.figures.latencyReductionPct.value)}%` : '—',
      ]);
    }
  }
  md.push(table(['network', 'paper energy red.', 'paper latency red.', 'model id', 'model energy red. (fitting cuts)', 'model latency red. (fitting cuts)', 'best-latency cut', 'energy / latency red. there'], cmpRows));
  md.push('');
  md.push('## Best cut within the FPGA budget');
  md.push('');
  md.push(bestTable(best));
  md.push('');
  if (input.sensitivity && input.sensitivity.length > 0) {
    md.push('## Sensitivity to the assumptions');
    md.push('');
    md.push(`Best-latency cut (${cmpBits}-bit) when one assumption changes; all else as above.`);
    md.push('');
    const sRows: string[][] = [];
    for (const s of input.sensitivity) {
      for (const b of s.best.filter((x) => x.bits === cmpBits)) {
        sRows.push([s.name, s.change, b.modelId, b.byLatency ? String(b.byLatency.cutIndex) : 'none fits',
          b.byLatency ? pct1(b.byLatency.figures.latencyReductionPct.value) : '—', b.byLatency ? pct1(b.byLatency.figures.energyReductionPct.value) : '—',
          b.byEnergy ? `${b.byEnergy.cutIndex}: ${pct1(b.byEnergy.figures.energyReductionPct.value)}` : '—']);
      }
    }
    md.push(table(['case', 'change', 'model', 'best cut', 'latency red. %', 'energy red. %', 'best-energy cut: energy red. %'], sRows));
    md.push('');
  }
  for (const t of input.extraTables ?? []) {
    md.push(`## ${t.title}`);
    md.push('');
    md.push(t.note);
    md.push('');
    md.push(table(t.header, t.rows));
    md.push('');
  }
  for (const n of input.networks) {
    const mine = rows.filter((r) => r.modelId === n.modelId);
    md.push(`## ${n.network} (${n.modelId})`);
    md.push('');
    for (const [name, svg] of charts(rows, n.modelId, n.network, cfg)) {
      files.set(name, svg);
      md.push(`![${name}](${name})`);
      md.push('');
    }
    const cols: (typeof ROW_FIGURES)[number][] = ['alms', 'registers', 'dspBlocks', 'm20k', 'maxUse', 'fpgaLatencyMs', 'linkMs', 'tailMs', 'hybridLatencyMs', 'gpuOnlyLatencyMs', 'latencyReductionPct', 'fpgaEnergyMJ', 'tailEnergyMJ', 'hybridEnergyMJ', 'gpuOnlyEnergyMJ', 'energyReductionPct'];
    md.push(table(
      ['cut', 'tensor', 'C×H×W', 'bits', 'DHM layers', 'fits', 'limit', ...cols.map((k) => HEADERS[k])],
      mine.map((r) => [String(r.cutIndex), r.tensor, r.shape, String(r.bits), String(r.headLayers), r.fits ? 'yes' : 'no', r.limiting,
        ...cols.map((k) => (k.endsWith('Pct') || k === 'maxUse' ? pct1(r.figures[k].value) : f(r.figures[k])))]),
    ));
    md.push('');
  }
  md.push('## Assumptions and sources');
  md.push('');
  md.push('Every constant of the models, with its provenance: *datasheet* (vendor documentation), *authors-measured* / *authors-published* (the paper\'s authors\' measurements or publications, via shared/notes/paper.md), *derived* (computed from other constants), *assumption* (ours, with the reason).');
  md.push('');
  md.push(constantsTable(`FPGA: ${cfg.fpga.name}`, cfg.fpga));
  md.push('');
  md.push(constantsTable(`GPU: ${cfg.gpu.name}`, cfg.gpu));
  md.push('');
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
  md.push(`- T_FPGA = the compiler's exact frame cycle count (first input pixel to last output pixel, one input pixel per clock) / ${cfg.fpga.clockMHz.value} MHz.`);
  md.push('- P_FPGA = static + dynamicFull × (ALM demand / ALMs) × clock / reference clock; E_FPGA = P_FPGA × T_FPGA.');
  md.push('- T_link = transfer time of the input frame (when it comes from the host: 3·H·W bytes) + transfer time of the crossing feature map (1 byte per value up to 8 bits, 2 bytes up to 16, padded to 32-bit words on PCIe), each with the link model.');
  md.push('- GPU node time = max(FLOPs / (peak × efficiency), bytes / (bandwidth × efficiency)) + per-node overhead; FLOPs = 2·MACs (element-wise nodes: one per output value); bytes = (inputs + outputs + parameters) × bytes per value; view nodes (Reshape, Flatten, …) are free. GPU power = min + (max − min) × (roofline time / node time).');
  md.push('- GPU-only = the whole network on the GPU with the same node model (the frame is already in the TX2\'s memory).');
  md.push('');
  files.set('report.md', md.join('\n') + '\n');
  files.set('rows.csv', rowsCsv(rows));
  files.set('rows.json', rowsJson(rows));
  return files;
}
