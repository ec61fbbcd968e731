/**
 * Provision models, labels, sample images and reference tensors into ./models (git-ignored).
 * Each file is copied from a local mirror (env HYBRID_DHM_MODELS, default ../shared/models when it exists) or
 * downloaded from its canonical URL, and its sha256 is verified. Usage: `npm run models [-- --force] [-- --soft]`
 * (--soft: exit 0 even when some files are missing, as `npm start` does).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { precompileDefaults } from '../cli/prebuilt';
import { MODELS, LABEL_FILES, SAMPLE_IMAGES, EXTRA_MIRROR_DIRS, type ProvisionedFile } from '../src/models/registry';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dest = resolve(process.env.HYBRID_DHM_MODELS_DEST ?? join(root, 'models'));
const defaultMirror = resolve(root, '..', 'shared', 'models');
const mirror = process.env.HYBRID_DHM_MODELS ? resolve(process.env.HYBRID_DHM_MODELS) : existsSync(defaultMirror) ? defaultMirror : null;
const force = process.argv.includes('--force');

class ProvisionError extends Error {
  override name = 'ProvisionError';
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function obtain(what: string, f: ProvisionedFile): Promise<'present' | 'mirror' | 'download'> {
  const target = join(dest, f.path);
  if (!force && existsSync(target) && sha256(readFileSync(target)) === f.sha256) return 'present';
  let bytes: Uint8Array | null = null;
  let source = '';
  const problems: string[] = [];
  if (mirror) {
    const p = join(mirror, f.path);
    if (existsSync(p)) {
      bytes = readFileSync(p);
      source = 'mirror';
      const got = sha256(bytes);
      if (got !== f.sha256) {
        problems.push(`mirror file ${p} has sha256 ${got}, expected ${f.sha256} (corrupt or wrong file: replace it)`);
        bytes = null;
      }
    } else problems.push(`not in the mirror (${p} missing)`);
  } else problems.push('no local mirror (set HYBRID_DHM_MODELS to a folder laid out like ../shared/models)');
  if (!bytes && f.url) {
    try {
      const res = await fetch(f.url, { signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
      source = 'download';
      const got = sha256(bytes);
      if (got !== f.sha256) {
        problems.push(`download from ${f.url} has sha256 ${got}, expected ${f.sha256}`);
        bytes = null;
      }
    } catch (e) {
      problems.push(`download from ${f.url} failed (${(e as Error).message}${(e as { cause?: Error }).cause ? ': ' + (e as { cause: Error }).cause.message : ''}): no network?`);
    }
  } else if (!bytes) problems.push('no canonical URL: this file is only available from a mirror (assembled weights or self-generated reference tensors; see SOURCES.md)');
  if (!bytes) throw new ProvisionError(`cannot provision ${what} (${f.path}):\n  - ${problems.join('\n  - ')}`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target + '.tmp', bytes);
  renameSync(target + '.tmp', target);
  return source as 'mirror' | 'download';
}

/** Reference tensors (test_data_set folders, reference_outputs) are verified against the mirror's SHA256SUMS. */
function mirrorExtras(): ProvisionedFile[] {
  if (!mirror || !existsSync(join(mirror, 'SHA256SUMS'))) return [];
  const out: ProvisionedFile[] = [];
  for (const line of readFileSync(join(mirror, 'SHA256SUMS'), 'utf8').split('\n')) {
    const m = /^([0-9a-f]{64})\s+\.\/(.+)$/.exec(line.trim());
    if (!m) continue;
    const [, sum, path] = m as unknown as [string, string, string];
    if (EXTRA_MIRROR_DIRS.includes(dirname(path))) out.push({ path, sha256: sum, bytes: 0, url: null });
  }
  return out;
}

async function main(): Promise<void> {
  console.log(`models: destination ${dest}; mirror ${mirror ?? '(none)'}`);
  const jobs: [string, ProvisionedFile][] = [
    ...MODELS.map((m) => [`model ${m.id}`, m.file] as [string, ProvisionedFile]),
    ...Object.entries(LABEL_FILES).map(([k, f]) => [`labels ${k}`, f] as [string, ProvisionedFile]),
    ...Object.entries(SAMPLE_IMAGES).map(([k, f]) => [`image ${k}`, f] as [string, ProvisionedFile]),
  ];
  const seen = new Set(jobs.map(([, f]) => f.path));
  for (const f of mirrorExtras()) if (!seen.has(f.path)) jobs.push([`reference file`, f]);
  const failures: string[] = [];
  const counts = { present: 0, mirror: 0, download: 0 };
  for (const [what, f] of jobs) {
    try {
      counts[await obtain(what, f)]++;
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  console.log(`models: ${jobs.length} files: ${counts.present} already present, ${counts.mirror} copied from mirror, ${counts.download} downloaded; sha256 verified`);
  // The page's default head programs, compiled ahead of time (cli/prebuilt.ts; the page falls back to compiling
  // live, visibly, when one is missing or stale).
  try {
    for (const r of precompileDefaults(dest)) console.log(`models: prebuilt head program ${r.modelId}: ${r.status} (${r.detail})`);
  } catch (e) {
    failures.push(`prebuilt head programs: ${(e as Error).message}`);
  }
  if (failures.length) {
    console.error(failures.join('\n'));
    console.error(`models: ${failures.length} file(s) could not be provisioned`);
    // --soft (used by `npm start`): report and carry on; the page shows which models are missing.
    process.exit(process.argv.includes('--soft') ? 0 : 1);
  }
}

await main();
