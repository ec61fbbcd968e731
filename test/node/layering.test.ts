/**
 * Layering of src/ (docs/architecture.md, README "Layout"): a folder of src/ imports only the folders its layer may
 * import, and nothing outside src/. Every relative import, `export … from` and `import('…')` of every .ts file in
 * src/ is checked; a back-edge (e.g. src/board → src/pipeline, src/onnx → src/graph, src/pipeline → src/cost/provenance)
 * fails with the file, the line and the rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ROOT } from './helpers/paths';

/** The bottom tier: leaf modules that import nothing of ours except each other where listed in MAY_IMPORT. */
const BOTTOM = ['util', 'models', 'image', 'ort', 'offline', 'provenance'] as const;

/**
 * What each folder of src/ may import (besides itself), bottom to top. Mirrors the architecture table; the bottom
 * tier is importable from every layer above it.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  util: [], models: [], image: ['models'], ort: [], offline: [], provenance: [],
  onnx: ['util'],
  graph: ['onnx', ...BOTTOM],
  dhm: ['graph', ...BOTTOM],
  backend: ['dhm', ...BOTTOM],
  rtl: ['dhm', 'graph', ...BOTTOM],
  cost: ['dhm', 'graph', ...BOTTOM],
  board: ['backend', 'dhm', ...BOTTOM],
  pipeline: ['backend', 'board', 'dhm', 'graph', ...BOTTOM],
};

/**
 * Known exceptions, each by importing file → imported module, with the reason. The test fails when one is no longer
 * used, so the list only shrinks.
 */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

/** One import edge: the importing file (repo-relative), its line, and the imported module (repo-relative, no extension). */
export interface ImportEdge {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

/** Relative imports of a TypeScript source (static, `export … from`, dynamic and type-position `import('…')`). */
export function importEdges(file: string, text: string): ImportEdge[] {
  const out: ImportEdge[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/gm;
  for (const m of text.matchAll(re)) {
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ file, line, target: normalize(join(dirname(file), m[1]!)).replace(/\.(ts|js)$/, '') });
  }
  return out;
}

/** The rule an edge breaks, or null when it is allowed. */
export function violation(e: ImportEdge): string | null {
  const from = e.file.split('/');
  if (from[0] !== 'src' || from.length < 3) return null; // top-level code (www, cli, …) and src/*.d.ts may import anything below
  const layer = from[1]!;
  const to = e.target.split('/');
  if (to[0] !== 'src') return `src/${layer} imports '${e.target}' outside src/ (src/ never imports the page, workers, CLI or tests)`;
  const target = to[1]!;
  if (target === layer) return null;
  if (!(layer in MAY_IMPORT)) return `src/${layer} is not in the layer table of test/node/layering.test.ts (add it where it belongs)`;
  if (MAY_IMPORT[layer]!.includes(target)) return null;
  if (EXCEPTIONS[`${e.file} -> ${e.target}`]) return null;
  return `src/${layer} may import only ${MAY_IMPORT[layer]!.length ? MAY_IMPORT[layer]!.map((l) => `src/${l}`).join(', ') : 'nothing of ours'}, not src/${target}`;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const edges = tsFiles(join(ROOT, 'src')).flatMap((p) => importEdges(relative(ROOT, p), readFileSync(p, 'utf8')));

test('no back-edges between the layers of src/ (every import is allowed by the layer table)', () => {
  const bad = edges.map((e) => [e, violation(e)] as const).filter(([, v]) => v).map(([e, v]) => `${e.file}:${e.line} imports ${e.target}: ${v}`);
  assert.deepEqual(bad, []);
});

test('every listed layering exception is still used (the list only shrinks)', () => {
  const used = new Set(edges.map((e) => `${e.file} -> ${e.target}`));
  assert.deepEqual(Object.keys(EXCEPTIONS).filter((k) => !used.has(k)), []);
});

test('the checker catches back-edges: board → pipeline, onnx → graph, pipeline → cost, src → www', () => {
  const cases: [string, string][] = [
    ['src/board/serial-backend.ts', "import type { HeadBackend } from '../pipeline/backends';"],
    ['src/onnx/proto.ts', "import { SUPPORTED_OPS } from '../graph/ops';"],
    ['src/pipeline/pipeline.ts', "import { modelled } from '../cost/fpga';"],
    ['src/dhm/quantize.ts', "const x: import('../cost/resources').ResourceEstimate = null!;"],
    ['src/graph/cuts.ts', "export { x } from '../../www/main';"],
  ];
  for (const [file, text] of cases) {
    const es = importEdges(file, text);
    assert.equal(es.length, 1, `${file}: one edge parsed from ${text}`);
    assert.ok(violation(es[0]!), `${file}: ${text} must be reported`);
  }
  assert.equal(violation(importEdges('src/pipeline/pipeline.ts', "import { x } from '../backend/head-backend';")[0]!), null);
});
