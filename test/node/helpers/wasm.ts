/**
 * The .wasm modules the Node tests load — the emulator (wasm-dhm/: $DHM_WASM, else an up-to-date dist build, else a fresh
 * asc build in a temp folder) and the page's pixel kernels (wasm-pixels/: an up-to-date dist/pixels.wasm, else a fresh build).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';

/** The emulator's dist file of a target (build.mjs: release → dhm.wasm, debug → dhm.debug.wasm). */
const emulatorFile = (target: 'release' | 'debug'): string => (target === 'release' ? 'dhm.wasm' : 'dhm.debug.wasm');

/** dist/`file`, and whether it is newer than every source in `sources`/. */
function distWasm(sources: 'wasm-dhm' | 'wasm-pixels', file: string): { dist: string; fresh: boolean } {
  const dist = join(ROOT, 'dist', file);
  const srcDir = join(ROOT, sources);
  const newest = Math.max(...readdirSync(srcDir).map((f) => statSync(join(srcDir, f)).mtimeMs));
  return { dist, fresh: existsSync(dist) && statSync(dist).mtimeMs >= newest };
}

/**
 * dist/dhm.wasm for tests that go through code which loads it itself (the CLI): throws, naming the fix, when it is
 * missing or older than a wasm-dhm/ source (a stale build would test old emulator code).
 */
export function freshDistWasm(target: 'release' | 'debug' = 'release'): string {
  const { dist, fresh } = distWasm('wasm-dhm', emulatorFile(target));
  if (!fresh) throw new Error(`${dist} is ${existsSync(dist) ? 'older than a wasm-dhm/ source' : 'missing'}: run \`npm run build\` (npm test builds it before the Node tests)`);
  return dist;
}

/** A fresh asc build of `sources`/index.ts (with its asconfig.json, `target`) into a new temp folder; returns the .wasm's path. */
function ascBuild(sources: 'wasm-dhm' | 'wasm-pixels', target: 'release' | 'debug', file: string): string {
  const out = join(mkdtempSync(join(tmpdir(), `${sources}-`)), file);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/assemblyscript/bin/asc.js'), `${sources}/index.ts`, '--config', `${sources}/asconfig.json`, '--target', target, '-o', out], { cwd: ROOT, stdio: 'pipe' });
  return out;
}

/** Path of the emulator .wasm (release or debug build) that matches the current wasm-dhm/ sources. */
export function emulatorWasmPath(target: 'release' | 'debug' = 'release'): string {
  if (target === 'release' && process.env.DHM_WASM) return process.env.DHM_WASM;
  const { dist, fresh } = distWasm('wasm-dhm', emulatorFile(target));
  return fresh ? dist : ascBuild('wasm-dhm', target, emulatorFile(target));
}

/** Path of dist/pixels.wasm when it matches the wasm-pixels/ sources, else of a fresh asc build of them in a temp folder. */
export function pixelsWasmPath(): string {
  const { dist, fresh } = distWasm('wasm-pixels', 'pixels.wasm');
  return fresh ? dist : ascBuild('wasm-pixels', 'release', 'pixels.wasm');
}
