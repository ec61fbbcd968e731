/**
 * `hybrid-dhm cosim <model-id> --cut N --image FILE [quantiser flags] [--size HxW] [--multipliers …] [--stall SEED]
 *   [--keep] [--json]`
 * Generates the head's RTL, builds a Verilator testbench, streams the image (one pixel per enabled cycle; --stall
 * adds pseudo-random ce = 0 cycles) and compares every output integer of every layer with the TypeScript reference,
 * the cycle of every output pixel with the timing model, and the per-layer and head counts with the Wasm emulator
 * (when dist/dhm.wasm is built). Prints `equal` or the first difference (layer, channel, pixel, cycle); exit 1 on a
 * difference. Needs verilator, make and g++ (sudo apt-get install -y verilator).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flagInt, flagString, parseArgs, UsageError } from '../args';
import { decodeImageFile } from '../image';
import { DIST_ROOT } from '../paths';
import { toFrame } from '../../src/image/preprocess';
import { getModel } from '../../src/models/registry';
import { cosimBatch } from '../../sim/cosim';
import { QUANT_BOOLEANS, QUANT_FLAGS } from './quantize';
import { programFromFlags, rtlOptionsFromFlags, RTL_FLAGS } from './rtl';

export const USAGE = 'usage: hybrid-dhm cosim <model-id> --cut N --image FILE [--bits 8] [--rounding …] [--overflow …] [--size HxW] [--multipliers shift-add|dsp|dsp-largest-first] [--stall SEED] [--keep] [--json]';

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, [...QUANT_FLAGS, ...RTL_FLAGS, 'image', 'stall'], ['help', 'json', 'keep', ...QUANT_BOOLEANS]);
  if (a.flags.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const image = flagString(a, 'image');
  if (!image) throw new UsageError(`--image FILE is required\n${USAGE}`);
  const { program, title, cut } = programFromFlags(a);
  const entry = getModel(a.positionals[0]!);
  let frame = toFrame(decodeImageFile(image), entry.preprocessing).data;
  const { height: H, width: W } = program.input;
  if (frame.length !== H * W * 3) frame = cropFrame(frame, entry.preprocessing, H, W);
  const r = cosimBatch([{ program, frame, rtl: rtlOptionsFromFlags(a, program).rtl }], { stallSeed: flagInt(a, 'stall') ?? 0, keep: a.flags.has('keep'), cxxOpt: '-O1' });
  const res = r.results[0]!;
  let difference = res.difference;
  // the Wasm emulator: head output and counts
  const wasm = join(DIST_ROOT, 'dhm.wasm');
  let emulator: { perLayer: readonly { layer: string; firstOutput: number; total: number }[]; firstOutput: number; total: number } | undefined;
  if (existsSync(wasm)) {
    const { createEmulator } = await import('../../src/dhm/wasm');
    const emu = await createEmulator(readFileSync(wasm));
    const e = emu.run(program, frame);
    emulator = e.cycles;
    e.cycles.perLayer.forEach((c, i) => {
      const m = res.layers[i]!;
      if (c.firstOutput !== m.firstOutput || c.total !== m.total) difference ??= `layer ${i} '${c.layer}': RTL first output ${m.firstOutput}, total ${m.total}; emulator ${c.firstOutput}, ${c.total}`;
    });
    if (e.cycles.firstOutput !== res.head.firstOutput || e.cycles.total !== res.head.total) difference ??= `head: RTL first output ${res.head.firstOutput}, total ${res.head.total}; emulator ${e.cycles.firstOutput}, ${e.cycles.total}`;
  }
  const equal = difference === undefined;
  if (a.flags.has('json')) {
    console.log(JSON.stringify({ model: entry.id, cut, image, equal, difference, values: res.values, layers: res.layers, head: res.head, emulator, buildSeconds: r.buildSeconds, runSeconds: r.runSeconds, dir: a.flags.has('keep') ? r.dir : undefined }, null, 1));
    return equal ? 0 : 1;
  }
  console.log(`${title} — head at cut ${cut}, ${H}x${W} frame from ${image}; Verilator build ${r.buildSeconds.toFixed(1)} s, run ${r.runSeconds.toFixed(2)} s (measured here)`);
  console.log('layer                      RTL first/total      emulator first/total');
  res.layers.forEach((m, i) => {
    const e = emulator?.perLayer[i];
    console.log(`${m.layer.slice(0, 26).padEnd(26)} ${`${m.firstOutput}/${m.total}`.padEnd(20)} ${e ? `${e.firstOutput}/${e.total}` : '(dist/dhm.wasm not built)'}`);
  });
  console.log(`head (its cycle port)      ${`${res.head.firstOutput}/${res.head.total}`.padEnd(20)} ${emulator ? `${emulator.firstOutput}/${emulator.total}` : ''}`);
  console.log(`${res.values} output integers compared with the reference`);
  if (a.flags.has('keep')) console.log(`build folder kept: ${r.dir}`);
  console.log(equal ? 'equal' : `DIFFERENT: ${difference}`);
  return equal ? 0 : 1;
}

/** The centre H×W of a frame prepared at the model's size (for --size runs on a real image). */
function cropFrame(frame: Uint8Array, _prep: unknown, H: number, W: number): Uint8Array {
  const side = Math.round(Math.sqrt(frame.length / 3));
  if (H > side || W > side) throw new UsageError(`--size ${H}x${W} is larger than the prepared ${side}x${side} frame`);
  const y0 = (side - H) >> 1, x0 = (side - W) >> 1;
  const out = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++) out.set(frame.subarray(((y0 + y) * side + x0) * 3, ((y0 + y) * side + x0 + W) * 3), y * W * 3);
  return out;
}
