// dot16 datapath of the conv block (docs/datapath.md §3, docs/emulator.md): the window of an output pixel is gathered
// as i16 pairs and multiplied by i16 weight pairs with i32x4.dot_i16x8_s, i32 accumulation, 4 output channels per lane
// group; any groups. Chosen by src/dhm/wasm.ts when every code fits i16 and the worst-case |acc| < 2^31.

import { L_DH, L_DW, L_GROUPS, L_IN0, L_KH, L_KW, L_OUT, L_PACKED, L_PAD_L, L_PAD_T, L_OUT_NCHW, H_OUT_NCHW, L_SH, L_SW, H_SCRATCH, S_CHANNELS, S_DATA, S_HEIGHT, S_WIDTH, STATUS_OK, streamRec, word } from './stream';

import { windowI16 } from './window';
import { rq4, scaleOf, setupRq, storeOne, storePair } from './conv_lanes';

/** Bytes of the dot16 packed constants (must match {@link packDot16}). */
export function packedBytesDot16(inC: i32, outC: i32, groups: i32, kh: i32, kw: i32): i32 {
  const cinG = inC / groups, coutG = outC / groups;
  const T = (cinG * kh * kw + 1) >> 1, B = (coutG + 3) >> 2;
  return groups * B * (T + 3) * 16 + ((inC * 2 + 15) & ~15) + 32;
}

/** Packs a dot16 conv's weights (i16 pairs per lane), biases, f64 scales and pad codes into its packed region `p`. */
export function packDot16(layer: usize, inC: i32, outC: i32, groups: i32, kh: i32, kw: i32, w: usize, bias: usize, shift: usize, padV: usize, p: usize): i32 {
  const cinG = inC / groups, coutG = outC / groups;
  const fanIn = cinG * kh * kw;
  const T = (fanIn + 1) >> 1, B = (coutG + 3) >> 2;
  const wBase = p;
  const bBase = wBase + <usize>(groups * B * T * 16);
  const sBase = bBase + <usize>(groups * B * 16);
  const padBase = sBase + <usize>(groups * B * 32);
  for (let g = 0; g < groups; g++) {
    for (let b = 0; b < B; b++) {
      const blk = g * B + b;
      for (let l = 0; l < 4; l++) {
        const oc = 4 * b + l;
        const valid = oc < coutG;
        const o = g * coutG + oc;
        store<i32>(bBase + <usize>(blk * 16 + l * 4), valid ? load<i32>(bias + (<usize>o << 2)) : 0);
        store<f64>(sBase + <usize>(blk * 32 + l * 8), valid ? scaleOf(load<i32>(shift + (<usize>o << 2))) : 1.0);
        for (let t = 0; t < T; t++) {
          for (let h = 0; h < 2; h++) {
            const j = 2 * t + h; // tap index in (ky, kx, ci) order
            let wv: i32 = 0;
            if (valid && j < fanIn) {
              const ci = j % cinG, kk = j / cinG;
              const ky = kk / kw, kx = kk % kw;
              wv = load<i32>(w + (<usize>(((o * cinG + ci) * kh + ky) * kw + kx) << 2));
            }
            store<i16>(wBase + <usize>((blk * T + t) * 16 + l * 4 + h * 2), <i16>wv);
          }
        }
      }
    }
  }
  for (let c = 0; c < inC; c++) store<i16>(padBase + (<usize>c << 1), <i16>load<i32>(padV + (<usize>c << 2)));
  return STATUS_OK;
}

/** Computes a conv layer's output stream (HWC) on the dot16 datapath (packed by {@link packDot16}). */
export function convDot16(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const inC = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const groups = word(layer, L_GROUPS), kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH), dw = word(layer, L_DW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const cinG = inC / groups, coutG = outC / groups, fanIn = cinG * kh * kw;
  const T = (fanIn + 1) >> 1, B = (coutG + 3) >> 2;
  setupRq(layer, outS);
  const p = <usize>word(layer, L_PACKED);
  const wBase = p;
  const bBase = wBase + <usize>(groups * B * T * 16);
  const sBase = bBase + <usize>(groups * B * 16);
  const pad16 = sBase + <usize>(groups * B * 32);
  const patchA = <usize>word(prog, H_SCRATCH);
  const patchB = patchA + <usize>((T * 4 + 32 + 15) & ~15);
  // Output: HWC stream, or (final layer, nobody reads it) straight into the NCHW output buffer.
  const nchw = word(layer, L_OUT_NCHW) != 0;
  const N = outH * outW;
  const out = nchw ? <usize>word(prog, H_OUT_NCHW) : <usize>word(outS, S_DATA);
  const plane = <usize>N << 2;
  const chStride: usize = nchw ? plane : 4; // bytes between consecutive channels of one pixel
  const pixBytes: usize = nchw ? 4 : <usize>(outC << 2); // bytes between consecutive pixels of one channel
  const ts = <usize>(T * 16); // bytes between consecutive blocks' weights
  for (let oy = 0; oy < outH; oy++) {
    let ox = 0;
    // Two output pixels at a time: every weight vector loaded feeds two windows.
    for (; ox + 2 <= outW; ox += 2) {
      const pxA = out + <usize>(oy * outW + ox) * pixBytes;
      for (let g = 0; g < groups; g++) {
        windowI16(inS, g, cinG, oy, ox, kh, kw, sh, sw, dh, dw, padT, padL, pad16, patchA);
        windowI16(inS, g, cinG, oy, ox + 1, kh, kw, sh, sw, dh, dw, padT, padL, pad16, patchB);
        const dA = pxA + <usize>(g * coutG) * chStride;
        let b = 0;
        for (; b + 4 <= B; b += 4) {
          const blk = g * B + b;
          const bp = bBase + <usize>(blk * 16);
          let a0 = v128.load(bp), a1 = v128.load(bp, 16), a2 = v128.load(bp, 32), a3 = v128.load(bp, 48);
          let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            const o = <usize>(t << 2);
            const xa = v128.load32_splat(patchA + o);
            const xb = v128.load32_splat(patchB + o);
            const w0 = v128.load(wp), w1 = v128.load(wp + ts), w2 = v128.load(wp + 2 * ts), w3 = v128.load(wp + 3 * ts);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xa, w2));
            c2 = i32x4.add(c2, i32x4.dot_i16x8_s(xb, w2));
            a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xa, w3));
            c3 = i32x4.add(c3, i32x4.dot_i16x8_s(xb, w3));
            wp += 16;
          }
          const sp = sBase + <usize>(blk * 32);
          const d = dA + <usize>(b * 4) * chStride;
          const n = coutG - 4 * b;
          storePair(nchw, d, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), n);
          storePair(nchw, d + 4 * chStride, pixBytes, plane, rq4(a1, sp + 32), rq4(c1, sp + 32), n - 4);
          storePair(nchw, d + 8 * chStride, pixBytes, plane, rq4(a2, sp + 64), rq4(c2, sp + 64), n - 8);
          storePair(nchw, d + 12 * chStride, pixBytes, plane, rq4(a3, sp + 96), rq4(c3, sp + 96), n - 12);
        }
        for (; b + 2 <= B; b += 2) {
          const blk = g * B + b;
          const bp = bBase + <usize>(blk * 16);
          let a0 = v128.load(bp), a1 = v128.load(bp, 16);
          let c0 = a0, c1 = a1;
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            const o = <usize>(t << 2);
            const xa = v128.load32_splat(patchA + o);
            const xb = v128.load32_splat(patchB + o);
            const w0 = v128.load(wp), w1 = v128.load(wp + ts);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            wp += 16;
          }
          const sp = sBase + <usize>(blk * 32);
          const d = dA + <usize>(b * 4) * chStride;
          const n = coutG - 4 * b;
          storePair(nchw, d, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), n);
          storePair(nchw, d + 4 * chStride, pixBytes, plane, rq4(a1, sp + 32), rq4(c1, sp + 32), n - 4);
        }
        for (; b < B; b++) {
          const blk = g * B + b;
          let a0 = v128.load(bBase + <usize>(blk * 16));
          let c0 = a0;
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            const o = <usize>(t << 2);
            const w0 = v128.load(wp);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(patchA + o), w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load32_splat(patchB + o), w0));
            wp += 16;
          }
          const sp = sBase + <usize>(blk * 32);
          storePair(nchw, dA + <usize>(b * 4) * chStride, pixBytes, plane, rq4(a0, sp), rq4(c0, sp), coutG - 4 * b);
        }
      }
    }
    // Odd last pixel of the row.
    for (; ox < outW; ox++) {
      const px = out + <usize>(oy * outW + ox) * pixBytes;
      for (let g = 0; g < groups; g++) {
        windowI16(inS, g, cinG, oy, ox, kh, kw, sh, sw, dh, dw, padT, padL, pad16, patchA);
        const dst = px + <usize>(g * coutG) * chStride;
        for (let b = 0; b < B; b++) {
          const blk = g * B + b;
          let a0 = v128.load(bBase + <usize>(blk * 16));
          let wp = wBase + <usize>(blk * T * 16);
          for (let t = 0; t < T; t++) {
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(patchA + <usize>(t << 2)), v128.load(wp)));
            wp += 16;
          }
          storeOne(nchw, dst + <usize>(b * 4) * chStride, plane, rq4(a0, sBase + <usize>(blk * 32)), coutG - 4 * b);
        }
      }
    }
  }
  return STATUS_OK;
}
