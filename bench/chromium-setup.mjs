/**
 * Shared set-up of the Chromium benchmarks (bench/chromium.mjs, bench/coldstart.mjs): the repository root, the
 * `--name value` option reader, the Chromium binary (CHROME_PATH or /usr/bin/chromium), its launch flags, the check
 * that the build outputs and Chromium exist (a clear message and exit 1 otherwise), and Chromium's version string.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

/** Absolute path of the repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Command-line arguments after the script name. */
export const args = process.argv.slice(2);

/** Value of `--name value` on the command line, or `dflt`. */
export const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};

/** Chromium binary: CHROME_PATH or Debian's /usr/bin/chromium. */
export const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';

/** Headless Chromium flags of both benchmarks (no sandbox, no background traffic, WebGPU allowed). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu'];

/**
 * Exit 1 with a message naming the missing file and the command that makes it, or the missing Chromium and how to
 * install it. `needs`: [path relative to ROOT, command], `bench`: name used in the messages (e.g. 'bench/chromium').
 */
export function requireInputs(bench, needs) {
  for (const [p, how] of needs) {
    if (!existsSync(resolve(ROOT, p))) {
      console.error(`${bench}: ${p} is missing: run \`${how}\``);
      process.exit(1);
    }
  }
  if (!existsSync(CHROME_PATH)) {
    console.error(`${bench}: Chromium not found at ${CHROME_PATH}: install it (apt-get install -y chromium) or set CHROME_PATH`);
    process.exit(1);
  }
}

/** `chromium --version` output, or 'unknown'. */
export function chromiumVersion() {
  try { return execFileSync(CHROME_PATH, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return 'unknown'; }
}
