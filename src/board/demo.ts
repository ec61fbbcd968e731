/**
 * A small hand-built DHM program for exercising the board link when no compiled model is at hand (self-test,
 * link tests, the page's "simulated board" before a model is loaded), and the compute adapters the simulator takes.
 * The program is a plausible first layer — conv 3→`outChannels` 3x3, stride 2, pad 1, ReLU, 8-bit output
 * (the MobileNetV2 / ShuffleNetV2 stem geometry) — with deterministic pseudo-random weights. Its numbers are
 * test data, not a trained model.
 */
import type { DhmProgram } from '../dhm/program';
import { runReference } from '../dhm/reference';
import type { BoardCompute } from './simulator';

/** Reference-executor compute for the simulator (src/dhm/reference.ts). */
export const referenceCompute: BoardCompute = (program, frame) => runReference(program, frame.data);

/** Compute from any emulator with `run(program, frameHwc)` (e.g. src/dhm/wasm.ts's DhmEmulator). */
export function emulatorCompute(emulator: { run(program: DhmProgram, frame: Uint8Array): { output: Int32Array; cycles: import('../dhm/program').HeadCycles } }): BoardCompute {
  return (program, frame) => emulator.run(program, frame.data);
}

/**
 * The demo program: input `size`×`size` RGB (UFIXED<8,8>), conv 3→outChannels 3x3 s2 p1 with FIXED<8,1> weights,
 * bias, shift 9, ReLU, output UFIXED<8,4> (NCHW `outChannels × ceil(size/2) × ceil(size/2)`), half-even rounding,
 * saturation. `seed` changes weights and biases (a different seed = a different program hash).
 */
export function demoProgram(size = 224, outChannels = 16, seed = 1): DhmProgram {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 8;
  };
  const cg = 3;
  const weights = new Int32Array(outChannels * cg * 9);
  for (let i = 0; i < weights.length; i++) weights[i] = (rnd() % 255) - 127;
  const bias = new Int32Array(outChannels);
  for (let i = 0; i < outChannels; i++) bias[i] = (rnd() % 20001) - 10000;
  const shift = new Int32Array(outChannels).fill(9);
  const out = Math.floor((size + 2 - 3) / 2) + 1;
  return {
    version: 1,
    meta: { generator: 'src/board/demo.ts', size, outChannels, seed },
    input: { id: 'input', channels: 3, height: size, width: size, format: { signed: false, bits: 8, intBits: 8 } },
    streams: {
      input: { channels: 3, height: size, width: size, format: { signed: false, bits: 8, intBits: 8 } },
      conv0: { channels: outChannels, height: out, width: out, format: { signed: false, bits: 8, intBits: 4 } },
    },
    layers: [
      {
        kind: 'conv',
        name: 'conv0',
        output: 'conv0',
        input: 'input',
        inChannels: 3,
        outChannels,
        kernelH: 3,
        kernelW: 3,
        strideH: 2,
        strideW: 2,
        dilationH: 1,
        dilationW: 1,
        padTop: 1,
        padLeft: 1,
        padBottom: 1,
        padRight: 1,
        groups: 1,
        padValue: new Int32Array(3),
        weights,
        weightFormat: { signed: true, bits: 8, intBits: 1 },
        bias,
        shift,
        rounding: 'half-even',
        overflow: 'saturate',
        activation: 'relu',
        weightQuant: 'pow2',
      },
    ],
    output: 'conv0',
  };
}

/** A deterministic test frame (HWC RGB bytes) of a given size: smooth gradients plus a seeded pattern. */
export function demoFrame(height: number, width: number, seed = 7): { readonly width: number; readonly height: number; readonly data: Uint8Array } {
  const data = new Uint8Array(height * width * 3);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const o = (y * width + x) * 3;
      data[o] = (x * 255) / Math.max(1, width - 1);
      data[o + 1] = (y * 255) / Math.max(1, height - 1);
      data[o + 2] = (s >>> 16) & 0xff;
    }
  }
  return { width, height, data };
}
