/** Paths and loaders shared by the Node tests. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNpy, type NpyArray } from '../../../src/util/npy';
import { getModel, LABEL_FILES, SAMPLE_IMAGES, type SampleImageId } from '../../../src/models/registry';
import { parseLabels } from '../../../src/models/labels';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', '..');
export const MODELS = resolve(process.env.HYBRID_DHM_MODELS_DEST ?? join(ROOT, 'models'));

export const modelPath = (id: string): string => join(MODELS, getModel(id).file.path);
export const modelBytes = (id: string): Uint8Array => readFileSync(modelPath(id));
export const npy = (rel: string): NpyArray => readNpy(readFileSync(join(MODELS, rel)));
export const imagePath = (id: SampleImageId): string => join(MODELS, SAMPLE_IMAGES[id].path);
export const labelsFor = (id: string): string[] => {
  const m = getModel(id);
  return parseLabels(readFileSync(join(MODELS, LABEL_FILES[m.labels].path), 'utf8'), m.labels);
};
export const SAMPLE_IDS: readonly SampleImageId[] = ['cat', 'dragonfly', 'hot_dog', 'parrot'];

/**
 * A node:test `skip` value for a test that needs `files` (absolute paths): false when all exist, else the reason
 * naming the missing file and how to provision it — never a bare `true`.
 */
export function skipUnlessProvisioned(...files: string[]): false | string {
  const missing = files.filter((f) => !existsSync(f));
  return missing.length === 0 ? false : `${missing.join(', ')} not provisioned: run \`npm run models\``;
}
