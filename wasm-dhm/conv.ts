// Convolution block: constant multipliers (one per weight), the adder tree with the bias as one more leaf, and
// the re-quantisation stage (requant.ts) — docs/datapath.md §3. Four datapaths compute the same integers:
//   mode 0 (exact):  i64 multiply-accumulate, any bit width (the reference semantics);
//   mode 1 (dot16):  window gathered per output pixel as i16 pairs x i16 weights with i32x4.dot_i16x8_s,
//                    i32 accumulation, 4 output channels per lane group; chosen by src/dhm/wasm.ts when every code
//                    fits i16 and the worst-case |acc| < 2^31;
//   mode 2 (dw32):   depthwise (one input channel per output channel), i32x4 lanes = 4 channels, i32x4.mul;
//                    chosen when the worst-case |acc| < 2^31;
//   mode 3 (rows16): as dot16 for groups = 1, dilationW = 1, windows read in place from a padded i16 image.
// Adder-tree arithmetic is exact integer addition, so accumulation order cannot change a result in any mode.
// One file per datapath: conv_exact.ts, conv_dot16.ts, conv_dw32.ts, conv_rows16.ts (shared lane helpers: conv_lanes.ts);
// this file chooses between them.

import { L_GROUPS, L_IN0, L_KH, L_KW, L_MODE, L_OUT, L_PACKED, L_PACKED_BYTES, L_PAD_VALUE, L_BIAS, L_SHIFT, L_WEIGHTS, S_CHANNELS, STATUS_OK, STATUS_BAD_PARAM, streamRec, word, clog2 } from './stream';
import { convExact } from './conv_exact';
import { convDot16, packDot16, packedBytesDot16 } from './conv_dot16';
import { convDw32, packDw32, packedBytesDw32 } from './conv_dw32';
import { convRows16, packRows16, packedBytesRows16 } from './conv_rows16';

export { paddedImageBytes } from './conv_rows16';

// The datapath codes (L_MODE values) are defined in abi.ts.
import { MODE_DOT16, MODE_DW32, MODE_EXACT, MODE_ROWS16 } from './abi';
export { MODE_DOT16, MODE_DW32, MODE_EXACT, MODE_ROWS16 };

/** Register stages of a conv block: multipliers (1) + adder tree over fanIn products and the bias (ceil(log2(fanIn+1))) + re-quantisation (1). */
export function convLatency(layer: usize, inC: i32): i32 {
  const fanIn = (inC / word(layer, L_GROUPS)) * word(layer, L_KH) * word(layer, L_KW);
  return 1 + clog2(fanIn + 1) + 1;
}

/** Bytes of packed constants the fast path of `mode` needs (must match `packConv`). */
export function packedBytes(mode: i32, inC: i32, outC: i32, groups: i32, kh: i32, kw: i32): i32 {
  if (mode == MODE_DOT16) return packedBytesDot16(inC, outC, groups, kh, kw);
  if (mode == MODE_DW32) return packedBytesDw32(outC, kh, kw);
  if (mode == MODE_ROWS16) return packedBytesRows16(inC, outC, kh, kw);
  return 0;
}

/** Packs the constant weights, biases, scales and pad codes of a fast-path conv layer into its packed region. */
export function packConv(prog: usize, layer: usize): i32 {
  const mode = word(layer, L_MODE);
  assert(mode >= MODE_EXACT && mode <= MODE_ROWS16, 'unknown conv datapath');
  assert(word(layer, L_PACKED_BYTES) >= packedBytes(mode, word(streamRec(prog, word(layer, L_IN0)), S_CHANNELS),
    word(streamRec(prog, word(layer, L_OUT)), S_CHANNELS), word(layer, L_GROUPS), word(layer, L_KH), word(layer, L_KW)),
    'packed region too small');
  if (mode == MODE_EXACT) return STATUS_OK;
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const inC = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const groups = word(layer, L_GROUPS), kh = word(layer, L_KH), kw = word(layer, L_KW);
  const w = <usize>word(layer, L_WEIGHTS), bias = <usize>word(layer, L_BIAS), shift = <usize>word(layer, L_SHIFT);
  const padV = <usize>word(layer, L_PAD_VALUE);
  const p = <usize>word(layer, L_PACKED);
  if (mode == MODE_DOT16) return packDot16(layer, inC, outC, groups, kh, kw, w, bias, shift, padV, p);
  if (mode == MODE_ROWS16) return packRows16(layer, inC, outC, groups, kh, kw, w, bias, shift, padV, p);
  if (mode == MODE_DW32) return packDw32(layer, inC, outC, groups, kh, kw, w, bias, shift, padV, p);
  return STATUS_BAD_PARAM;
}

/** Computes the values of a conv layer's output stream (HWC). Timing is done by the caller (stream.ts). */
export function convValues(prog: usize, layer: usize): i32 {
  const mode = word(layer, L_MODE);
  if (mode == MODE_DOT16) return convDot16(prog, layer);
  if (mode == MODE_DW32) return convDw32(prog, layer);
  if (mode == MODE_ROWS16) return convRows16(prog, layer);
  return convExact(prog, layer);
}
