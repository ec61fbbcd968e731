/**
 * `hybrid-dhm classify <model> --image FILE [--cut N] [--backend reference|wasm] [--bits B] [--clock MHZ] [--json]`
 * Runs the hybrid system (DHM head on the chosen backend, tail on onnxruntime-web's wasm EP) and the GPU-only baseline
 * on one image; prints both top-5 lists and the table of numbers with their provenance.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, flagString, flagInt, flagNumber, flagChoice, UsageError } from '../args';
import { decodeImageFile } from '../image';
import { nodePipelineEnv } from '../env';
import { wasmPath } from '../paths';
import { HybridPipeline, type HybridResult } from '../../src/pipeline/pipeline';
import { referenceBackend, wasmInProcessBackend } from '../../src/pipeline/backends';
import { getModel, type ModelId } from '../../src/models/registry';
import type { HeadBackend } from '../../src/backend/head-backend';

const USAGE = 'usage: hybrid-dhm classify <model-id> --image FILE [--cut N] [--backend reference|wasm] [--bits B] [--clock MHZ] [--json]';

/** The JSON view: `hybrid.top5`, `gpuOnly.top5`, `cut`, `timings`, `provenance` (+ head, table, tailEp). */
export function resultJson(r: HybridResult): unknown {
  return {
    model: r.model,
    backend: r.backend,
    cut: r.cut,
    hybrid: { top5: r.hybrid.top5 },
    gpuOnly: { top5: r.gpuOnly.top5 },
    head: { shape: r.head.shape, format: r.head.format, cycles: { total: r.head.cycles.total, firstOutput: r.head.cycles.firstOutput }, formulaCycles: { total: r.head.formulaCycles.total, firstOutput: r.head.formulaCycles.firstOutput } },
    tailEp: r.tailEp,
    placementChecked: r.placementChecked,
    fallback: r.fallback,
    misplacedNodes: r.misplacedNodes,
    timings: r.timings.map((t) => ({ stage: t.stage, ms: Number(t.ms.toFixed(3)), cached: t.cached, provenance: 'measured' })),
    table: r.table.map((row) => ({ name: row.name, ...row.figure })),
    provenance: r.provenance,
  };
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['image', 'cut', 'backend', 'bits', 'clock'], ['json', 'help']);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const [modelId] = a.positionals;
  const image = flagString(a, 'image');
  if (!modelId || !image) throw new UsageError(USAGE);
  const model = getModel(modelId);
  const backendKind = flagChoice(a, 'backend', ['reference', 'wasm'] as const, 'wasm');
  const bits = flagInt(a, 'bits');
  const clockMHz = flagNumber(a, 'clock');
  const cut = flagInt(a, 'cut', 0)!;
  const img = decodeImageFile(image);
  const backend: HeadBackend = backendKind === 'reference' ? referenceBackend() : await wasmInProcessBackend(readFileSync(wasmPath()));
  const pipeline = new HybridPipeline(nodePipelineEnv());
  try {
    const r = await pipeline.classify({ modelId: model.id as ModelId, cut, ...(bits ? { quant: { bits } } : {}), ...(clockMHz ? { clockMHz } : {}) }, img, backend);
    if (a.flags.has('json')) {
      console.log(JSON.stringify(resultJson(r), null, 1));
      return 0;
    }
    console.log(`${model.title} — cut ${r.cut.index} after ${r.cut.headLayers.at(-1)} (tensor ${r.cut.tensor}, ${r.cut.shape.join('x')}); head on ${r.backendDescription}; tail on ${r.tailEp}${r.fallback ? ` (FALLBACK: ${r.fallback})` : ''}`);
    if (r.misplacedNodes.length) console.log(`WARNING: nodes not on the ${r.tailEp} EP: ${r.misplacedNodes.join(', ')}`);
    console.log('\n  #  hybrid (DHM head + tail)                 GPU-only (full float model)');
    for (let i = 0; i < 5; i++) {
      const h = r.hybrid.top5[i]!;
      const g = r.gpuOnly.top5[i]!;
      const short = (l: string): string => l.split(",")[0]!;
      console.log(`  ${i + 1}  ${`${short(h.label)} (${h.score.toFixed(2)})`.padEnd(40)} ${short(g.label)} (${g.score.toFixed(2)})`);
    }
    console.log('\n  figure                                        value           provenance  source');
    for (const row of r.table) {
      const f = row.figure;
      console.log(`  ${row.name.padEnd(44)} ${`${Number.isInteger(f.value) ? f.value : Number(f.value.toPrecision(4))} ${f.unit}`.padEnd(15)} ${f.provenance.padEnd(11)} ${f.source}`);
    }
    console.log(`\n  cycles: run ${r.head.cycles.total} (first output ${r.head.cycles.firstOutput}); formula ${r.head.formulaCycles.total} (first output ${r.head.formulaCycles.firstOutput})`);
    return 0;
  } finally {
    await pipeline.dispose();
    await backend.dispose();
  }
}
