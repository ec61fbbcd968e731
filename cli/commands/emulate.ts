/**
 * `hybrid-dhm emulate <model-id> --cut N --image FILE [--backend wasm|reference (default wasm)] [quantiser flags] [--json]`
 * Compiles the head (as `quantize`), runs it on one image on the chosen backend, and prints the output shape (NCHW)
 * and format, the sha256 of the output feature map (little-endian int32, NCHW), and the cycle counts from the run
 * and from the analytic formula. JSON keys: model, cut, backend, shape, format, sha256, cycles {total, firstOutput},
 * formulaCycles {total, firstOutput}, perLayer (run and formula per layer).
 */
import { readFileSync } from 'node:fs';
import { parseArgs, flagString, flagInt, flagChoice, UsageError } from '../args';
import { decodeImageFile } from '../image';
import { wasmPath } from '../paths';
import { toFrame } from '../../src/image/preprocess';
import { formulaCycles } from '../../src/dhm/cycles';
import { runReference } from '../../src/dhm/reference';
import { sha256Int32LE } from '../../src/board/sha256';
import { formatName, type HeadCycles } from '../../src/dhm/program';
import { compileModelHead, quantOptionsFromFlags, QUANT_FLAGS, QUANT_BOOLEANS } from './quantize';

export const USAGE = 'usage: hybrid-dhm emulate <model-id> --cut N --image FILE [--backend wasm|reference (default wasm)] [--bits 8] [--rounding …] [--overflow …] [--json]';

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS, 'image', 'backend'], ['json', 'help', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError(`expected one model id, got ${a.positionals.length} arguments\n${USAGE}`);
  const cut = flagInt(a, 'cut');
  const image = flagString(a, 'image');
  if (cut === undefined || !image) throw new UsageError(`--cut N and --image FILE are required\n${USAGE}`);
  const backend = flagChoice(a, 'backend', ['reference', 'wasm'] as const, 'wasm');
  const r = compileModelHead(a.positionals[0]!, cut, quantOptionsFromFlags(a), false);
  const frame = toFrame(decodeImageFile(image), r.entry.preprocessing);
  let output: Int32Array;
  let cycles: HeadCycles;
  if (backend === 'wasm') {
    const { createEmulator } = await import('../../src/dhm/wasm');
    const emu = await createEmulator(readFileSync(wasmPath()));
    ({ output, cycles } = emu.run(r.program, frame.data));
  } else {
    ({ output, cycles } = runReference(r.program, frame.data));
  }
  const formula = formulaCycles(r.program);
  const out = r.program.streams[r.program.output]!;
  const shape = [1, out.channels, out.height, out.width];
  const sha = sha256Int32LE(output); // the golden vectors' checksum too (src/board/sha256.ts)
  if (a.flags.has('json')) {
    console.log(JSON.stringify({
      model: r.entry.id, cut, tensor: r.tensor, backend, image, shape, format: formatName(out.format), sha256: sha,
      cycles: { total: cycles.total, firstOutput: cycles.firstOutput },
      formulaCycles: { total: formula.total, firstOutput: formula.firstOutput },
      perLayer: cycles.perLayer.map((c, i) => ({ layer: c.layer, cycles: { total: c.total, firstOutput: c.firstOutput }, formulaCycles: { total: formula.perLayer[i]!.total, firstOutput: formula.perLayer[i]!.firstOutput } })),
    }, null, 1));
    return 0;
  }
  console.log(`${r.entry.title} — head at cut ${cut} (tensor ${r.tensor}) on ${backend === 'wasm' ? 'the Wasm emulator' : 'the TypeScript reference executor'}`);
  console.log(`output: NCHW ${shape.join('x')}, ${formatName(out.format)}`);
  console.log(`sha256 (int32 LE, NCHW): ${sha}`);
  const how = backend === 'wasm' ? 'Wasm emulator, data-valid stream emulated' : 'reference, per-pixel timing simulation';
  console.log(`cycles (${how}): first output ${cycles.firstOutput}, total ${cycles.total}`);
  console.log(`cycles (analytic formula${' '.repeat(Math.max(0, how.length - 16))}): first output ${formula.firstOutput}, total ${formula.total}${formula.total === cycles.total && formula.firstOutput === cycles.firstOutput ? '  (equal)' : '  (DIFFERENT)'}`);
  return 0;
}
