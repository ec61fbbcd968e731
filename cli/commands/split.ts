/**
 * `hybrid-dhm split <model-id|file.onnx> --cut N --out DIR` — split a model at legal cut N (see `hybrid-dhm cuts`)
 * and write DIR/head.onnx (input: the model input; output: the crossing tensor) and DIR/tail.onnx (input: the
 * crossing tensor, NCHW float32; outputs: the model outputs), plus DIR/cut.json describing the cut.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagInt, flagString, parseArgs, UsageError } from '../args';
import { resolveModel } from '../paths';
import { loadGraph, splitAt, writeOnnx } from '../../src/graph/index';

export const USAGE = 'usage: hybrid-dhm split <model-id|file.onnx> --cut N --out DIR';

/** Run the command; resolves to the exit code (errors are thrown for cli/main.ts to print). */
export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['cut', 'out'], ['help']);
  if (args.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError(`expected one model id or .onnx file, got ${args.positionals.length} arguments\n${USAGE}`);
  const cut = flagInt(args, 'cut');
  const out = flagString(args, 'out');
  if (cut === undefined) throw new UsageError(`--cut N is required\n${USAGE}`);
  if (!out) throw new UsageError(`--out DIR is required\n${USAGE}`);
  const { path } = resolveModel(args.positionals[0]!);
  const g = loadGraph(new Uint8Array(readFileSync(path)), path);
  const s = splitAt(g, cut);
  mkdirSync(out, { recursive: true });
  const head = writeOnnx(s.head);
  const tail = writeOnnx(s.tail);
  writeFileSync(join(out, 'head.onnx'), head);
  writeFileSync(join(out, 'tail.onnx'), tail);
  writeFileSync(join(out, 'cut.json'), JSON.stringify({ model: args.positionals[0], ...s.cut }, null, 2) + '\n');
  console.log(`cut ${s.cut.index} at '${s.cut.tensor}' [${s.cut.shape.join(', ')}] (${s.cut.bytes} bytes at 8 bits/value): ` +
    `${join(out, 'head.onnx')} (${s.head.nodes.length} nodes, ${head.length} bytes), ${join(out, 'tail.onnx')} (${s.tail.nodes.length} nodes, ${tail.length} bytes)`);
  return 0;
}
