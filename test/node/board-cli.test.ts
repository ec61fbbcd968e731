/**
 * Board-link CLI commands and the emulator-backed board: `serial-selftest --json`, `golden` on a real model head
 * (SqueezeNet 1.1, cut 0, the shared cat image), and cross-check of the Wasm emulator against a simulated board whose
 * compute is the same emulator. Needs the build (dist/dhm.wasm) and the provisioned models (`npm run models`).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crossCheck } from '../../src/board/crosscheck';
import { wasmInProcessBackend } from '../../src/pipeline/backends';
import { demoFrame, demoProgram, emulatorCompute } from '../../src/board/demo';
import { FakeSerialLink } from '../../src/board/fake-port';
import { SerialBoardBackend } from '../../src/board/serial-backend';
import { BoardSimulator } from '../../src/board/simulator';
import { createEmulator } from '../../src/dhm/wasm';
import { randomFrame, randomProgram } from '../../src/dhm/random';
import { emulatorWasmPath, freshDistWasm } from './helpers/wasm';
import { captureLog } from './helpers/capture';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Run a CLI command module's `run()` capturing console.log output. */
const capture = (load: () => Promise<{ run(argv: string[]): Promise<number> }>, argv: string[]) => captureLog(async () => (await load()).run(argv));

describe('board CLI', () => {
  it('serial-selftest --json: exit 0, every fault observed on the link with its specific outcome and a successful next run', async () => {
    const { code, out } = await capture(() => import('../../cli/commands/serial-selftest'), ['--json']);
    const r = JSON.parse(out);
    assert.equal(code, 0, out.slice(0, 2000));
    assert.equal(r.failed, 0);
    assert.equal(r.cases.length, 12);
    for (const c of r.cases) {
      assert.equal(typeof c.injected, 'string');
      assert.ok(c.injected.length > 10, `${c.fault}: injected described`);
      assert.equal(typeof c.reported, 'string');
      assert.equal(c.nextRunOk, true, `${c.fault}: next run`);
      assert.equal(c.fired, true, `${c.fault}: observed on the link (${c.evidence})`);
      assert.equal(c.specificOk, true, `${c.fault}: ${c.specific}`);
    }
  });

  it('golden squeezenet1.1 --cut 0: files written, expected sha256 = sha256(expected-0.i32) = the Wasm emulator\'s output, replay bit-identical', { timeout: 300_000 }, async () => {
    freshDistWasm(); // golden and emulate load dist/dhm.wasm themselves
    const out = mkdtempSync(join(tmpdir(), 'golden-'));
    try {
      const { code, out: text } = await capture(() => import('../../cli/commands/golden'), ['squeezenet1.1', '--cut', '0', '--image', join(ROOT, 'models', 'images', 'cat.bmp'), '--out', out, '--json']);
      assert.equal(code, 0, text.slice(-2000));
      const j = JSON.parse(text.slice(text.indexOf('{')));
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      const v = manifest.vectors[0];
      assert.deepEqual(v.expected.shape, [1, 64, 111, 111]);
      assert.equal(v.expected.sha256, createHash('sha256').update(readFileSync(join(out, v.expected.file))).digest('hex'));
      assert.equal(j.vectors[0].sha256, v.expected.sha256);
      assert.equal(manifest.program.hash, createHash('sha256').update(readFileSync(join(out, 'program.canon'))).digest('hex'));
      assert.equal(readFileSync(join(out, v.input.file)).length, 224 * 224 * 3);
      assert.equal(readFileSync(join(out, v.packed.file)).length, 64 * 111 * 111);
      assert.equal(j.replay[0].bitIdentical, true);
      assert.equal(v.cycles.total, manifest.program.formulaCycles.total, 'run cycles equal the formula');
      // The golden checksum is the one `hybrid-dhm emulate … --json` prints for the same model, cut and image.
      const em = await capture(() => import('../../cli/commands/emulate'), ['squeezenet1.1', '--cut', '0', '--image', join(ROOT, 'models', 'images', 'cat.bmp'), '--backend', 'wasm', '--json']);
      assert.equal(em.code, 0, em.out.slice(-2000));
      assert.equal(JSON.parse(em.out.slice(em.out.indexOf('{'))).sha256, v.expected.sha256, 'golden sha256 = emulate --json sha256');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('cross-check: Wasm emulator vs simulated board backed by the Wasm emulator', () => {
  it('bit-identical on a demo stem and random multi-layer programs', async () => {
    const wasmBytes = readFileSync(emulatorWasmPath());
    const emu = await createEmulator(wasmBytes);
    const host = await wasmInProcessBackend(wasmBytes);
    const compute = emulatorCompute(emu);
    const cases = [{ program: demoProgram(64, 8), frame: demoFrame(64, 64) }, ...[3, 4, 5].map((s) => {
      const program = randomProgram(s, { maxSize: 14, steps: 3 });
      return { program, frame: { width: program.input.width, height: program.input.height, data: randomFrame(s, program.input.height, program.input.width) } };
    })];
    for (const { program, frame } of cases) {
      const link = new FakeSerialLink({ pacing: 'virtual' });
      const sim = new BoardSimulator(link.board, { program, compute });
      const board = new SerialBoardBackend(link.host, { clock: link.hostClock, clockKind: 'simulated-line', linkName: 'fake serial' });
      try {
        const r = await crossCheck(program, frame, host, board);
        assert.equal(r.bitIdentical, true, `first difference ${JSON.stringify(r.firstDifference)}`);
        assert.equal(r.sameCycles, true);
        assert.equal(r.sameFormat, true);
      } finally {
        await board.dispose();
        link.shutdown();
        await sim.stop();
      }
    }
  });
});
