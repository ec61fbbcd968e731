/**
 * Open synthesis of a generated head with Debian's yosys (0.23): the coarse pass (default; elaborate, flatten, const
 * folding, width reduction, memories kept as memories — counts the datapath as a resource model would, ≈1 min) or
 * the full `synth_intel_alm -family cyclone10gx` mapping (--full; minutes to tens of minutes). Returns cell figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RtlFile } from '../src/rtl/head';
import { RTL_LIBRARY_FILES } from '../src/rtl/head';
import { HDL_DIR, requireTool, ToolFailedError } from './verilator';

/** Figures read from yosys' netlist (units in the names; all "measured here" by yosys). */
export interface SynthFigures {
  readonly pass: 'coarse' | 'full';
  /** Coarse: Σ output width of $add/$sub/$neg cells (after width reduction). Full: MISTRAL_ALUT_ARITH cells. */
  readonly adderBits: number;
  /** Flip-flop bits: coarse Σ width of $dff-family cells; full MISTRAL_FF cells. */
  readonly registerBits: number;
  /** Multipliers left as multipliers: coarse $mul cells of the generated datapath (the library's constant address multiplications excluded); full MISTRAL_MUL* cells. */
  readonly dspMultipliers: number;
  /** Memory bits kept as memories (coarse: $mem cells' width × size; full: altsyncram / MLAB bits unknown → 0). */
  readonly memoryBits: number;
  /** M20K blocks: coarse, from each memory's depth × width by the cheapest M20K aspect ratio (one block per read port); full: altsyncram cells. */
  readonly m20k: number;
  /** Other logic bits: coarse Σ output width of compare/mux/logic cells; full: MISTRAL_ALUT* (LUT) cells. */
  readonly logicBits: number;
  /** ALM figure: max(ceil((adderBits + logicBits) / 2), ceil(registerBits / 4)) — two adder bits or two LUTs per ALM, four registers per ALM (a packing rule of thumb, not a placement). */
  readonly alms: number;
  /** Cell histogram (type → count). */
  readonly cells: Readonly<Record<string, number>>;
  /** Wall seconds of the yosys run (measured). */
  readonly seconds: number;
}

const M20K_MODES: readonly (readonly [number, number])[] = [[512, 40], [1024, 20], [2048, 10], [4096, 5], [8192, 2], [16384, 1]];
function m20kBlocks(depth: number, width: number): number {
  let best = Infinity;
  for (const [d, w] of M20K_MODES) best = Math.min(best, Math.ceil(depth / d) * Math.ceil(width / w));
  return best;
}

interface JsonCell { type: string; parameters: Record<string, string>; attributes?: Record<string, string> }
const num = (v: string | undefined): number => (v === undefined ? 0 : /^[01]+$/.test(v) && v.length > 8 ? parseInt(v, 2) : Number(v));

/** Run yosys on the generated files (+ the hdl/ library) with top `dhm_head`; throws ToolMissingError without yosys. */
export function synthesize(files: readonly RtlFile[], opts: { readonly full?: boolean; readonly timeoutSeconds?: number } = {}): SynthFigures {
  requireTool('yosys', '-V');
  const dir = mkdtempSync(join(tmpdir(), 'dhm-synth-'));
  try {
    const sources = RTL_LIBRARY_FILES.map((f) => join(HDL_DIR, f));
    for (const f of files) {
      if (!f.path.endsWith('.v')) continue;
      writeFileSync(join(dir, f.path), f.text);
      sources.push(join(dir, f.path));
    }
    const top = files.find((f) => /dhm_head\.v$/.test(f.path))!.path.replace(/\.v$/, '');
    const read = sources.map((s) => `read_verilog ${s}`).join('; ');
    const script = opts.full
      ? `${read}; synth_intel_alm -family cyclone10gx -top ${top} -noiopad -noclkbuf; write_json ${join(dir, 'net.json')}`
      : `${read}; hierarchy -top ${top}; proc; flatten; opt_expr; opt_clean; opt -nodffe -nosdff; wreduce; opt_clean; memory -nomap; opt_clean; write_json ${join(dir, 'net.json')}`;
    const t0 = performance.now();
    const r = spawnSync('yosys', ['-q', '-p', script], { encoding: 'utf8', maxBuffer: 1 << 28, timeout: (opts.timeoutSeconds ?? 3600) * 1000 });
    const seconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new ToolFailedError(`yosys failed: ${(r.stderr || r.stdout || String(r.error)).slice(-2000)}`);
    const net = JSON.parse(readFileSync(join(dir, 'net.json'), 'utf8')) as { modules: Record<string, { cells: Record<string, JsonCell> }> };
    const cells: Record<string, number> = {};
    let adderBits = 0, registerBits = 0, dsp = 0, memoryBits = 0, m20k = 0, logicBits = 0;
    for (const m of Object.values(net.modules)) {
      for (const c of Object.values(m.cells)) {
        cells[c.type] = (cells[c.type] ?? 0) + 1;
        const p = c.parameters;
        if (opts.full) {
          if (c.type === 'MISTRAL_ALUT_ARITH') adderBits++;
          else if (c.type === 'MISTRAL_FF') registerBits++;
          else if (c.type.startsWith('MISTRAL_MUL')) dsp++;
          else if (c.type.startsWith('MISTRAL_ALUT') || c.type === 'MISTRAL_NOT') logicBits++;
          else if (c.type === 'altsyncram' || c.type.startsWith('MISTRAL_M20K')) m20k++;
          continue;
        }
        if (c.type === '$add' || c.type === '$sub' || c.type === '$neg') adderBits += num(p.Y_WIDTH);
        else if (/^\$(a|s)?dffe?$|^\$sdffc?e$|^\$dffsre?$|^\$aldffe?$/.test(c.type)) registerBits += num(p.WIDTH);
        else if (c.type === '$mul') { if (!(c.attributes?.src ?? '').includes(HDL_DIR)) dsp++; else logicBits += num(p.Y_WIDTH); } // library $mul = address arithmetic by a constant
        else if (c.type === '$mem' || c.type === '$mem_v2') {
          const bits = num(p.WIDTH) * num(p.SIZE);
          memoryBits += bits;
          m20k += m20kBlocks(num(p.SIZE), num(p.WIDTH)) * Math.max(1, num(p.RD_PORTS));
        } else if (p.Y_WIDTH !== undefined) logicBits += num(p.Y_WIDTH);
        else if (p.WIDTH !== undefined) logicBits += num(p.WIDTH);
      }
    }
    const alms = Math.max(Math.ceil((adderBits + logicBits) / 2), Math.ceil(registerBits / 4));
    return { pass: opts.full ? 'full' : 'coarse', adderBits, registerBits, dspMultipliers: dsp, memoryBits, m20k, logicBits, alms, cells, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
