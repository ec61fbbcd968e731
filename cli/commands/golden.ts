/**
 * `hybrid-dhm golden <model-id> --cut N --image FILE [--image FILE …] --out DIR [--backend reference|wasm] [--bits B]`
 * — write golden vectors for a board testbench (format: docs/protocol.md §11): the program the hybrid pipeline
 * compiles for (model, cut) — the same one `classify` runs —, the 8-bit RGB input frames, the expected outputs
 * (int32 LE NCHW; `expected.sha256` = `emulate --json`'s `sha256`), packed wire payloads and cycle counts.
 * Each vector is then replayed through the simulated board (fake serial port, same backend code as the page) and
 * must come back bit-identical.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagChoice, flagInt, flagString, parseArgs, UsageError } from '../args';
import { decodeImageFile } from '../image';
import { wasmPath } from '../paths';
import { buildGoldenVectors } from '../../src/board/golden';
import { emulatorCompute, referenceCompute } from '../../src/board/demo';
import { FakeSerialLink } from '../../src/board/fake-port';
import { SerialBoardBackend } from '../../src/board/serial-backend';
import { BoardSimulator, type BoardCompute } from '../../src/board/simulator';
import { sha256Int32LE } from '../../src/board/sha256';
import { createEmulator } from '../../src/dhm/wasm';
import { toFrame } from '../../src/image/preprocess';
import { compileModelHead } from './quantize';

export const USAGE = 'usage: hybrid-dhm golden <model-id> --cut N --image FILE [--image FILE ...] --out DIR [--backend reference|wasm] [--bits B] [--json]';

export async function run(argv: string[]): Promise<number> {
  // --image may repeat: collect them before the generic parser (which keeps the last)
  const images: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--image') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`option --image needs a value\n${USAGE}`);
      images.push(v);
    } else if (a.startsWith('--image=')) images.push(a.slice('--image='.length));
    else rest.push(a);
  }
  const a = parseArgs(rest, ['cut', 'out', 'backend', 'bits'], ['json', 'help']);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const [modelId, extra] = a.positionals;
  const out = flagString(a, 'out');
  if (!modelId || extra !== undefined || images.length === 0 || !out) throw new UsageError(USAGE);
  const cut = flagInt(a, 'cut', 0)!;
  const bits = flagInt(a, 'bits');
  const backendKind = flagChoice(a, 'backend', ['reference', 'wasm'] as const, 'wasm');
  // the pipeline's quantize-head compilation (same calibration set), without its ORT sessions
  const { program, entry: model } = compileModelHead(modelId, cut, bits ? { bits } : {}, false);
  const compute: BoardCompute = backendKind === 'reference' ? referenceCompute : emulatorCompute(await createEmulator(readFileSync(wasmPath())));
  const frames = images.map((file) => ({ source: file, frame: toFrame(decodeImageFile(file), model.preprocessing) }));
  const { manifest, files } = await buildGoldenVectors(program, frames, compute, `hybrid-dhm golden (${backendKind} executor)`);

  // replay through the simulated board: the vectors must be reproducible over the link
  const link = new FakeSerialLink({ pacing: 'virtual' });
  const sim = new BoardSimulator(link.board, { program, compute });
  const board = new SerialBoardBackend(link.host, { clock: link.hostClock, clockKind: 'simulated-line', linkName: 'fake serial' });
  const replay: { index: number; bitIdentical: boolean; linkMs: number }[] = [];
  try {
    for (const v of manifest.vectors) {
      const r = await board.run(program, frames[v.index]!.frame);
      replay.push({ index: v.index, bitIdentical: sha256Int32LE(r.output) === v.expected.sha256, linkMs: r.link.ms });
    }
  } finally {
    await board.dispose();
    link.shutdown();
    await sim.stop();
  }

  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(out, name), bytes);
  const bad = replay.filter((r) => !r.bitIdentical);
  if (a.flags.has('json')) {
    console.log(JSON.stringify({ out, programHash: manifest.program.hash, vectors: manifest.vectors.map((v) => ({ source: v.source, sha256: v.expected.sha256, shape: v.expected.shape, format: v.expected.format, cycles: { total: v.cycles.total, firstOutput: v.cycles.firstOutput } })), replay }, null, 1));
  } else {
    console.log(`${model.title}, cut ${cut}: program ${manifest.program.hash} → ${out} (${files.size} files)`);
    for (const v of manifest.vectors) {
      const r = replay[v.index]!;
      console.log(`  [${v.index}] ${v.source}: output ${v.expected.shape.join('x')} ${v.expected.format}, sha256 ${v.expected.sha256}, cycles ${v.cycles.total} (first output ${v.cycles.firstOutput}); simulated-board replay ${r.bitIdentical ? 'bit-identical' : 'DIFFERS'} (${r.linkMs.toFixed(1)} ms simulated line time)`);
    }
  }
  return bad.length === 0 ? 0 : 1;
}
