// Line buffers of a sliding-window block. In hardware, a KxK block keeps the last (K-1)·dilation rows of its
// input stream (W pixels x C channels each) in shift registers / M20K RAM so that the window extractor sees
// K rows at once. The emulator holds whole streams in linear memory, so a line buffer reduces to row
// addressing into the producer's stream; padding rows (outside the image) have no storage: the window
// extractor generates them.

import { S_CHANNELS, S_DATA, S_HEIGHT, S_WIDTH, word } from './stream';

/**
 * Address of input row `y` of stream record `s` (HWC, i32 values), or 0 when `y` is a padding row.
 * Row stride = width · channels · 4 bytes.
 */
// @ts-ignore: decorator
@inline export function rowAddress(s: usize, y: i32): usize {
  if (y < 0 || y >= word(s, S_HEIGHT)) return 0;
  return <usize>word(s, S_DATA) + ((<usize>y * <usize>word(s, S_WIDTH) * <usize>word(s, S_CHANNELS)) << 2);
}
