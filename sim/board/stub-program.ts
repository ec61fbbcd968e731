/**
 * TEST-ONLY: the DhmProgram that the hand-written stand-in head (sim/board/stub/dhm_head.v) implements, used to
 * develop and test the board shell without a generated head: one `wire` layer that outputs input channels
 * [B, R, G, G, R] (5 × UFIXED<8,8>; latency 1 cycle, docs/datapath.md 9) on a `size`×`size` frame.
 */
import type { DhmProgram } from '../../src/dhm/program';

/** The stub program for a `size`×`size` input. */
export function stubProgram(size: number): DhmProgram {
  const u8 = { signed: false, bits: 8, intBits: 8 };
  return {
    version: 1,
    meta: { generator: 'sim/board/stub-program.ts', size },
    input: { id: 'input', channels: 3, height: size, width: size, format: u8 },
    streams: {
      input: { channels: 3, height: size, width: size, format: u8 },
      wire0: { channels: 5, height: size, width: size, format: u8 },
    },
    layers: [
      {
        kind: 'wire',
        name: 'wire0',
        output: 'wire0',
        op: 'slice',
        inputs: ['input'],
        sourceInput: Int32Array.from([0, 0, 0, 0, 0]),
        sourceChannel: Int32Array.from([2, 0, 1, 1, 0]),
        shifts: [0],
        rounding: 'floor',
        overflow: 'saturate',
      },
    ],
    output: 'wire0',
  } as DhmProgram;
}

/** `dhm_head_params.vh` for the stub head. */
export function stubHeadParams(size: number): string {
  return `\`define DHM_IN_H ${size}\n\`define DHM_IN_W ${size}\n\`define DHM_OUT_C 5\n\`define DHM_OUT_BITS 8\n\`define DHM_OUT_SIGNED 0\n\`define DHM_OUT_H ${size}\n\`define DHM_OUT_W ${size}\n`;
}
