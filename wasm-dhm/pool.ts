// Max-pooling block: line buffers + KxK window + a comparator tree; padding positions are ignored (-inf),
// output format = input format (docs/datapath.md §MaxPool). Ceil mode only changes the output size, which
// the program's stream table already states.

import {
  L_IN0, L_KH, L_KW, L_OUT, L_PAD_L, L_PAD_T, L_SH, L_SW, S_CHANNELS, S_DATA, S_HEIGHT, S_WIDTH,
  STATUS_EMPTY_WINDOW, STATUS_OK, clog2, streamRec, word,
} from './stream';

/** Register stages of a max-pool block: comparator tree over kernelH·kernelW inputs + output register. */
export function poolLatency(layer: usize): i32 {
  return clog2(word(layer, L_KH) * word(layer, L_KW)) + 1;
}

/**
 * Computes the values of a max-pool layer's output stream (HWC): per output pixel, 4 channels per lane group,
 * `i32x4.max_s` over the in-image taps only (stream codes are at most 16 bits, docs/datapath.md §2, so their i32
 * storage orders correctly whether the format is signed or not). Lanes past the last channel read/write the next
 * pixel's words, rewritten when that pixel is computed (streams have slack after their last pixel).
 */
export function poolValues(prog: usize, layer: usize): i32 {
  const inS = streamRec(prog, word(layer, L_IN0));
  const outS = streamRec(prog, word(layer, L_OUT));
  const C = word(inS, S_CHANNELS), inW = word(inS, S_WIDTH), inH = word(inS, S_HEIGHT);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const kh = word(layer, L_KH), kw = word(layer, L_KW), sh = word(layer, L_SH), sw = word(layer, L_SW);
  const padT = word(layer, L_PAD_T), padL = word(layer, L_PAD_L);
  const src = <usize>word(inS, S_DATA);
  const out = <usize>word(outS, S_DATA);
  const pix = <usize>(C << 2);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * sh - padT;
    const ky0 = max(0, -y0), ky1 = min(kh, inH - y0);
    if (ky0 >= ky1) return STATUS_EMPTY_WINDOW;
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * sw - padL;
      const kx0 = max(0, -x0), kx1 = min(kw, inW - x0);
      if (kx0 >= kx1) return STATUS_EMPTY_WINDOW;
      const px = out + <usize>(oy * outW + ox) * pix;
      for (let c = 0; c < C; c += 4) {
        let m = i32x4.splat(i32.MIN_VALUE);
        for (let ky = ky0; ky < ky1; ky++) {
          let q = src + <usize>((y0 + ky) * inW + x0 + kx0) * pix + (<usize>c << 2);
          for (let kx = kx0; kx < kx1; kx++) {
            m = i32x4.max_s(m, v128.load(q));
            q += pix;
          }
        }
        v128.store(px + (<usize>c << 2), m);
      }
    }
  }
  return STATUS_OK;
}
