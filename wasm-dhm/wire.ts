// Wiring block: Concat, channel Split/Slice and channel shuffle are pure wiring in hardware. Each output
// channel is one channel of one input stream, aligned to the output format by that input's shift (right
// shift with the layer's rounding, or exact left shift) and passed through the overflow stage; one output
// register (docs/datapath.md §Wire).

import { formatMax, formatMin, i64MaxNone, i64MinNone, requantize } from './requant';
import {
  H_SCRATCH, L_BIAS, L_NUM_INPUTS, L_OUT, L_OVERFLOW, L_PAD_VALUE, L_ROUNDING, L_SHIFT, L_WEIGHTS, S_BITS, S_CHANNELS,
  S_DATA, S_HEIGHT, S_SIGNED, S_WIDTH, STATUS_BAD_PARAM, STATUS_BAD_SHAPE, STATUS_OK, loadValue, setWord, streamRec, word,
} from './stream';

/** Register stages of the wiring block: one output register. */
export const WIRE_LATENCY: i32 = 1;

/** Per output channel, the source word offset within a source pixel and the source's pixel stride; scratch layout. */
const WIRE_SRC_BASE: i32 = 0; // usize: address of the source stream's channel word of pixel 0
const WIRE_SRC_STRIDE: i32 = 1; // bytes per source pixel
const WIRE_SHIFT: i32 = 2;
const WIRE_SIGNED: i32 = 3;
const WIRE_COPY: i32 = 4; // 1: shift 0 and the source range fits the output range: the value passes unchanged
const WIRE_WORDS: i32 = 5;

/**
 * Computes the values of a wire layer's output stream (HWC), pixel by pixel (all streams read and written in raster
 * order). A channel whose shift is 0 and whose source format fits the output format is pure wiring (copied);
 * others go through the exact `requantize` (alignment shift with rounding, then overflow).
 */
export function wireValues(prog: usize, layer: usize): i32 {
  const outS = streamRec(prog, word(layer, L_OUT));
  const C = word(outS, S_CHANNELS), n = word(outS, S_HEIGHT) * word(outS, S_WIDTH);
  const srcIn = <usize>word(layer, L_WEIGHTS), srcCh = <usize>word(layer, L_BIAS);
  const shifts = <usize>word(layer, L_SHIFT), ins = <usize>word(layer, L_PAD_VALUE);
  const numIn = word(layer, L_NUM_INPUTS);
  const rounding = word(layer, L_ROUNDING), overflow = word(layer, L_OVERFLOW);
  const bits = word(outS, S_BITS), signed = word(outS, S_SIGNED) != 0;
  const lo = formatMin(bits, signed), hi = formatMax(bits, signed);
  const po = <usize>word(outS, S_DATA);
  const tab = <usize>word(prog, H_SCRATCH); // C x WIRE_WORDS i32 (the wrapper sizes scratch for it)
  for (let j = 0; j < C; j++) {
    const k = load<i32>(srcIn + (<usize>j << 2));
    if (k < 0 || k >= numIn) return STATUS_BAD_PARAM;
    const s = streamRec(prog, load<i32>(ins + (<usize>k << 2)));
    const sc = word(s, S_CHANNELS);
    const ch = load<i32>(srcCh + (<usize>j << 2));
    if (ch < 0 || ch >= sc) return STATUS_BAD_PARAM;
    if (word(s, S_HEIGHT) * word(s, S_WIDTH) != n) return STATUS_BAD_SHAPE;
    const shift = load<i32>(shifts + (<usize>k << 2));
    const sBits = word(s, S_BITS), sSigned = word(s, S_SIGNED) != 0;
    const fits = formatMin(sBits, sSigned) >= lo && formatMax(sBits, sSigned) <= hi;
    const t = tab + (<usize>(j * WIRE_WORDS) << 2);
    setWord(t, WIRE_SRC_BASE, <i32>(<usize>word(s, S_DATA) + (<usize>ch << 2)));
    setWord(t, WIRE_SRC_STRIDE, sc << 2);
    setWord(t, WIRE_SHIFT, shift);
    setWord(t, WIRE_SIGNED, sSigned ? 1 : 0);
    setWord(t, WIRE_COPY, shift == 0 && fits ? 1 : 0);
  }
  for (let p = 0; p < n; p++) {
    const dst = po + (<usize>(p * C) << 2);
    for (let j = 0; j < C; j++) {
      const t = tab + (<usize>(j * WIRE_WORDS) << 2);
      const src = <usize>word(t, WIRE_SRC_BASE) + <usize>p * <usize>word(t, WIRE_SRC_STRIDE);
      if (word(t, WIRE_COPY) != 0) {
        store<i32>(dst + (<usize>j << 2), load<i32>(src));
      } else {
        const v = loadValue(src, word(t, WIRE_SIGNED) != 0);
        store<i32>(dst + (<usize>j << 2),
          <i32>requantize(v, word(t, WIRE_SHIFT), rounding, i64MinNone, i64MaxNone, overflow, bits, signed));
      }
    }
  }
  return STATUS_OK;
}
