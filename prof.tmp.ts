import { readFileSync } from 'node:fs';
import { createEmulator } from './src/dhm/wasm';
import { buildHead, SAMPLE_IMAGES } from './bench/heads';
import { getModel, type ModelId } from './src/models/registry';
const which = (process.argv[2] ?? 'squeezenet1.1:1').split(',');
const emu = await createEmulator(readFileSync(process.env.W ?? 'dist/dhm.wasm'));
const imgs = SAMPLE_IMAGES.map((f) => readFileSync('models/images/' + f));
for (const w of which) {
  const [m, c] = w.split(':');
  const h = buildHead(m as ModelId, Number(c), new Uint8Array(readFileSync('models/' + getModel(m!).file.path)), imgs);
  const out = new Int32Array(h.program.streams[h.program.output]!.channels * h.program.streams[h.program.output]!.height * h.program.streams[h.program.output]!.width);
  for (let i = 0; i < 20; i++) emu.run(h.program, h.frame, { output: out });
  const n = Number(process.argv[3] ?? 200);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) emu.run(h.program, h.frame, { output: out });
  console.log(h.label, ((performance.now() - t0) / n).toFixed(3), 'ms/run');
}
