// Residual add block: two streams of equal shape, each aligned to the output's fractional bits by a shift
// (right shift with the layer's rounding; left shift exact), then one adder, activation and the overflow
// stage (docs/datapath.md §Add). The earlier stream waits in a FIFO (stream.ts pointReady).

import { activationHi, activationLo, requantize, roundShiftRight } from './requant';
import {
  L_ACTIVATION, L_IN0, L_IN1, L_OUT, L_OVERFLOW, L_ROUNDING, L_SHIFT0, L_SHIFT1, S_BITS, S_CHANNELS, S_DATA,
  S_HEIGHT, S_SIGNED, S_WIDTH, STATUS_BAD_SHAPE, STATUS_OK, loadValue, outFracBits, streamRec, word,
} from './stream';

/** Register stages of the add block: alignment shifts (1) + adder/activation/overflow (1). */
export const ADD_LATENCY: i32 = 2;

/** Aligns a code by `s` bits: s > 0 rounding right shift, s <= 0 exact left shift (|s| <= 31, checked by the wrapper). */
// @ts-ignore: decorator
@inline export function align(v: i64, s: i32, rounding: i32): i64 {
  if (s > 0) return roundShiftRight(v, s, rounding);
  return v << (-s);
}

/** Computes the values of an add layer's output stream (HWC). */
export function addValues(prog: usize, layer: usize): i32 {
  const a = streamRec(prog, word(layer, L_IN0)), b = streamRec(prog, word(layer, L_IN1));
  const outS = streamRec(prog, word(layer, L_OUT));
  const n = word(outS, S_HEIGHT) * word(outS, S_WIDTH) * word(outS, S_CHANNELS);
  if (word(a, S_HEIGHT) * word(a, S_WIDTH) * word(a, S_CHANNELS) != n) return STATUS_BAD_SHAPE;
  if (word(b, S_HEIGHT) * word(b, S_WIDTH) * word(b, S_CHANNELS) != n) return STATUS_BAD_SHAPE;
  const sa = word(layer, L_SHIFT0), sb = word(layer, L_SHIFT1);
  const rounding = word(layer, L_ROUNDING), overflow = word(layer, L_OVERFLOW);
  const act = word(layer, L_ACTIVATION);
  const frac = outFracBits(outS);
  const lo = activationLo(act, frac), hi = activationHi(act, frac);
  const bits = word(outS, S_BITS), signed = word(outS, S_SIGNED) != 0;
  const asg = word(a, S_SIGNED) != 0, bsg = word(b, S_SIGNED) != 0;
  const pa = <usize>word(a, S_DATA), pb = <usize>word(b, S_DATA), po = <usize>word(outS, S_DATA);
  for (let i = 0; i < n; i++) {
    const off = <usize>i << 2;
    const s = align(loadValue(pa + off, asg), sa, rounding) + align(loadValue(pb + off, bsg), sb, rounding);
    store<i32>(po + off, <i32>requantize(s, 0, rounding, lo, hi, overflow, bits, signed));
  }
  return STATUS_OK;
}
