// dw32 datapath of the conv block: depthwise (one input channel per output channel), i32 accumulators. Chosen by
// src/dhm/wasm.ts when the worst-case |acc| < 2^31. Two variants computing the same integers: dw16 (codes and weights
// fit i16, channels a multiple of 8: 8 channels per step with exact i16×i16→i32 products from the padded i16 image)
// and the i32 lanes (4 channels per step, i32x4.mul) otherwise.

import { H_SCRATCH, H_SCRATCH_BYTES, L_DH, L_DW, L_IN0, L_KH, L_KW, L_OUT, L_PACKED, L_PAD_B, L_PAD_L, L_PAD_R, L_PAD_T, L_PAD_VALUE, L_SH, L_SW, S_BITS, S_CHANNELS, S_DATA, S_HEIGHT, S_SIGNED, S_WIDTH, STATUS_OK, STATUS_BAD_PARAM, streamRec, word } from './stream';
import { rowAddress } from './line_buffer';
import { padImage, paddedImageBytes } from './window';
import { rq4l, rqFastOn, rqHalfV, rqHiV, rqLoV, rqShift, scaleOf, setupRq } from './conv_lanes';

/** Bytes of the dw32 packed constants (must match {@link packDw32}): i32 weights, bias, f64 scales, pad codes, then the
 * i16 section of the dw16 variant (a flag word + slack, i16 weights). */
export function packedBytesDw32(outC: i32, kh: i32, kw: i32): i32 {
  const Cp = (outC + 3) & ~3;
  const pairs = (kh * kw + 1) >> 1;
  return (kh * kw * Cp + Cp) * 4 + Cp * 8 + Cp * 4 + 16 + pairs * Cp * 4 + kh * kw * 4 + 16 + (kh * kw == 9 ? DW3_BYTES_PER_CHANNEL * Cp + 16 : 0);
}

/** Bytes per (padded) channel of the 3x3 two-pixel weight patterns (3 rows x 4 patterns x one i16 pair). */
const DW3_BYTES_PER_CHANNEL: i32 = 48;

/**
 * Start of the 3x3 two-pixel weight patterns in a dw32 packed region (16-byte aligned, after the tap offsets): per
 * kernel row ky and pattern j, per channel c, one i16 pair at ((ky·4 + j)·Cp + c)·4 — the pairs a two-pixel step
 * multiplies the interleaved columns (x0, x0+1) and (x0+2, x0+3) by: pixel A (w0, w1), (w2, 0); pixel B (0, w0), (w1, w2).
 */
function dw3Patterns(p: usize, Cp: i32, taps: i32): usize {
  const pairs = (taps + 1) >> 1;
  const offs = p + <usize>((taps * Cp + Cp) * 4 + Cp * 8 + Cp * 4 + 16 + pairs * Cp * 4);
  return (offs + <usize>(taps * 4 + 16) + 15) & ~(<usize>15);
}

/** Packs a depthwise conv's i32 weights (tap-major, channel lanes), biases, f64 scales and pad codes into `p`. */
export function packDw32(layer: usize, inC: i32, outC: i32, groups: i32, kh: i32, kw: i32, w: usize, bias: usize, shift: usize, padV: usize, p: usize): i32 {
  const cinG = inC / groups, coutG = outC / groups;
  if (cinG != 1 || coutG != 1) return STATUS_BAD_PARAM;
  const Cp = (outC + 3) & ~3;
  const taps = kh * kw;
  const wBase = p;
  const bBase = wBase + <usize>(taps * Cp * 4);
  const sBase = bBase + <usize>(Cp * 4);
  const padBase = sBase + <usize>(Cp * 8);
  for (let c = 0; c < Cp; c++) {
    const valid = c < outC;
    for (let t = 0; t < taps; t++) {
      store<i32>(wBase + <usize>((t * Cp + c) * 4), valid ? load<i32>(w + (<usize>(c * taps + t) << 2)) : 0);
    }
    store<i32>(bBase + <usize>(c * 4), valid ? load<i32>(bias + (<usize>c << 2)) : 0);
    store<f64>(sBase + <usize>(c * 8), valid ? scaleOf(load<i32>(shift + (<usize>c << 2))) : 1.0);
    store<i32>(padBase + <usize>(c * 4), valid ? load<i32>(padV + (<usize>c << 2)) : 0);
  }
  // dw16 section: whether every weight fits i16, then the weights as i16 in tap pairs — per pair p, per channel c, the
  // two words [w(c, 2p), w(c, 2p+1)] (0 past the last tap), the operand layout of i32x4.dot_i16x8_s — then room for the
  // taps' byte offsets into the padded image (written by convDw32)
  const flag = padBase + <usize>(Cp * 4);
  const w16 = flag + 16;
  const pairs = (taps + 1) >> 1;
  let fits: i32 = 1;
  for (let c = 0; c < Cp; c++) {
    for (let t = 0; t < 2 * pairs; t++) {
      const v = c < outC && t < taps ? load<i32>(w + (<usize>(c * taps + t) << 2)) : 0;
      if (v < -32768 || v > 32767) fits = 0;
      store<i16>(w16 + <usize>(((t >> 1) * Cp + c) * 4 + (t & 1) * 2), <i16>v);
    }
  }
  store<i32>(flag, fits);
  if (taps == 9) {
    const pat = dw3Patterns(p, Cp, taps);
    for (let ky = 0; ky < 3; ky++) {
      for (let c = 0; c < Cp; c++) {
        const w0 = c < outC ? load<i32>(w + (<usize>(c * taps + ky * 3) << 2)) : 0;
        const w1 = c < outC ? load<i32>(w + (<usize>(c * taps + ky * 3 + 1) << 2)) : 0;
        const w2 = c < outC ? load<i32>(w + (<usize>(c * taps + ky * 3 + 2) << 2)) : 0;
        const q = pat + <usize>((ky * 4 * Cp + c) * 4);
        const j = <usize>(Cp * 4);
        store<i16>(q, <i16>w0); store<i16>(q, <i16>w1, 2);
        store<i16>(q + j, <i16>w2); store<i16>(q + j, 0, 2);
        store<i16>(q + 2 * j, 0); store<i16>(q + 2 * j, <i16>w0, 2);
        store<i16>(q + 3 * j, <i16>w1); store<i16>(q + 3 * j, <i16>w2, 2);
      }
    }
  }
  return STATUS_OK;
}

/** Computes a depthwise conv layer's output stream (HWC) on the dw32 datapath (packed by {@link packDw32}). */
export function convDw32(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const C = word(outS, S_CHANNELS);
  const inW = word(inS, S_WIDTH);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH), dw = word(layer, L_DW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const Cp = (C + 3) & ~3, taps = kh * kw;
  setupRq(layer, outS);
  const rf = rqFastOn(), rHalf = rqHalfV(), rS = rqShift(), rLo = rqLoV(), rHi = rqHiV();
  const p = <usize>word(layer, L_PACKED);
  const wBase = p;
  const bBase = wBase + <usize>(taps * Cp * 4);
  const sBase = bBase + <usize>(Cp * 4);
  const padBase = sBase + <usize>(Cp * 8);
  const out = <usize>word(outS, S_DATA);
  const inH = word(inS, S_HEIGHT);
  // dw16: 8 channels per step, two taps at a time: i16 codes of taps (a, b) interleaved per channel and multiplied by
  // the weight pairs with i32x4.dot_i16x8_s (exact: each pair's sum is bounded by the worst-case |acc| < 2^31), i32
  // accumulators,
  // windows read from the padded i16 image (no bounds tests) — when every code fits i16, C is a multiple of 8 and the
  // wrapper reserved the padded image in scratch. Same integers as the i32 lanes below (exact products and sums).
  const inBits = word(inS, S_BITS);
  const inFits16 = word(inS, S_SIGNED) != 0 ? inBits <= 16 : inBits <= 15;
  const padB = word(layer, L_PAD_B), padR = word(layer, L_PAD_R);
  if (C % 8 == 0 && inFits16 && load<i32>(padBase + <usize>(Cp * 4)) != 0
    && word(prog, H_SCRATCH_BYTES) >= paddedImageBytes(inH, inW, C, padT, padL, padB, padR)) {
    const img = <usize>word(prog, H_SCRATCH);
    padImage(inS, <usize>word(layer, L_PAD_VALUE), padT, padL, padB, padR, img);
    const w16 = padBase + <usize>(Cp * 4) + 16;
    const Wp = inW + padL + padR;
    const pix2 = <usize>(C << 1);
    const imgRow = <usize>Wp * pix2;
    const opix = <usize>(C << 2);
    const taps = kh * kw, pairs = (taps + 1) >> 1;
    // byte offset of every tap in the padded image, relative to the window's top-left; a missing last tap of an odd
    // count reads tap 0 again (its weight is 0)
    const offs = w16 + <usize>(pairs * Cp * 4);
    for (let t = 0; t < 2 * pairs; t++) {
      const tt = t < taps ? t : 0;
      store<i32>(offs + (<usize>t << 2), <i32>(<usize>((tt / kw) * dh) * imgRow + <usize>((tt % kw) * dw) * pix2));
    }
    const wStep = <usize>(Cp << 2);
    // 3x3, horizontal stride 1: two horizontally adjacent output pixels per step share the interleaved input columns
    // (x0, x0+1) and (x0+2, x0+3) of each window row; the weight patterns of dw3Patterns give each pixel its three taps
    // (a 0 weight where a pair holds a column outside its window). Same exact products and sums.
    const two = taps == 9 && kw == 3 && sw == 1 && dw == 1;
    const pat = two ? dw3Patterns(p, Cp, taps) : 0;
    const patStep = <usize>(Cp << 2);
    const kyStep = <usize>dh * imgRow;
    for (let oy = 0; oy < outH; oy++) {
      const rowA = img + <usize>(oy * sh) * imgRow;
      let ox = 0;
      if (two) for (; ox + 2 <= outW; ox += 2) {
        const win = rowA + <usize>ox * pix2;
        const px = out + <usize>(oy * outW + ox) * opix;
        for (let c = 0; c < C; c += 8) {
          let la = v128.load(bBase + (<usize>c << 2)), ha = v128.load(bBase + (<usize>c << 2), 16);
          let lb = la, hb = ha;
          let r = win + (<usize>c << 1);
          let q = pat + (<usize>c << 2);
          for (let ky = 0; ky < 3; ky++) {
            const x0 = v128.load(r), x1 = v128.load(r + pix2), x2 = v128.load(r + 2 * pix2), x3 = v128.load(r + 3 * pix2);
            const i01l = i8x16.shuffle(x0, x1, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
            const i01h = i8x16.shuffle(x0, x1, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
            const i23l = i8x16.shuffle(x2, x3, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
            const i23h = i8x16.shuffle(x2, x3, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
            la = i32x4.add(la, i32x4.add(i32x4.dot_i16x8_s(i01l, v128.load(q)), i32x4.dot_i16x8_s(i23l, v128.load(q + patStep))));
            ha = i32x4.add(ha, i32x4.add(i32x4.dot_i16x8_s(i01h, v128.load(q, 16)), i32x4.dot_i16x8_s(i23h, v128.load(q + patStep, 16))));
            lb = i32x4.add(lb, i32x4.add(i32x4.dot_i16x8_s(i01l, v128.load(q + 2 * patStep)), i32x4.dot_i16x8_s(i23l, v128.load(q + 3 * patStep))));
            hb = i32x4.add(hb, i32x4.add(i32x4.dot_i16x8_s(i01h, v128.load(q + 2 * patStep, 16)), i32x4.dot_i16x8_s(i23h, v128.load(q + 3 * patStep, 16))));
            r += kyStep;
            q += 4 * patStep;
          }
          v128.store(px + (<usize>c << 2), rq4l(la, sBase + (<usize>c << 3), rf, rHalf, rS, rLo, rHi));
          v128.store(px + (<usize>c << 2), rq4l(ha, sBase + (<usize>(c + 4) << 3), rf, rHalf, rS, rLo, rHi), 16);
          v128.store(px + opix + (<usize>c << 2), rq4l(lb, sBase + (<usize>c << 3), rf, rHalf, rS, rLo, rHi));
          v128.store(px + opix + (<usize>c << 2), rq4l(hb, sBase + (<usize>(c + 4) << 3), rf, rHalf, rS, rLo, rHi), 16);
        }
      }
      for (; ox < outW; ox++) {
        const win = rowA + <usize>(ox * sw) * pix2;
        const px = out + <usize>(oy * outW + ox) * opix;
        for (let c = 0; c < C; c += 8) {
          let lo = v128.load(bBase + (<usize>c << 2)), hi = v128.load(bBase + (<usize>c << 2), 16);
          let wq = w16 + (<usize>c << 2);
          const base = win + (<usize>c << 1);
          for (let p = 0; p < pairs; p++) {
            const xa = v128.load(base + <usize>load<i32>(offs + (<usize>p << 3)));
            const xb = v128.load(base + <usize>load<i32>(offs + (<usize>p << 3), 4));
            // channels c..c+3 and c+4..c+7, each as [tap a, tap b] i16 pairs
            const il = i8x16.shuffle(xa, xb, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
            const ih = i8x16.shuffle(xa, xb, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
            lo = i32x4.add(lo, i32x4.dot_i16x8_s(il, v128.load(wq)));
            hi = i32x4.add(hi, i32x4.dot_i16x8_s(ih, v128.load(wq, 16)));
            wq += wStep;
          }
          v128.store(px + (<usize>c << 2), rq4l(lo, sBase + (<usize>c << 3), rf, rHalf, rS, rLo, rHi));
          v128.store(px + (<usize>c << 2), rq4l(hi, sBase + (<usize>(c + 4) << 3), rf, rHalf, rS, rLo, rHi), 16);
        }
      }
    }
    return STATUS_OK;
  }
  let padZero = true;
  for (let c = 0; c < C; c++) if (load<i32>(padBase + (<usize>c << 2)) != 0) padZero = false;
  if (padZero) {
    // Padded taps contribute 0·w: visit the in-image taps only, no per-tap bounds test.
    const src = <usize>word(inS, S_DATA);
    const pix = <usize>(C << 2);
    for (let oy = 0; oy < outH; oy++) {
      const y0 = oy * sh - padT;
      let ky0 = 0, ky1 = kh;
      while (ky0 < kh && y0 + ky0 * dh < 0) ky0++;
      while (ky1 > ky0 && y0 + (ky1 - 1) * dh >= inH) ky1--;
      for (let ox = 0; ox < outW; ox++) {
        const x0 = ox * sw - padL;
        let kx0 = 0, kx1 = kw;
        while (kx0 < kw && x0 + kx0 * dw < 0) kx0++;
        while (kx1 > kx0 && x0 + (kx1 - 1) * dw >= inW) kx1--;
        const px = out + <usize>(oy * outW + ox) * pix;
        for (let c = 0; c < Cp; c += 4) {
          let acc = v128.load(bBase + (<usize>c << 2));
          for (let ky = ky0; ky < ky1; ky++) {
            let q = src + <usize>((y0 + ky * dh) * inW + x0 + kx0 * dw) * pix + (<usize>c << 2);
            let wq = wBase + (<usize>((ky * kw + kx0) * Cp + c) << 2);
            for (let kx = kx0; kx < kx1; kx++) {
              acc = i32x4.add(acc, i32x4.mul(v128.load(q), v128.load(wq)));
              q += <usize>dw * pix;
              wq += <usize>(Cp << 2);
            }
          }
          v128.store(px + (<usize>c << 2), rq4l(acc, sBase + (<usize>c << 3), rf, rHalf, rS, rLo, rHi));
        }
      }
    }
    return STATUS_OK;
  }
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      const px = out + (<usize>((oy * outW + ox) * C) << 2);
      for (let c = 0; c < Cp; c += 4) {
        let acc = v128.load(bBase + (<usize>c << 2));
        for (let ky = 0; ky < kh; ky++) {
          const row = rowAddress(inS, oy * sh - padT + ky * dh);
          for (let kx = 0; kx < kw; kx++) {
            const x = ox * sw - padL + kx * dw;
            const xv = row != 0 && x >= 0 && x < inW
              ? v128.load(row + (<usize>(x * C + c) << 2))
              : v128.load(padBase + (<usize>c << 2));
            acc = i32x4.add(acc, i32x4.mul(xv, v128.load(wBase + (<usize>((ky * kw + kx) * Cp + c) << 2))));
          }
        }
        const sp = sBase + (<usize>c << 3);
        v128.store(px + (<usize>c << 2), rq4l(acc, sp, rf, rHalf, rS, rLo, rHi));
      }
    }
  }
  return STATUS_OK;
}
