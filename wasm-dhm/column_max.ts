// Column max: the element-wise max of `rows` equally spaced i32 rows, 4 lanes at a time — the first pass of the K×K
// window max shared by the max-pool block (values) and the data-valid stream (ready cycles of the window's taps).

/**
 * dst[i] = max over k in [0, rows) of first[k·strideBytes + i], for every i32 of `rowBytes` (a multiple of 16).
 * `rows` ≥ 1; the common 3-row window is unrolled (same maxima).
 */
// @ts-ignore: decorator
@inline export function columnMax(dst: usize, first: usize, strideBytes: usize, rows: i32, rowBytes: usize): void {
  if (rows == 3) {
    const r1 = first + strideBytes, r2 = r1 + strideBytes;
    for (let i: usize = 0; i < rowBytes; i += 16) {
      v128.store(dst + i, i32x4.max_s(i32x4.max_s(v128.load(first + i), v128.load(r1 + i)), v128.load(r2 + i)));
    }
  } else {
    for (let i: usize = 0; i < rowBytes; i += 16) {
      let m = v128.load(first + i);
      for (let k = 1; k < rows; k++) m = i32x4.max_s(m, v128.load(first + <usize>k * strideBytes + i));
      v128.store(dst + i, m);
    }
  }
}
