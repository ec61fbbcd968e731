/**
 * `hybrid-dhm cuts <model-id|file.onnx> [--json]` — list the legal cut points of a model (see src/graph/cuts.ts for
 * the rules; index 0 = earliest cut, head ≥ 1 Conv). `--json` prints an array of
 * {index, tensor, shape, bytes, headLayers, headMacs, tailMacs, headParams, tailParams} (bytes at 8 bits/value).
 */
import { readFileSync } from 'node:fs';
import { parseArgs, UsageError } from '../args';
import { resolveModel } from '../paths';
import { loadGraph, listCuts, type CutPoint } from '../../src/graph/index';

export const USAGE = 'usage: hybrid-dhm cuts <model-id|file.onnx> [--json]';

/** Fixed-width text table of cuts (MACs in millions, params in thousands). */
export function formatCutTable(modelName: string, cuts: readonly CutPoint[]): string {
  const rows = cuts.map((c) => [
    String(c.index), c.tensor, c.shape.join('x'), String(c.bytes), String(c.headLayers.length),
    (c.headMacs / 1e6).toFixed(2), (c.tailMacs / 1e6).toFixed(2), (c.headParams / 1e3).toFixed(1), (c.tailParams / 1e3).toFixed(1),
  ]);
  const head = ['index', 'tensor', 'shape (NCHW)', 'bytes@8b', 'head nodes', 'head MMACs', 'tail MMACs', 'head kparams', 'tail kparams'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string => r.map((v, i) => (i === 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [`${modelName}: ${cuts.length} legal cuts (index 0 = earliest; crossing tensor bytes at 8 bits/value)`, line(head), ...rows.map(line)].join('\n');
}

/** Run the command; resolves to the exit code (errors are thrown for cli/main.ts to print). */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, [], ['json', 'help']);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError(`expected one model id or .onnx file, got ${args.positionals.length} arguments\n${USAGE}`);
  const { path } = resolveModel(args.positionals[0]!);
  const g = loadGraph(new Uint8Array(readFileSync(path)), path);
  const cuts = listCuts(g);
  if (args.flags.has('json')) {
    console.log(JSON.stringify(cuts.map((c) => ({
      index: c.index, tensor: c.tensor, shape: c.shape, bytes: c.bytes, headLayers: c.headLayers,
      headMacs: c.headMacs, tailMacs: c.tailMacs, headParams: c.headParams, tailParams: c.tailParams,
    })), null, 2));
  } else {
    console.log(formatCutTable(args.positionals[0]!, cuts));
  }
  return 0;
}
