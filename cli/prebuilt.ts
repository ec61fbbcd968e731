/**
 * Prebuild the page's default head programs (issue 16; src/pipeline/prebuilt.ts): for every page network at cut 0
 * with the page's default options, the DHM program compiled here with the same compiler and calibration set as the
 * page's compile worker, written to `models/prebuilt/<file>.json` (git-ignored; written atomically) with its key —
 * the model file's SHA-256, the cut, the options, the calibration images' SHA-256 and the compiler's source hash
 * (scripts/compiler-hash.mjs). A file whose key is already current is left alone. Run by scripts/models.ts (so by
 * `npm run models`, `npm start`, `npm test` and CI); on its own: `tsx cli/prebuilt.ts [--force]`. A model that is not
 * provisioned is skipped with a message (the page then compiles its head live and says so).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getModel } from '../src/models/registry';
import { loadGraph, splitAt } from '../src/graph/index';
import { compileHead, type QuantOptions } from '../src/dhm/quantize';
import { calibrationFrames, calibrationImages } from '../src/dhm/calibration-set';
import { decodeImageFile } from './image';
import { PREBUILT_DEFAULTS, PREBUILT_DIR, decodePrebuilt, encodePrebuilt, headCompileOptions, prebuiltFileName, prebuiltKey } from '../src/pipeline/prebuilt';
import { compilerSourceHash } from '../scripts/compiler-hash.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What happened to one prebuilt program. */
export interface PrecompileResult {
  readonly modelId: string;
  readonly file: string;
  readonly status: 'up to date' | 'compiled' | 'skipped';
  readonly detail: string;
}

/**
 * Compile every default system of PREBUILT_DEFAULTS whose prebuilt file under `modelsDir`/prebuilt is missing or stale.
 * `force` recompiles all. Returns one line per system.
 */
export function precompileDefaults(modelsDir: string, opts: { force?: boolean; root?: string } = {}): PrecompileResult[] {
  const compilerHash = compilerSourceHash(opts.root ?? ROOT);
  const out: PrecompileResult[] = [];
  for (const d of PREBUILT_DEFAULTS) {
    const model = getModel(d.modelId);
    const file = join(modelsDir, PREBUILT_DIR, prebuiltFileName(d.modelId, d.cutIndex, d.quant));
    const modelPath = join(modelsDir, model.file.path);
    const missing = [modelPath, ...calibrationImages().map((img) => join(modelsDir, img.file.path))].filter((p) => !existsSync(p));
    if (missing.length) {
      out.push({ modelId: d.modelId, file, status: 'skipped', detail: `${missing.join(', ')} missing (the page compiles this head live)` });
      continue;
    }
    const bytes = readFileSync(modelPath);
    const key = prebuiltKey(model, createHash('sha256').update(bytes).digest('hex'), d.cutIndex, d.quant, compilerHash);
    if (!opts.force && existsSync(file)) {
      try {
        decodePrebuilt(readFileSync(file, 'utf8'), key);
        out.push({ modelId: d.modelId, file, status: 'up to date', detail: 'key matches' });
        continue;
      } catch {
        // stale or unreadable: compile again
      }
    }
    const t0 = performance.now();
    const program = compileOne(modelsDir, d.modelId, bytes, d.cutIndex, d.quant);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file + '.tmp', encodePrebuilt(key, program));
    renameSync(file + '.tmp', file);
    out.push({ modelId: d.modelId, file, status: 'compiled', detail: `${program.layers.length} layers in ${(performance.now() - t0).toFixed(0)} ms` });
  }
  return out;
}

/**
 * The program the page's quantize-head stage compiles for (model, cut, options): `compileHead` on the head of the
 * split model with the calibration set decoded from `modelsDir`, with the pipeline's options (`headCompileOptions`).
 */
export function compileOne(modelsDir: string, modelId: string, bytes: Uint8Array, cutIndex: number, quant: Readonly<Partial<QuantOptions>>): ReturnType<typeof compileHead>['program'] {
  const model = getModel(modelId);
  const head = splitAt(loadGraph(bytes, model.file.path), cutIndex).head;
  const frames = calibrationFrames(model.preprocessing, (img) => decodeImageFile(join(modelsDir, img.file.path)));
  return compileHead(head, headCompileOptions(model, cutIndex, quant, frames)).program;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.env.HYBRID_DHM_MODELS_DEST ?? join(ROOT, 'models'));
  for (const r of precompileDefaults(dir, { force: process.argv.includes('--force') })) console.log(`prebuilt: ${r.modelId}: ${r.status} (${r.detail})`);
}
