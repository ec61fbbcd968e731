// rows16 datapath of the conv block: as dot16 for groups = 1, dilationW = 1, with the windows read in place from a
// zero-padded i16 copy of the input image (no per-pixel gather).

import { L_DH, L_DW, L_IN0, L_KH, L_KW, L_OUT, L_PACKED, L_PAD_L, L_PAD_T, L_PAD_VALUE, L_PAD_B, L_PAD_R, L_OUT_NCHW, H_OUT_NCHW, L_SH, L_SW, H_SCRATCH, S_CHANNELS, S_DATA, S_HEIGHT, S_WIDTH, STATUS_OK, STATUS_BAD_PARAM, streamRec, word } from './stream';

import { rq4l, rqFastOn, rqHalfV, rqHiV, rqLoV, rqShift, scaleOf, setupRq, storeOne, storePair } from './conv_lanes';
import { padImage } from './window';
import { H_FRAME, H_INPUT_STREAM } from './abi';
export { paddedImageBytes } from './window';

/** Most output channels the rows16 path scatters straight into NCHW planes; more go through a row buffer (below). */
export const NCHW_DIRECT_MAX_CHANNELS: i32 = 32;

/**
 * Weight layout of the rows16 path: the B 4-channel blocks are grouped as the kernel's loops take them — quads of 4
 * blocks, then one pair if 2 or 3 remain, then single blocks — and within a group of g blocks the weights of pair step t
 * of block k lie at (t·g + k)·16 bytes from the group's start (block b's group starts at b·T·16 bytes for its first b),
 * so a group's g weight vectors of a step are adjacent (constant load offsets). Returns block b's group size.
 */
// @ts-ignore: decorator
@inline function groupOf(b: i32, B: i32): i32 {
  const q = B & ~3;
  if (b < q) return 4;
  return B - q >= 2 && b < q + 2 ? 2 : 1;
}

/** Byte offset of block b's weights for pair step t (layout: see {@link groupOf}). */
// @ts-ignore: decorator
@inline function wOffset(b: i32, t: i32, B: i32, T: i32): usize {
  const g = groupOf(b, B);
  const first = g == 1 ? b : b & ~(g - 1);
  return <usize>(first * T * 16 + (t * g + (b - first)) * 16);
}

/** Bytes of the rows16 packed constants (must match {@link packRows16}). */
export function packedBytesRows16(inC: i32, outC: i32, kh: i32, kw: i32): i32 {
  const T = kh * ((kw * inC + 1) >> 1), B = (outC + 3) >> 2;
  return B * (T + 3) * 16;
}

/** Packs a rows16 conv's weights (i16 pairs along each window row), biases and f64 scales into its packed region `p`. */
export function packRows16(layer: usize, inC: i32, outC: i32, groups: i32, kh: i32, kw: i32, w: usize, bias: usize, shift: usize, padV: usize, p: usize): i32 {
  if (groups != 1 || word(layer, L_DW) != 1) return STATUS_BAD_PARAM;
  const R = kw * inC, Rp = (R + 1) >> 1, T = kh * Rp, B = (outC + 3) >> 2;
  const wBase = p;
  const bBase = wBase + <usize>(B * T * 16);
  const sBase = bBase + <usize>(B * 16);
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < 4; l++) {
      const o = 4 * b + l;
      const valid = o < outC;
      store<i32>(bBase + <usize>(b * 16 + l * 4), valid ? load<i32>(bias + (<usize>o << 2)) : 0);
      store<f64>(sBase + <usize>(b * 32 + l * 8), valid ? scaleOf(load<i32>(shift + (<usize>o << 2))) : 1.0);
      for (let ky = 0; ky < kh; ky++) {
        for (let tt = 0; tt < Rp; tt++) {
          for (let h = 0; h < 2; h++) {
            const r = 2 * tt + h; // tap within the window row, (kx, ci) order = HWC order of the row
            let wv: i32 = 0;
            if (valid && r < R) {
              const kx = r / inC, ci = r % inC;
              wv = load<i32>(w + (<usize>(((o * inC + ci) * kh + ky) * kw + kx) << 2));
            }
            store<i16>(wBase + wOffset(b, ky * Rp + tt, B, T) + <usize>(l * 4 + h * 2), <i16>wv);
          }
        }
      }
    }
  }
  return STATUS_OK;
}

/**
 * rows16 datapath (groups = 1, dilationW = 1, codes fit i16, |acc| < 2^31): the window of an output pixel is read
 * straight from the padded i16 image — each window row is kernelW·C consecutive i16 (HWC), taken as i16 pairs
 * (an odd row gets one pair whose second tap has weight 0) — so no per-pixel gather is needed. Otherwise as dot16:
 * 2 output pixels x 16 channels per inner loop, i32 accumulators, SIMD re-quantisation.
 */
export function convRows16(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const C = word(inS, S_CHANNELS), outC = word(outS, S_CHANNELS);
  const inW = word(inS, S_WIDTH);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const kh = word(layer, L_KH), kw = word(layer, L_KW);
  const sh = word(layer, L_SH), sw = word(layer, L_SW), dh = word(layer, L_DH);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L), padB = word(layer, L_PAD_B), padR = word(layer, L_PAD_R);
  const R = kw * C, Rp = (R + 1) >> 1, T = kh * Rp, B = (outC + 3) >> 2;
  setupRq(layer, outS);
  const rf = rqFastOn(), rHalf = rqHalfV(), rS = rqShift(), rLo = rqLoV(), rHi = rqHiV();
  const p = <usize>word(layer, L_PACKED);
  const wBase = p;
  const bBase = wBase + <usize>(B * T * 16);
  const sBase = bBase + <usize>(B * 16);
  const img = <usize>word(prog, H_SCRATCH);
  // the program input is read straight from the frame bytes (run() then skips writing the input stream's values)
  const frame = word(layer, L_IN0) == word(prog, H_INPUT_STREAM) ? <usize>word(prog, H_FRAME) : 0;
  padImage(inS, <usize>word(layer, L_PAD_VALUE), padT, padL, padB, padR, img, frame);
  const Wp = inW + padL + padR;
  const imgRow = <usize>(Wp * C) << 1; // bytes per padded row
  const pixStep = <usize>(sw * C) << 1; // bytes between the windows of horizontally adjacent output pixels
  const kyStep = <usize>dh * imgRow;
  const nchw = word(layer, L_OUT_NCHW) != 0;
  const N = outH * outW;
  // NCHW output (the program's output written in its final layout), two ways:
  // - direct (outC <= NCHW_DIRECT_MAX_CHANNELS): every pixel pair scattered straight into the outC channel planes;
  // - rowed (more channels): each output row is computed in HWC into a row buffer (the first row of the output
  //   stream's own HWC storage, otherwise unused), then transposed into the planes with sequential writes.
  // Scattering into 64 planes touches 64 pages per pixel pair — as many as a 64-entry L1 data TLB holds, so with the
  // input and weight pages it thrashes: measured here (AMD EPYC, 2 cores) the SqueezeNet 1.1 stem (64 channels) ran
  // 6–7.5 ms direct against 1.8 ms rowed, while 24- and 32-channel stems are as fast or faster direct.
  const rowed = nchw && outC > NCHW_DIRECT_MAX_CHANNELS;
  const direct = nchw && !rowed;
  const nchwOut = <usize>word(prog, H_OUT_NCHW);
  const out = direct ? nchwOut : <usize>word(outS, S_DATA);
  const plane = <usize>N << 2;
  const chStride: usize = direct ? plane : 4;
  const pixBytes: usize = direct ? 4 : <usize>(outC << 2);
  const rpBytes = <usize>(Rp << 2);
  for (let oy = 0; oy < outH; oy++) {
    const rowA0 = img + <usize>(oy * sh) * imgRow;
    let ox = 0;
    for (; ox + 2 <= outW; ox += 2) {
      const winA = rowA0 + <usize>ox * pixStep;
      const dA = out + <usize>((rowed ? 0 : oy * outW) + ox) * pixBytes;
      let b = 0;
      for (; b + 4 <= B; b += 4) {
        const bp = bBase + <usize>(b * 16);
        let a0 = v128.load(bp), a1 = v128.load(bp, 16), a2 = v128.load(bp, 32), a3 = v128.load(bp, 48);
        let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            const xa = v128.load32_splat(x);
            const xb = v128.load32_splat(x + pixStep);
            const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            a2 = i32x4.add(a2, i32x4.dot_i16x8_s(xa, w2));
            c2 = i32x4.add(c2, i32x4.dot_i16x8_s(xb, w2));
            a3 = i32x4.add(a3, i32x4.dot_i16x8_s(xa, w3));
            c3 = i32x4.add(c3, i32x4.dot_i16x8_s(xb, w3));
            wp += 64;
          }
          xr += kyStep;
        }
        const sp = sBase + <usize>(b * 32);
        const d = dA + <usize>(b * 4) * chStride;
        const n = outC - 4 * b;
        storePair(direct, d, pixBytes, plane, rq4l(a0, sp, rf, rHalf, rS, rLo, rHi), rq4l(c0, sp, rf, rHalf, rS, rLo, rHi), n);
        storePair(direct, d + 4 * chStride, pixBytes, plane, rq4l(a1, sp + 32, rf, rHalf, rS, rLo, rHi), rq4l(c1, sp + 32, rf, rHalf, rS, rLo, rHi), n - 4);
        storePair(direct, d + 8 * chStride, pixBytes, plane, rq4l(a2, sp + 64, rf, rHalf, rS, rLo, rHi), rq4l(c2, sp + 64, rf, rHalf, rS, rLo, rHi), n - 8);
        storePair(direct, d + 12 * chStride, pixBytes, plane, rq4l(a3, sp + 96, rf, rHalf, rS, rLo, rHi), rq4l(c3, sp + 96, rf, rHalf, rS, rLo, rHi), n - 12);
      }
      for (; b + 2 <= B; b += 2) {
        const bp = bBase + <usize>(b * 16);
        let a0 = v128.load(bp), a1 = v128.load(bp, 16);
        let c0 = a0, c1 = a1;
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            const xa = v128.load32_splat(x);
            const xb = v128.load32_splat(x + pixStep);
            const w0 = v128.load(wp), w1 = v128.load(wp, 16);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(xa, w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(xb, w0));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(xa, w1));
            c1 = i32x4.add(c1, i32x4.dot_i16x8_s(xb, w1));
            wp += 32;
          }
          xr += kyStep;
        }
        const sp = sBase + <usize>(b * 32);
        const d = dA + <usize>(b * 4) * chStride;
        const n = outC - 4 * b;
        storePair(direct, d, pixBytes, plane, rq4l(a0, sp, rf, rHalf, rS, rLo, rHi), rq4l(c0, sp, rf, rHalf, rS, rLo, rHi), n);
        storePair(direct, d + 4 * chStride, pixBytes, plane, rq4l(a1, sp + 32, rf, rHalf, rS, rLo, rHi), rq4l(c1, sp + 32, rf, rHalf, rS, rLo, rHi), n - 4);
      }
      for (; b < B; b++) {
        let a0 = v128.load(bBase + <usize>(b * 16));
        let c0 = a0;
        let wp = wBase + <usize>(b * T * 16);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            const w0 = v128.load(wp);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(x), w0));
            c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load32_splat(x + pixStep), w0));
            wp += 16;
          }
          xr += kyStep;
        }
        const sp = sBase + <usize>(b * 32);
        storePair(direct, dA + <usize>(b * 4) * chStride, pixBytes, plane, rq4l(a0, sp, rf, rHalf, rS, rLo, rHi), rq4l(c0, sp, rf, rHalf, rS, rLo, rHi), outC - 4 * b);
      }
    }
    for (; ox < outW; ox++) {
      const winA = rowA0 + <usize>ox * pixStep;
      const dst = out + <usize>((rowed ? 0 : oy * outW) + ox) * pixBytes;
      for (let b = 0; b < B; b++) {
        let a0 = v128.load(bBase + <usize>(b * 16));
        let wp = wBase + wOffset(b, 0, B, T);
        const wStep = <usize>(groupOf(b, B) << 4);
        let xr = winA;
        for (let ky = 0; ky < kh; ky++) {
          const xend = xr + rpBytes;
          for (let x = xr; x < xend; x += 4) {
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load32_splat(x), v128.load(wp)));
            wp += wStep;
          }
          xr += kyStep;
        }
        storeOne(direct, dst + <usize>(b * 4) * chStride, plane, rq4l(a0, sBase + <usize>(b * 32), rf, rHalf, rS, rLo, rHi), outC - 4 * b);
      }
    }
    if (rowed) transposeRow(out, nchwOut + (<usize>(oy * outW) << 2), outW, outC, plane);
  }
  return STATUS_OK;
}

/**
 * Writes one output row held in HWC at `row` (outW pixels x C channels, i32) into NCHW channel planes: channel c's
 * values go to `dst + c·plane`, outW consecutive words. 4x4 blocks transposed in SIMD registers.
 */
function transposeRow(row: usize, dst: usize, outW: i32, C: i32, plane: usize): void {
  const pix = <usize>(C << 2);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const d0 = dst + <usize>c * plane;
    let x = 0;
    for (; x + 4 <= outW; x += 4) {
      const s = row + <usize>x * pix + (<usize>c << 2);
      const r0 = v128.load(s), r1 = v128.load(s + pix), r2 = v128.load(s + 2 * pix), r3 = v128.load(s + 3 * pix);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const d = d0 + (<usize>x << 2);
      v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
      v128.store(d + plane, i64x2.shuffle(t0, t1, 1, 3));
      v128.store(d + 2 * plane, i64x2.shuffle(t2, t3, 0, 2));
      v128.store(d + 3 * plane, i64x2.shuffle(t2, t3, 1, 3));
    }
    for (; x < outW; x++) {
      const s = row + <usize>x * pix + (<usize>c << 2);
      for (let j = 0; j < 4; j++) store<i32>(d0 + <usize>j * plane + (<usize>x << 2), load<i32>(s + (<usize>j << 2)));
    }
  }
  for (; c < C; c++) {
    for (let x = 0; x < outW; x++) store<i32>(dst + <usize>c * plane + (<usize>x << 2), load<i32>(row + <usize>x * pix + (<usize>c << 2)));
  }
}
