/**
 * The hash of the DHM compiler's source (issue 16's prebuilt head programs, src/pipeline/prebuilt.ts): SHA-256 (hex)
 * over the repo-relative path and bytes of every file a compiled program depends on — the compiler and quantiser
 * (src/dhm), the model reader and splitter (src/graph, src/onnx), preprocessing and the image decoders (src/image,
 * cli/image.ts, workers/decode-image.ts), the registry (src/models: files, calibration set, preprocessing), src/util,
 * the prebuilt format itself (src/pipeline/prebuilt.ts) and the locked dependency versions (package-lock.json).
 * cli/prebuilt.ts writes it into every prebuilt file's key; build.mjs writes it into the page (`__COMPILER_HASH__`):
 * a program prebuilt by other source is rejected by the page, which then compiles the head itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders and files (repo-relative) whose content the compiled program depends on. */
export const COMPILER_SOURCES = ['src/dhm', 'src/graph', 'src/onnx', 'src/image', 'src/models', 'src/util', 'src/pipeline/prebuilt.ts', 'cli/image.ts', 'workers/decode-image.ts', 'package-lock.json'];

function files(root, rel) {
  const full = join(root, rel);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [rel];
  return readdirSync(full).sort().flatMap((f) => files(root, `${rel}/${f}`));
}

/**
 * SHA-256 (hex) of the compiler's source under `root` (the repository), over COMPILER_SOURCES in a fixed order.
 * @param {string} root
 * @returns {string}
 */
export function compilerSourceHash(root) {
  const h = createHash('sha256');
  for (const rel of COMPILER_SOURCES.flatMap((r) => files(root, r)).sort()) h.update(`${rel}\n`).update(readFileSync(join(root, rel))).update('\n');
  return h.digest('hex');
}
