// exact datapath of the conv block: i64 multiply-accumulate over the gathered window, any bit width — the reference
// semantics the SIMD datapaths must equal.

import { L_BIAS, L_DH, L_DW, L_GROUPS, L_IN0, L_KH, L_KW, L_OUT, L_OVERFLOW, L_PAD_L, L_PAD_T, L_PAD_VALUE, L_ROUNDING, L_SH, L_SHIFT, L_SW, L_WEIGHTS, L_ACTIVATION, H_SCRATCH, S_BITS, S_CHANNELS, S_DATA, S_HEIGHT, S_SIGNED, S_WIDTH, STATUS_OK, streamRec, word, outFracBits } from './stream';
import { activationHi, activationLo, requantize } from './requant';
import { windowExact } from './window';

/** Computes a conv layer's output stream (HWC) with i64 multiply-accumulate over the gathered window (any bit width). */
export function convExact(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const inC = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const groups = word(layer, L_GROUPS), kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH), dw = word(layer, L_DW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const cinG = inC / groups, coutG = outC / groups, fanIn = cinG * kh * kw;
  const w = <usize>word(layer, L_WEIGHTS), bias = <usize>word(layer, L_BIAS), shift = <usize>word(layer, L_SHIFT);
  const padV = <usize>word(layer, L_PAD_VALUE);
  const rounding = word(layer, L_ROUNDING), overflow = word(layer, L_OVERFLOW);
  const bits = word(outS, S_BITS), signed = word(outS, S_SIGNED) != 0;
  const act = word(layer, L_ACTIVATION);
  const frac = outFracBits(outS);
  const lo = activationLo(act, frac), hi = activationHi(act, frac);
  const patch = <usize>word(prog, H_SCRATCH);
  const out = <usize>word(outS, S_DATA);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const px = out + (<usize>((oy * outW + ox) * outC) << 2);
      for (let g = 0; g < groups; g++) {
        windowExact(inS, g, cinG, oy, ox, kh, kw, sh, sw, dh, dw, padT, padL, padV, patch);
        for (let oc = 0; oc < coutG; oc++) {
          const o = g * coutG + oc;
          let acc = <i64>load<i32>(bias + (<usize>o << 2));
          const wr = w + (<usize>(o * fanIn) << 2);
          for (let j = 0; j < fanIn; j++) {
            acc += load<i64>(patch + (<usize>j << 3)) * <i64>load<i32>(wr + (<usize>j << 2));
          }
          const y = requantize(acc, load<i32>(shift + (<usize>o << 2)), rounding, lo, hi, overflow, bits, signed);
          store<i32>(px + (<usize>o << 2), <i32>y);
        }
      }
    }
  }
  return STATUS_OK;
}
