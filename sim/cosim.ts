/**
 * Co-simulation of generated heads against the TypeScript reference (every integer of every layer) and the timing
 * model (the enabled cycle of every output pixel of every layer, docs/datapath.md §9): a batch of programs is
 * generated, put side by side in one Verilator build, run on one frame each, and compared exactly.
 * The first difference is reported as (head, layer, channel, pixel, cycle).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReference } from '../src/dhm/reference';
import type { CycleCounts, DhmProgram } from '../src/dhm/program';
import { generateRtl, RTL_LIBRARY_FILES, type RtlOptions } from '../src/rtl/head';
import { streamTimes } from '../src/rtl/schedule';
import { testbenchCpp, testbenchTop, type BatchHead } from './testbench';
import { buildTestbench, runTestbench, HDL_DIR, type BuildOptions } from './verilator';

/** One head to co-simulate. */
export interface CosimCase {
  readonly program: DhmProgram;
  /** HWC RGB uint8 frame of the program's input size. */
  readonly frame: Uint8Array;
  /** Generator options (multiplier style); the prefix is set by the batch. */
  readonly rtl?: Omit<RtlOptions, 'prefix'>;
}

/** Per-layer counts measured in the RTL simulation (enabled cycles). */
export interface LayerCosim extends CycleCounts {
  readonly layer: string;
  /** Output pixels seen. */
  readonly pixels: number;
}

/** Result of one head. */
export interface CosimResult {
  /** Every integer and every output-pixel cycle equal (layers and head port). */
  readonly equal: boolean;
  /** The first difference, in words (absent when equal). */
  readonly difference?: string;
  readonly layers: readonly LayerCosim[];
  /** The head output port: first/last output cycle (+1) as reported by the head's own `cycle` counter. */
  readonly head: CycleCounts;
  /** Values compared. */
  readonly values: number;
}

/** Options of {@link cosimBatch}. */
export interface CosimOptions extends BuildOptions {
  /** Seed of pseudo-random ce = 0 stalls (about 1 cycle in 4); 0 = none. Cycles are counted in enabled cycles. */
  readonly stallSeed?: number;
  /** Keep the build folder (its path is returned) instead of deleting it. */
  readonly keep?: boolean;
  /** Build folder (default: a fresh temporary folder). */
  readonly dir?: string;
}

/** Co-simulate a batch in ONE Verilator build; one result per case, plus the build/run wall times (seconds, measured). */
export function cosimBatch(cases: readonly CosimCase[], opts: CosimOptions = {}): { results: CosimResult[]; buildSeconds: number; runSeconds: number; dir: string } {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'dhm-cosim-'));
  try {
    const heads: BatchHead[] = cases.map((c, h) => ({ program: c.program, prefix: `h${h}_` }));
    const sources = RTL_LIBRARY_FILES.map((f) => join(HDL_DIR, f));
    cases.forEach((c, h) => {
      for (const f of generateRtl(c.program, { ...c.rtl, prefix: `h${h}_` })) {
        if (!f.path.endsWith('.v')) continue;
        writeFileSync(join(dir, f.path), f.text);
        sources.push(join(dir, f.path));
      }
      writeFileSync(join(dir, `in${h}.bin`), c.frame);
    });
    writeFileSync(join(dir, 'tb_top.v'), testbenchTop(heads));
    writeFileSync(join(dir, 'tb.cpp'), testbenchCpp(heads));
    const times = cases.map((c) => streamTimes(c.program));
    const maxCycles = Math.max(...cases.map((c, h) => Math.max(...c.program.layers.map((l) => { const t = times[h]!.get(l.output)!; return t[t.length - 1]!; })))) + 16;
    const t0 = performance.now();
    const bin = buildTestbench(dir, sources, opts);
    const t1 = performance.now();
    const rec = runTestbench(bin, dir, maxCycles, opts.stallSeed ?? 0);
    const t2 = performance.now();
    const results = compareRecords(cases, rec);
    return { results, buildSeconds: (t1 - t0) / 1000, runSeconds: (t2 - t1) / 1000, dir };
  } finally {
    if (!opts.keep && !opts.dir) rmSync(dir, { recursive: true, force: true });
  }
}

interface Event { readonly cycle: number; readonly values: Int32Array; readonly headCycle?: number; readonly last?: number }

/** Compare the testbench records (out.bin, format in sim/testbench.ts) of a batch with the reference and the timing model. */
export function compareRecords(cases: readonly CosimCase[], rec: Int32Array): CosimResult[] {
  const times = cases.map((c) => streamTimes(c.program));
  // split the record stream per head and layer (−1 = head port)
  const events = cases.map((c) => new Map<number, Event[]>(c.program.layers.map((_, i) => [i, []] as [number, Event[]]).concat([[-1, []]])));
  let i = 0;
  while (i < rec.length) {
    const h = rec[i]!, l = rec[i + 1]!, cycle = rec[i + 2]!;
    const p = cases[h]!.program;
    if (l === -1) {
      const C = p.streams[p.output]!.channels;
      events[h]!.get(-1)!.push({ cycle, headCycle: rec[i + 3]!, last: rec[i + 4]!, values: rec.slice(i + 5, i + 5 + C) });
      i += 5 + C;
    } else {
      const C = p.streams[p.layers[l]!.output]!.channels;
      events[h]!.get(l)!.push({ cycle, values: rec.slice(i + 3, i + 3 + C) });
      i += 3 + C;
    }
  }
  return cases.map((c, h) => compareHead(c, times[h]!, events[h]!));
}

function compareHead(c: CosimCase, times: ReturnType<typeof streamTimes>, ev: Map<number, Event[]>): CosimResult {
  const p = c.program;
  const ref = runReference(p, c.frame, { keepStreams: true });
  let difference: string | undefined;
  let values = 0;
  const note = (d: string) => { difference ??= d; };
  const layers: LayerCosim[] = [];
  const check = (what: string, id: string, list: Event[], headPort: boolean) => {
    const s = p.streams[id]!;
    const n = s.height * s.width;
    const t = times.get(id)!;
    const data = ref.streams!.get(id)!;
    for (let k = 0; k < Math.min(n, list.length); k++) {
      const e = list[k]!;
      const y = Math.floor(k / s.width), x = k % s.width;
      if (e.cycle !== t[k]) note(`${what}: pixel (${y},${x}) valid at enabled cycle ${e.cycle}, timing model says ${t[k]}`);
      if (headPort && e.headCycle !== e.cycle) note(`${what}: pixel (${y},${x}) the head's cycle output reads ${e.headCycle} on enabled cycle ${e.cycle}`);
      if (headPort && (e.last === 1) !== (k === n - 1)) note(`${what}: pixel (${y},${x}) out_last = ${e.last}`);
      for (let ch = 0; ch < s.channels; ch++) {
        values++;
        const want = data[(ch * s.height + y) * s.width + x]!;
        if (e.values[ch] !== want) note(`${what}: channel ${ch}, pixel (${y},${x}), cycle ${e.cycle}: RTL ${e.values[ch]} ≠ reference ${want}`);
      }
      if (difference) break;
    }
    if (list.length !== n) note(`${what}: ${list.length} output pixels in the RTL, ${n} expected`);
  };
  p.layers.forEach((l, li) => {
    const list = ev.get(li)!;
    check(`layer ${li} '${l.name}' (${l.kind})`, l.output, list, false);
    layers.push({ layer: l.name, pixels: list.length, firstOutput: list[0]?.cycle ?? -1, total: (list[list.length - 1]?.cycle ?? -2) + 1 });
  });
  const hl = ev.get(-1)!;
  check('head output port', p.output, hl, true);
  // the per-layer counts against the reference's own cycle simulation (docs/datapath.md §9)
  ref.cycles.perLayer.forEach((r, li) => {
    const m = layers[li]!;
    if (m.firstOutput !== r.firstOutput || m.total !== r.total) note(`layer ${li} '${r.layer}': RTL first output ${m.firstOutput}, total ${m.total}; reference ${r.firstOutput}, ${r.total}`);
  });
  const head = { firstOutput: hl[0]?.headCycle ?? -1, total: (hl[hl.length - 1]?.headCycle ?? -2) + 1 };
  if (head.firstOutput !== ref.cycles.firstOutput || head.total !== ref.cycles.total) note(`head: RTL first output ${head.firstOutput}, total ${head.total}; reference ${ref.cycles.firstOutput}, ${ref.cycles.total}`);
  return { equal: difference === undefined, difference, layers, head, values };
}
