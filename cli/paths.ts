/** Where the package's provisioned models and build outputs are, from both cli/*.ts (tsx) and dist/cli.mjs. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getModel, type ModelEntry } from '../src/models/registry';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The package root (folder with package.json). */
export const PACKAGE_ROOT = findRoot();
/** The provisioned models folder (env HYBRID_DHM_MODELS_DEST overrides, as in scripts/models.ts). */
export const MODELS_ROOT = resolve(process.env.HYBRID_DHM_MODELS_DEST ?? join(PACKAGE_ROOT, 'models'));
/** The build output folder. */
export const DIST_ROOT = join(PACKAGE_ROOT, 'dist');

/** Error for a model argument that is neither a known id nor an existing file. */
export class ModelNotFoundError extends Error {
  override name = 'ModelNotFoundError';
}

/** Resolve a model id (registry) or a path to an .onnx file. */
export function resolveModel(idOrPath: string): { readonly path: string; readonly entry: ModelEntry | null } {
  if (idOrPath.endsWith('.onnx') || idOrPath.includes('/')) {
    if (!existsSync(idOrPath)) throw new ModelNotFoundError(`model file ${idOrPath} does not exist`);
    return { path: idOrPath, entry: null };
  }
  const entry = getModel(idOrPath);
  const path = join(MODELS_ROOT, entry.file.path);
  if (!existsSync(path)) throw new ModelNotFoundError(`model '${entry.id}' is not provisioned (${path} missing): run \`npm run models\``);
  return { path, entry };
}

/** Path of the built Wasm emulator (release or debug build). */
export function wasmPath(debug = false): string {
  const p = join(DIST_ROOT, debug ? 'dhm.debug.wasm' : 'dhm.wasm');
  if (!existsSync(p)) throw new ModelNotFoundError(`${p} missing: run \`npm run build\` first`);
  return p;
}
