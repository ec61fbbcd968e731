/**
 * Node side of the Verilator co-simulation: find the tools, build a testbench (verilator --cc --exe --build), run it.
 * Missing tools raise {@link ToolMissingError} naming the tool and the Debian command that installs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A required external tool (verilator, yosys, make, g++) is not installed. */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
  constructor(readonly tool: string) {
    super(`${tool} is not installed or not on PATH; install it with: sudo apt-get install -y verilator yosys (Debian/Ubuntu)`);
  }
}

/** A tool ran and failed (the message carries the end of its output). */
export class ToolFailedError extends Error {
  override name = 'ToolFailedError';
}

/** The repository root (holds hdl/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The hand-written Verilog library. */
export const HDL_DIR = join(REPO_ROOT, 'hdl');

/** Version line of a tool, or throws ToolMissingError. */
export function requireTool(tool: string, versionArg = '--version'): string {
  const r = spawnSync(tool, [versionArg], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new ToolMissingError(tool);
  return (r.stdout || r.stderr).split('\n')[0]!.trim();
}

/** Whether a tool is installed (for tests that state why they skip). */
export function hasTool(tool: string): boolean {
  try {
    requireTool(tool);
    return true;
  } catch {
    return false;
  }
}

/** Options of {@link buildTestbench}. */
export interface BuildOptions {
  /** C++ optimisation of the generated model (-O0 builds ≈2× faster, runs slower). Default '-O0'. */
  readonly cxxOpt?: string;
  /**
   * Extra Verilator flags. Default none (Verilator's own optimisation): '-O0' verilates huge shift-add designs faster
   * (rtl-recipes.md) but, without module inlining and expression combining, emits hundreds to thousands of C++ files.
   */
  readonly verilatorFlags?: readonly string[];
  /** Parallel make jobs. Default 2. */
  readonly jobs?: number;
}

/** Verilate and compile `tb_top.v` + `tb.cpp` in `dir` with the library and `sources`; returns the binary path. */
export function buildTestbench(dir: string, sources: readonly string[], opts: BuildOptions = {}): string {
  requireTool('verilator');
  requireTool('make');
  requireTool('g++');
  const opt = opts.cxxOpt ?? '-O0';
  const args = [
    '--cc', '--exe', '--build', '-j', String(opts.jobs ?? 2), '--top-module', 'tb_top', ...(opts.verilatorFlags ?? []), '--x-assign', 'fast', '--x-initial', 'fast',
    '-Wno-fatal', '-Wno-lint', '-Wno-style', '+define+DHM_DEBUG', '--Mdir', join(dir, 'obj'), '-o', 'tb',
    '-MAKEFLAGS', `OPT_FAST=${opt} OPT_SLOW=-O0 OPT_GLOBAL=-O0`,
    ...sources, join(dir, 'tb_top.v'), join(dir, 'tb.cpp'),
  ];
  const r = spawnSync('verilator', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const bin = join(dir, 'obj', 'tb');
  if (r.status !== 0 || !existsSync(bin)) {
    const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    throw new ToolFailedError(`verilator build failed in ${dir}:\n${text.split('\n').filter((x) => /%Error|error:/.test(x)).slice(0, 20).join('\n') || text.slice(-3000)}`);
  }
  return bin;
}

/** Run a built testbench; returns out.bin as Int32Array. */
export function runTestbench(bin: string, dir: string, maxCycles: number, stallSeed: number): Int32Array {
  const r = spawnSync(bin, [dir, String(maxCycles), String(stallSeed)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new ToolFailedError(`testbench ${bin} failed (status ${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
  const buf = readFileSync(join(dir, 'out.bin'));
  return new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength >> 2);
}
