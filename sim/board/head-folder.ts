/**
 * The head's RTL for a board build: the generated files of src/rtl (`dhm_head.v`, one module per layer,
 * `dhm_head_params.vh`) plus the hand-written head library of hdl/, written once per program into a cache folder
 * keyed by the program hash (so every test and CLI run on the same program reuses it and the Verilator build).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { programHashHex } from '../../src/board/program-hash';
import type { DhmProgram } from '../../src/dhm/program';
import { generateRtl, RTL_GENERATOR_VERSION, RTL_LIBRARY_FILES, type RtlOptions } from '../../src/rtl/index';
import { HDL_DIR } from '../verilator';
import { REPO_ROOT } from './build';

/**
 * Write the head RTL of `program` (if not cached) and return its folder. The folder is keyed by the content of every
 * file in it (generated now, in memory, and the library), so a changed generator or library never reuses stale RTL.
 */
export function headFolderFor(program: DhmProgram, opts: Pick<RtlOptions, 'multipliers'> = {}, cacheDir = join(REPO_ROOT, 'node_modules/.cache/hybrid-dhm-board-sim/heads')): string {
  const hash = programHashHex(program);
  const files = generateRtl(program, { ...opts, programHashHex: hash });
  const h = createHash('sha256').update(RTL_GENERATOR_VERSION);
  for (const f of files) h.update(f.path).update(f.text);
  for (const f of RTL_LIBRARY_FILES) h.update(f).update(readFileSync(join(HDL_DIR, f)));
  const dir = join(cacheDir, `${hash.slice(0, 12)}-${h.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, 'dhm_head.v'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const f of files) writeFileSync(join(tmp, f.path), f.text);
    for (const f of RTL_LIBRARY_FILES) copyFileSync(join(HDL_DIR, f), join(tmp, f));
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}
