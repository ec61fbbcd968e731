// Max-pooling block: line buffers + KxK window + a comparator tree; padding positions are ignored (-inf),
// output format = input format (docs/datapath.md §MaxPool). Ceil mode only changes the output size, which
// the program's stream table already states.

import {
  H_SCRATCH, H_SCRATCH_BYTES, L_IN0, L_KH, L_KW, L_OUT, L_PAD_L, L_PAD_T, L_SH, L_SW, S_CHANNELS, S_DATA, S_HEIGHT, S_WIDTH,
  STATUS_EMPTY_WINDOW, STATUS_OK, clog2, streamRec, word,
} from './stream';
import { columnMax } from './column_max';

/** Register stages of a max-pool block: comparator tree over kernelH·kernelW inputs + output register. */
export function poolLatency(layer: usize): i32 {
  return clog2(word(layer, L_KH) * word(layer, L_KW)) + 1;
}

/**
 * Computes the values of a max-pool layer's output stream (HWC). The K×K max is taken in two passes over the
 * in-image taps only (padding positions are ignored): per output row, the column max over the window's in-image rows
 * of every (x, channel) of the input row — one contiguous run of inW·C words, 4 lanes at a time — into a row buffer
 * at the end of the program's scratch, then per output pixel the max over the window's in-image columns of that buffer, 4
 * channels per lane group. max is associative, so this equals the K×K comparator tree on every tap. Stream codes are
 * at most 16 bits (docs/datapath.md §2), so their i32 storage orders correctly whether the format is signed or not.
 * Lanes past the last channel read/write the next pixel's words, rewritten when that pixel is computed (streams and the
 * row buffer have slack after their last word).
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
  // the row buffer sits at the end of the scratch area (the wrapper reserves it on top of the convs' scratch)
  const colBytes = inW * C * 4 + 32;
  assert(word(prog, H_SCRATCH_BYTES) >= colBytes, 'scratch too small for the max-pool row buffer');
  const col = <usize>word(prog, H_SCRATCH) + <usize>(word(prog, H_SCRATCH_BYTES) - colBytes);
  const pix = <usize>(C << 2);
  const rowBytes = <usize>inW * pix;
  for (let oy = 0; oy < outH; oy++) {
    const y0 = oy * sh - padT;
    const ky0 = max(0, -y0), ky1 = min(kh, inH - y0);
    if (ky0 >= ky1) return STATUS_EMPTY_WINDOW;
    // column max over the in-image rows y0+ky0 .. y0+ky1-1
    const r0 = src + <usize>(y0 + ky0) * rowBytes;
    columnMax(col, r0, rowBytes, ky1 - ky0, rowBytes);
    for (let ox = 0; ox < outW; ox++) {
      const x0 = ox * sw - padL;
      const kx0 = max(0, -x0), kx1 = min(kw, inW - x0);
      if (kx0 >= kx1) return STATUS_EMPTY_WINDOW;
      const px = out + <usize>(oy * outW + ox) * pix;
      const c0 = col + <usize>(x0 + kx0) * pix;
      const taps = kx1 - kx0;
      if (taps == 3) {
        // the common 3-column window, unrolled (same maxima)
        const c1 = c0 + pix, c2 = c1 + pix;
        for (let c: usize = 0; c < pix; c += 16) {
          v128.store(px + c, i32x4.max_s(i32x4.max_s(v128.load(c0 + c), v128.load(c1 + c)), v128.load(c2 + c)));
        }
        continue;
      }
      for (let c: usize = 0; c < pix; c += 16) {
        let m = v128.load(c0 + c);
        for (let k = 1; k < taps; k++) m = i32x4.max_s(m, v128.load(c0 + <usize>k * pix + c));
        v128.store(px + c, m);
      }
    }
  }
  return STATUS_OK;
}
