// Neighbourhood extractor (the KxK window register array fed by the line buffers): for one output pixel it
// presents the kernelH x kernelW x (inChannels/groups) input values the block's multipliers see, with padding
// positions generated (conv: the per-channel pad value; maxpool: ignored).

import { rowAddress } from './line_buffer';
import { S_CHANNELS, S_DATA, S_HEIGHT, S_SIGNED, S_WIDTH, loadValue, word } from './stream';

/**
 * Exact window of a conv output pixel for group `g`, as i64 values in OIHW tap order (ci, ky, kx) — the order of
 * one weight row — written to `dst` (fanIn i64). `padValue` points at the per-input-channel pad codes (i32).
 */
export function windowExact(
  inS: usize, g: i32, cinG: i32, oy: i32, ox: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  padValue: usize, dst: usize,
): void {
  const inW = word(inS, S_WIDTH), C = word(inS, S_CHANNELS);
  const signed = word(inS, S_SIGNED) != 0;
  const c0 = g * cinG;
  for (let ky = 0; ky < kh; ky++) {
    const row = rowAddress(inS, oy * sh - padT + ky * dh);
    for (let kx = 0; kx < kw; kx++) {
      const x = ox * sw - padL + kx * dw;
      const inside = row != 0 && x >= 0 && x < inW;
      const px = row + ((<usize>x * <usize>C) << 2);
      for (let ci = 0; ci < cinG; ci++) {
        const v: i64 = inside
          ? loadValue(px + (<usize>(c0 + ci) << 2), signed)
          : <i64>load<i32>(padValue + (<usize>(c0 + ci) << 2));
        store<i64>(dst + (<usize>((ci * kh + ky) * kw + kx) << 3), v);
      }
    }
  }
}

/**
 * `n` stream words (i32) at `src` narrowed to i16 codes at `d`, 8 at a time (two i32x4 loads → one i16x8 store):
 * reads up to 28 bytes and writes up to 14 bytes past the `n` values (the slack windowI16 documents).
 */
// @ts-ignore: decorator
@inline function narrowCodes(d: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i += 8) {
    v128.store(d, i16x8.narrow_i32x4_s(v128.load(src), v128.load(src, 16)));
    src += 32;
    d += 16;
  }
}

/** `n` i16 codes copied from `src` to `d`, 8 at a time (same slack as narrowCodes). */
// @ts-ignore: decorator
@inline function copyCodes(d: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i += 8) {
    v128.store(d, v128.load(src));
    src += 16;
    d += 16;
  }
}

/**
 * Window of a conv output pixel for group `g` as i16 codes in (ky, kx, ci) tap order, for the i16 dot-product
 * path; an odd tap count gets one zero tap so the window is a whole number of i16 pairs. `padValue16` points
 * at per-input-channel pad codes as i16. Values are known to fit i16 (mode selection). Channels are moved 8 at
 * a time (two i32x4 loads narrowed to one i16x8 store); a store may run up to 14 bytes past a tap's channels,
 * which the next tap overwrites — the caller provides 32 bytes of slack after `dst`, the stream and the pad
 * codes 64 / 32 bytes of readable slack.
 */
export function windowI16(
  inS: usize, g: i32, cinG: i32, oy: i32, ox: i32,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padT: i32, padL: i32,
  padValue16: usize, dst: usize,
): void {
  const inW = word(inS, S_WIDTH), C = word(inS, S_CHANNELS);
  const c0 = g * cinG;
  const tapBytes = <usize>cinG << 1;
  const pad = padValue16 + (<usize>c0 << 1);
  let d = dst;
  const x0 = ox * sw - padL;
  if (dw == 1 && cinG == C && x0 >= 0 && x0 + kw <= inW) {
    // Window columns all inside and contiguous (dilation 1, all channels): each window row is one run of
    // kernelW·C consecutive stream words (HWC), narrowed 8 at a time.
    const run = kw * C;
    for (let ky = 0; ky < kh; ky++) {
      const row = rowAddress(inS, oy * sh - padT + ky * dh);
      if (row != 0) {
        narrowCodes(d, row + (<usize>(x0 * C) << 2), run);
        d += <usize>run << 1;
      } else {
        for (let kx = 0; kx < kw; kx++) {
          copyCodes(d, pad, cinG);
          d += tapBytes;
        }
      }
    }
    store<i16>(d, 0);
    return;
  }
  for (let ky = 0; ky < kh; ky++) {
    const row = rowAddress(inS, oy * sh - padT + ky * dh);
    for (let kx = 0; kx < kw; kx++) {
      const x = ox * sw - padL + kx * dw;
      if (row != 0 && x >= 0 && x < inW) narrowCodes(d, row + ((<usize>x * <usize>C + <usize>c0) << 2), cinG);
      else copyCodes(d, pad, cinG);
      d += tapBytes;
    }
  }
  store<i16>(d, 0); // the zero tap of an odd window (harmless otherwise: past the last pair)
}

/** Bytes of the zero-padded i16 copy of the input image the rows16 / dw16 paths read their windows from (+ slack). */
export function paddedImageBytes(inH: i32, inW: i32, inC: i32, padT: i32, padL: i32, padB: i32, padR: i32): i32 {
  return (((inH + padT + padB) * (inW + padL + padR) * inC * 2) + 64 + 15) & ~15;
}

/**
 * Writes the zero-padded i16 copy of stream `inS` (HWC, padded rows/columns hold the per-channel pad codes) at `img`:
 * (inH + padT + padB) rows of (inW + padL + padR)·C i16. This is the line-buffer + window content of the
 * rows16 and dw16 paths. Codes must fit i16 (the narrowing saturates). With `frame` (the program's camera frame, when
 * `inS` is its input stream) the values are read from the frame's bytes instead of the stream.
 */
export function padImage(inS: usize, padV: usize, padT: i32, padL: i32, padB: i32, padR: i32, img: usize, frame: usize = 0): void {
  const inH = word(inS, S_HEIGHT), inW = word(inS, S_WIDTH), C = word(inS, S_CHANNELS);
  const Wp = inW + padL + padR, Hp = inH + padT + padB;
  const rowBytes = <usize>(Wp * C) << 1;
  const src0 = <usize>word(inS, S_DATA);
  for (let yp = 0; yp < Hp; yp++) {
    const d = img + <usize>yp * rowBytes;
    const y = yp - padT;
    if (y >= 0 && y < inH) {
      for (let xp = 0; xp < padL; xp++) {
        for (let c = 0; c < C; c++) store<i16>(d + (<usize>(xp * C + c) << 1), <i16>load<i32>(padV + (<usize>c << 2)));
      }
      // interior: narrow 8 at a time (a store may run past the row: the right padding written next covers it)
      const e0 = d + (<usize>(padL * C) << 1);
      const end = e0 + (<usize>(inW * C) << 1);
      if (frame != 0) {
        // the camera frame itself (the input stream's values are its bytes): widen u8 → i16, 8 at a time
        let f = frame + <usize>(y * inW * C);
        for (let e = e0; e < end; e += 16) {
          v128.store(e, i16x8.extend_low_i8x16_u(v128.load64_zero(f)));
          f += 8;
        }
      } else {
        let src = src0 + (<usize>(y * inW * C) << 2);
        for (let e = e0; e < end; e += 16) {
          v128.store(e, i16x8.narrow_i32x4_s(v128.load(src), v128.load(src, 16)));
          src += 32;
        }
      }
      for (let xp = padL + inW; xp < Wp; xp++) {
        for (let c = 0; c < C; c++) store<i16>(d + (<usize>(xp * C + c) << 1), <i16>load<i32>(padV + (<usize>c << 2)));
      }
    } else {
      for (let xp = 0; xp < Wp; xp++) {
        for (let c = 0; c < C; c++) store<i16>(d + (<usize>(xp * C + c) << 1), <i16>load<i32>(padV + (<usize>c << 2)));
      }
    }
  }
}
