/**
 * Builds (once, cached by content) the Verilator simulation of the whole board: the generated `dhm_board`
 * wrapper (src/rtl/board.ts), the hand-written board library (hdl/board/), a head (a folder with `dhm_head.v`, its
 * other modules and `dhm_head_params.vh`), and the harness (sim/board/harness.cpp). Builds are CPU heavy: one build
 * per (head, parameters) is reused by every test case; `make -j2`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DhmProgram } from '../../src/dhm/program';
import { BOARD_HDL_FILES, boardParams, boardWrapperVerilog, type BoardDesignOptions, type BoardParams } from '../../src/rtl/board';

/** Repository root: the first folder up from this module (sim/board/, or dist/ when bundled) holding hdl/board/. */
export const REPO_ROOT = ((): string => {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'hdl/board')) && existsSync(join(d, 'package.json'))) return d;
    d = resolve(d, '..');
  }
  throw new Error(`cannot find the repository root (a folder with hdl/board/) above ${fileURLToPath(import.meta.url)}`);
})();
const HERE = join(REPO_ROOT, 'sim/board');
/** hdl/board/ */
export const BOARD_HDL_DIR = join(REPO_ROOT, 'hdl/board');

/** A built board simulation. */
export interface BoardSim {
  /** The simulation executable (run by sim/board/rtl-board.ts). */
  readonly binPath: string;
  readonly params: BoardParams;
  readonly program: DhmProgram;
  /** Whether this call compiled it (false: reused from the cache). */
  readonly built: boolean;
  /** Wall time of the build, ms (0 when reused). */
  readonly buildMs: number;
}

/** Options of {@link buildBoardSim}. */
export interface BoardSimOptions extends BoardDesignOptions {
  /** Folder with the head: `dhm_head.v`, any other `.v` files it needs, `dhm_head_params.vh`. */
  readonly headDir: string;
  /** Build cache folder. Default node_modules/.cache/hybrid-dhm-board-sim. */
  readonly cacheDir?: string;
  /** Parallel make jobs. Default 2. */
  readonly jobs?: number;
}

/** Throws an Error naming the missing tool and how to install it. */
export function requireVerilator(): string {
  const r = spawnSync('verilator', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('verilator not found on PATH: the RTL board simulation needs Verilator ≥ 5 (Debian: `sudo apt-get install verilator`)');
  return r.stdout.trim();
}

/** Build (or reuse) the board simulation for `program` with the head in `opts.headDir`. */
export function buildBoardSim(program: DhmProgram, opts: BoardSimOptions): BoardSim {
  const params = boardParams(opts);
  const version = requireVerilator();
  if (!existsSync(join(opts.headDir, 'dhm_head.v'))) throw new Error(`head folder ${opts.headDir} has no dhm_head.v (the generated head, issue 13 contract)`);
  const headFiles = readdirSync(opts.headDir).filter((f) => f.endsWith('.v')).sort();
  const wrapper = boardWrapperVerilog(program, opts);
  const harness = readFileSync(join(HERE, 'harness.cpp'), 'utf8');
  const h = createHash('sha256');
  h.update(version).update(wrapper).update(harness);
  for (const f of BOARD_HDL_FILES) h.update(f).update(readFileSync(join(BOARD_HDL_DIR, f)));
  for (const f of [...headFiles, 'dhm_head_params.vh']) {
    const p = join(opts.headDir, f);
    if (existsSync(p)) h.update(f).update(readFileSync(p));
  }
  const key = h.digest('hex').slice(0, 16);
  const cache = opts.cacheDir ?? join(REPO_ROOT, 'node_modules/.cache/hybrid-dhm-board-sim');
  const dir = join(cache, key);
  const binPath = join(dir, 'Vdhm_board');
  if (existsSync(binPath)) return { binPath, params, program, built: false, buildMs: 0 };
  const t0 = performance.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    writeFileSync(join(tmp, 'dhm_board.v'), wrapper);
    const srcs = [join(tmp, 'dhm_board.v'), ...BOARD_HDL_FILES.map((f) => join(BOARD_HDL_DIR, f)), ...headFiles.map((f) => join(opts.headDir, f))];
    execFileSync('verilator', [
      '--cc', '--exe', '--build', '-j', String(opts.jobs ?? 2), '-Wno-fatal', '-Wno-lint', '-Wno-style',
      '--top-module', 'dhm_board', `-I${opts.headDir}`, `-I${BOARD_HDL_DIR}`, '-Mdir', join(tmp, 'obj'),
      '-o', join(tmp, 'Vdhm_board'), '-CFLAGS', '-O1', ...srcs, join(HERE, 'harness.cpp'),
    ], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
    rmSync(join(tmp, 'obj'), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`Verilator build of the board failed: ${err.stderr?.toString().slice(-4000) ?? err.message}`);
  }
  return { binPath, params, program, built: true, buildMs: performance.now() - t0 };
}
