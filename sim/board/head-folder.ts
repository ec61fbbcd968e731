/**
 * The head's RTL for a board build: the generated files of src/rtl (`dhm_head.v`, one module per layer,
 * `dhm_head_params.vh`) plus the hand-written head library of hdl/, written once per program into a cache folder
 * keyed by the program hash (so every test and CLI run on the same program reuses it and the Verilator build).
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { programHashHex } from '../../src/board/program-hash';
import type { DhmProgram } from '../../src/dhm/program';
import { generateRtl, RTL_GENERATOR_VERSION, RTL_LIBRARY_FILES, type RtlOptions } from '../../src/rtl/index';
import { HDL_DIR } from '../verilator';
import { REPO_ROOT } from './build';

/** Write the head RTL of `program` (if not cached) and return its folder. */
export function headFolderFor(program: DhmProgram, opts: Pick<RtlOptions, 'multipliers'> = {}, cacheDir = join(REPO_ROOT, 'node_modules/.cache/hybrid-dhm-board-sim/heads')): string {
  const hash = programHashHex(program);
  const dir = join(cacheDir, `${hash.slice(0, 16)}-${opts.multipliers ?? 'default'}-${RTL_GENERATOR_VERSION.replace(/[^a-z0-9]+/gi, '_')}`);
  if (existsSync(join(dir, 'dhm_head.v'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const f of generateRtl(program, { ...opts, programHashHex: hash })) writeFileSync(join(tmp, f.path), f.text);
    for (const f of RTL_LIBRARY_FILES) copyFileSync(join(HDL_DIR, f), join(tmp, f));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}
