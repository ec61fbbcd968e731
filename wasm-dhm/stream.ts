// Data-valid / frame-valid streams, output FIFOs and cycle accounting of the DHM pipeline.
//
// Every stream lives in linear memory as
//   - its values: i32 per (pixel, channel), HWC order (pixel-major, all channels of a pixel contiguous,
//     as the hardware emits them on one clock), followed by >= 16 bytes of slack for SIMD tails;
//   - its data-valid record: i32 per pixel (raster index), the clock cycle at which that pixel is valid
//     on the stream (cycle 0 = input pixel (0,0) presented).
// The layout of the program block, the stream table and the layer table is documented in docs/emulator.md
// and written by src/dhm/wasm.ts; the word offsets below are that layout.
//
// Timing (docs/datapath.md §Timing): each layer's output stream leaves through a FIFO that emits at most one
// pixel per clock in raster order: t(k) = max(ready(k), t(k-1) + 1), where ready(k) = (max valid cycle of the
// input pixels output pixel k needs) + the block's register stages. The emulator walks the data-valid records
// pixel by pixel; nothing here evaluates a closed-form latency.

// The memory layout (ABI) — status codes, program header, stream and layer records — is wasm-dhm/abi.ts.
export * from './abi';
import {
  H_INPUT_STREAM, H_FRAME, H_NUM_LAYERS, H_NUM_STREAMS, H_LAYER_TABLE, H_STREAM_TABLE, H_OUT_NCHW, H_OUTPUT_STREAM, H_OUT_WRITTEN,
  L_FIRST, L_TOTAL, L_WORDS, S_CHANNELS, S_CYCLES, S_DATA, S_HEIGHT, S_INTBITS, S_BITS, S_WIDTH, S_WORDS,
  STATUS_BAD_SHAPE, STATUS_CYCLE_OVERFLOW, STATUS_EMPTY_WINDOW, STATUS_OK,
} from './abi';
import { columnMax } from './column_max';

/** i32 word `w` of the record at `rec`. */
// @ts-ignore: decorator
@inline export function word(rec: usize, w: i32): i32 {
  return load<i32>(rec + (<usize>w << 2));
}

// @ts-ignore: decorator
@inline export function setWord(rec: usize, w: i32, v: i32): void {
  store<i32>(rec + (<usize>w << 2), v);
}

/** Fractional bits of a stream's format (bits - intBits; may be negative). */
export function outFracBits(s: usize): i32 {
  return word(s, S_BITS) - word(s, S_INTBITS);
}

/** Address of stream record `idx`. */
export function streamRec(prog: usize, idx: i32): usize {
  assert(idx >= 0 && idx < word(prog, H_NUM_STREAMS), 'stream index out of range');
  return <usize>word(prog, H_STREAM_TABLE) + (<usize>idx) * (<usize>S_WORDS << 2);
}

/** Address of layer record `idx`. */
export function layerRec(prog: usize, idx: i32): usize {
  assert(idx >= 0 && idx < word(prog, H_NUM_LAYERS), 'layer index out of range');
  return <usize>word(prog, H_LAYER_TABLE) + (<usize>idx) * (<usize>L_WORDS << 2);
}

/** Loads a stream value (i32 storage, interpreted with the stream's signedness) as i64. */
// @ts-ignore: decorator
@inline export function loadValue(ptr: usize, signed: bool): i64 {
  return signed ? <i64>load<i32>(ptr) : <i64>load<u32>(ptr);
}

/**
 * Presents the camera frame: raw 8-bit HWC RGB bytes become the program's input stream's values (UFIXED<8,8>).
 * Its timing — one pixel (all 3 channels) per clock with no blanking — is the same for every frame and is written once
 * per prepared program by {@link cameraTiming}.
 */
export function presentFrame(prog: usize, values: bool = true): void {
  const s = streamRec(prog, word(prog, H_INPUT_STREAM));
  const n = word(s, S_HEIGHT) * word(s, S_WIDTH);
  const c = word(s, S_CHANNELS);
  const src = <usize>word(prog, H_FRAME);
  const dst = <usize>word(s, S_DATA);
  const total = n * c;
  let i = values ? 0 : total; // values: only when a layer other than a rows16 conv (which reads the frame) needs them
  for (; i + 16 <= total; i += 16) {
    const b = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(b), hi = i16x8.extend_high_i8x16_u(b);
    const d = dst + (<usize>i << 2);
    v128.store(d, i32x4.extend_low_i16x8_u(lo));
    v128.store(d, i32x4.extend_high_i16x8_u(lo), 16);
    v128.store(d, i32x4.extend_low_i16x8_u(hi), 32);
    v128.store(d, i32x4.extend_high_i16x8_u(hi), 48);
  }
  for (; i < total; i++) store<i32>(dst + (<usize>i << 2), <i32>load<u8>(src + <usize>i));
}

/**
 * The camera's data-valid record: pixel (y, x) of the input stream is valid at cycle y·W + x (pixel k at cycle k).
 * Written by `prepare`: no layer writes the input stream's record, so it holds for every frame of the program.
 */
export function cameraTiming(prog: usize): void {
  const s = streamRec(prog, word(prog, H_INPUT_STREAM));
  const n = word(s, S_HEIGHT) * word(s, S_WIDTH);
  const cyc = <usize>word(s, S_CYCLES);
  let ramp = i32x4(0, 1, 2, 3);
  const four = i32x4.splat(4);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    v128.store(cyc + (<usize>k << 2), ramp);
    ramp = i32x4.add(ramp, four);
  }
  for (; k < n; k++) store<i32>(cyc + (<usize>k << 2), k);
}

/**
 * The output FIFO of a layer: given ready(k) for every pixel in the layer's data-valid record (written there
 * by the caller), rewrites it in place to the valid cycles t(k) = max(ready(k), t(k-1) + 1) and records
 * firstOutput = t(0) and total = t(N-1) + 1 in the layer record. Returns a status.
 */
export function drainFifo(layer: usize, out: usize): i32 {
  const n = word(out, S_HEIGHT) * word(out, S_WIDTH);
  const cyc = <usize>word(out, S_CYCLES);
  let prev: i64 = i64.MIN_VALUE;
  for (let k = 0; k < n; k++) {
    const p = cyc + (<usize>k << 2);
    let t = <i64>load<i32>(p);
    if (prev != i64.MIN_VALUE && t < prev + 1) t = prev + 1;
    if (t > <i64>i32.MAX_VALUE) return STATUS_CYCLE_OVERFLOW;
    store<i32>(p, <i32>t);
    prev = t;
  }
  setWord(layer, L_FIRST, load<i32>(cyc));
  setWord(layer, L_TOTAL, <i32>(prev + 1));
  return STATUS_OK;
}

/**
 * Data-valid stream of a sliding-window block (conv, maxpool), pixel by pixel in raster order:
 * ready(k) = the latest valid cycle over the window positions of output pixel k that lie inside the input image
 * (padding is generated, it needs no input pixel) + the block's register stages; then the output FIFO
 * t(k) = max(ready(k), t(k-1) + 1). Writes t into the output's data-valid record and firstOutput/total into the
 * layer record. Every in-image tap is visited (no shortcut through the monotonicity of t), in two passes — per output
 * row, the column max over the window's in-image rows into a row buffer at `scratch` (inW words + 16 bytes of slack),
 * then per output pixel the max over the window's in-image columns of that buffer — which is the max over every tap
 * (max is associative). Returns a status (STATUS_EMPTY_WINDOW when a window holds no input pixel at all).
 */
export function windowStream(
  layer: usize, inS: usize, outS: usize,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padT: i32, padL: i32, latency: i32, scratch: usize,
): i32 {
  const inH = word(inS, S_HEIGHT), inW = word(inS, S_WIDTH);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const tin = <usize>word(inS, S_CYCLES);
  const tout = <usize>word(outS, S_CYCLES);
  const col = scratch;
  const rowBytes = <usize>inW << 2;
  // Output columns whose window columns are all inside the image, for the 4-wide SIMD max (strides 1 and 2).
  let oxLo = (padL + sw - 1) / sw;
  let oxHi = (inW - 1 + padL - (kw - 1) * dw) / sw + 1; // exclusive
  if (inW - 1 + padL - (kw - 1) * dw < 0) oxHi = 0;
  if (sw > 2 || oxHi < oxLo) { oxLo = 0; oxHi = 0; }
  const k3s2 = kw == 3 && sw == 2 && dw == 1;
  let prev: i64 = i64.MIN_VALUE;
  for (let oy = 0; oy < outH; oy++) {
    // In-image rows of this output row's windows: ky in [ky0, ky1).
    const y0 = oy * sh - padT;
    let ky0 = 0, ky1 = kh;
    while (ky0 < kh && y0 + ky0 * dh < 0) ky0++;
    while (ky1 > ky0 && y0 + (ky1 - 1) * dh >= inH) ky1--;
    if (ky0 >= ky1) return STATUS_EMPTY_WINDOW;
    // column max over those rows, 4 columns at a time
    const r0 = tin + <usize>(y0 + ky0 * dh) * rowBytes;
    const rstep = <usize>dh * rowBytes;
    columnMax(col, r0, rstep, ky1 - ky0, rowBytes);
    const trow = tout + (<usize>(oy * outW) << 2);
    // ready(k) - latency for the row: the latest valid cycle over every in-image tap.
    let ox = 0;
    while (ox < outW) {
      if (k3s2 && ox >= oxLo && ox + 4 <= oxHi) {
        // 3 columns, stride 2: the even and odd words of two loads are taps 0 and 1 of four pixels, tap 2 is the even
        // words shifted by one lane (the same maxima as the general case below)
        const base = col + (<usize>(ox * 2 - padL) << 2);
        const a = v128.load(base), b = v128.load(base, 16), c = v128.load(base, 32);
        const even = i32x4.shuffle(a, b, 0, 2, 4, 6), odd = i32x4.shuffle(a, b, 1, 3, 5, 7);
        const next = i32x4.shuffle(even, c, 1, 2, 3, 4);
        v128.store(trow + (<usize>ox << 2), i32x4.max_s(i32x4.max_s(even, odd), next));
        ox += 4;
        continue;
      }
      if (ox >= oxLo && ox + 4 <= oxHi) {
        // four output pixels at once, all window columns inside
        let m = i32x4.splat(i32.MIN_VALUE);
        const base = col + (<usize>(ox * sw - padL) << 2);
        for (let kx = 0; kx < kw; kx++) {
          const q = base + (<usize>(kx * dw) << 2);
          const v = sw == 1 ? v128.load(q) : i32x4.shuffle(v128.load(q), v128.load(q, 16), 0, 2, 4, 6);
          m = i32x4.max_s(m, v);
        }
        v128.store(trow + (<usize>ox << 2), m);
        ox += 4;
        continue;
      }
      const x0 = ox * sw - padL;
      let kx0 = 0, kx1 = kw;
      while (kx0 < kw && x0 + kx0 * dw < 0) kx0++;
      while (kx1 > kx0 && x0 + (kx1 - 1) * dw >= inW) kx1--;
      if (kx0 >= kx1) return STATUS_EMPTY_WINDOW;
      let latest: i32 = i32.MIN_VALUE;
      for (let kx = kx0; kx < kx1; kx++) latest = max(latest, load<i32>(col + (<usize>(x0 + kx * dw) << 2)));
      store<i32>(trow + (<usize>ox << 2), latest);
      ox++;
    }
    // the output FIFO: one pixel per clock
    let k = 0;
    if (fifoFitsI32(trow, outW, latency, prev)) {
      // The same recurrence 4 pixels at a time: t(k) = max(ready(k), t(k-1) + 1) unrolls to
      // t(k) = k + max(t(-1) + 1, max over j <= k of (ready(j) - j)) (k = index in the row, t(-1) = prev), a running max
      // computed in lanes; every value fits i32 (checked just above), so no t exceeds i32.MAX_VALUE here.
      let carry = i32x4.splat(prev == i64.MIN_VALUE ? i32.MIN_VALUE : <i32>(prev + 1));
      let idx = i32x4(0, 1, 2, 3);
      const lat = i32x4.splat(latency), four = i32x4.splat(4), lo = i32x4.splat(i32.MIN_VALUE);
      for (; k + 4 <= outW; k += 4) {
        const p = trow + (<usize>k << 2);
        let u = i32x4.sub(i32x4.add(v128.load(p), lat), idx); // ready(j) - j
        u = i32x4.max_s(u, i32x4.shuffle(lo, u, 0, 4, 5, 6)); // running max within the 4 lanes
        u = i32x4.max_s(u, i32x4.shuffle(lo, u, 0, 1, 4, 5));
        u = i32x4.max_s(u, carry);
        v128.store(p, i32x4.add(u, idx));
        carry = i32x4.shuffle(u, u, 3, 3, 3, 3);
        idx = i32x4.add(idx, four);
      }
      if (k > 0) prev = <i64>load<i32>(trow + (<usize>(k - 1) << 2));
    }
    for (; k < outW; k++) {
      const p = trow + (<usize>k << 2);
      let t = <i64>load<i32>(p) + <i64>latency;
      if (prev != i64.MIN_VALUE && t < prev + 1) t = prev + 1;
      if (t > <i64>i32.MAX_VALUE) return STATUS_CYCLE_OVERFLOW;
      store<i32>(p, <i32>t);
      prev = t;
    }
  }
  setWord(layer, L_FIRST, load<i32>(tout));
  setWord(layer, L_TOTAL, <i32>(prev + 1));
  return STATUS_OK;
}

/**
 * Whether the FIFO of one output row can run in i32 lanes: with r = the row's ready(k) - latency values at `row`
 * (n words), every r + latency ± n and prev + 1 + n lie strictly inside i32 (so ready(j) - j, the running max and
 * t(k) <= max(prev + 1, max ready) + n all fit, and no t overflows).
 */
function fifoFitsI32(row: usize, n: i32, latency: i32, prev: i64): bool {
  let mn = i32x4.splat(i32.MAX_VALUE), mx = i32x4.splat(i32.MIN_VALUE);
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    const v = v128.load(row + (<usize>k << 2));
    mn = i32x4.min_s(mn, v);
    mx = i32x4.max_s(mx, v);
  }
  let lo = min(min(i32x4.extract_lane(mn, 0), i32x4.extract_lane(mn, 1)), min(i32x4.extract_lane(mn, 2), i32x4.extract_lane(mn, 3)));
  let hi = max(max(i32x4.extract_lane(mx, 0), i32x4.extract_lane(mx, 1)), max(i32x4.extract_lane(mx, 2), i32x4.extract_lane(mx, 3)));
  for (; k < n; k++) {
    const v = load<i32>(row + (<usize>k << 2));
    lo = min(lo, v);
    hi = max(hi, v);
  }
  const limit = <i64>i32.MAX_VALUE - 1;
  if (<i64>hi + <i64>latency + <i64>n > limit) return false;
  if (<i64>lo + <i64>latency - <i64>n < -limit) return false;
  return prev == i64.MIN_VALUE || prev + 1 + <i64>n <= limit;
}

/**
 * ready(k) of a point-wise block (add, wire): the latest valid cycle of pixel k over all input streams
 * (the earlier stream waits in a FIFO), plus the block's register stages. `ins` points at `count` i32
 * stream indices. Writes ready(k) into the output's data-valid record.
 */
export function pointReady(prog: usize, ins: usize, count: i32, outS: usize, latency: i32): i32 {
  const n = word(outS, S_HEIGHT) * word(outS, S_WIDTH);
  const tout = <usize>word(outS, S_CYCLES);
  for (let k = 0; k < n; k++) store<i32>(tout + (<usize>k << 2), i32.MIN_VALUE);
  for (let i = 0; i < count; i++) {
    const s = streamRec(prog, load<i32>(ins + (<usize>i << 2)));
    if (word(s, S_HEIGHT) * word(s, S_WIDTH) != n) return STATUS_BAD_SHAPE;
    const tin = <usize>word(s, S_CYCLES);
    for (let k = 0; k < n; k++) {
      const t = load<i32>(tin + (<usize>k << 2));
      const p = tout + (<usize>k << 2);
      if (t > load<i32>(p)) store<i32>(p, t);
    }
  }
  for (let k = 0; k < n; k++) {
    const p = tout + (<usize>k << 2);
    const r = <i64>load<i32>(p) + <i64>latency;
    if (r > <i64>i32.MAX_VALUE) return STATUS_CYCLE_OVERFLOW;
    store<i32>(p, <i32>r);
  }
  return STATUS_OK;
}

/** ceil(log2(n)) for n >= 1 (0 for n <= 1): depth of a binary tree with n leaves. */
export function clog2(n: i32): i32 {
  if (n <= 1) return 0;
  return 32 - <i32>clz<u32>(<u32>(n - 1));
}

/**
 * Copies the program's output stream (HWC) to the NCHW output buffer: 4 pixels x 4 channels at a time through a
 * 4x4 i32 transpose in SIMD registers (four 16-byte loads, eight shuffles, four 16-byte stores), scalar tails.
 */
export function writeOutputNchw(prog: usize): void {
  const s = streamRec(prog, word(prog, H_OUTPUT_STREAM));
  const c = word(s, S_CHANNELS);
  const n = word(s, S_HEIGHT) * word(s, S_WIDTH);
  const src = <usize>word(s, S_DATA);
  const dst = <usize>word(prog, H_OUT_NCHW);
  const c4 = c & ~3, n4 = n & ~3;
  const rowBytes = <usize>c << 2; // one pixel in HWC
  const planeBytes = <usize>n << 2; // one channel plane in NCHW
  for (let k = 0; k < n4; k += 4) {
    const p0 = src + <usize>k * rowBytes;
    const p1 = p0 + rowBytes, p2 = p1 + rowBytes, p3 = p2 + rowBytes;
    let q = dst + (<usize>k << 2);
    for (let ch = 0; ch < c4; ch += 4) {
      const o = <usize>ch << 2;
      const r0 = v128.load(p0 + o), r1 = v128.load(p1 + o), r2 = v128.load(p2 + o), r3 = v128.load(p3 + o);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
      const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
      v128.store(q, i64x2.shuffle(t0, t1, 0, 2));
      v128.store(q + planeBytes, i64x2.shuffle(t0, t1, 1, 3));
      v128.store(q + 2 * planeBytes, i64x2.shuffle(t2, t3, 0, 2));
      v128.store(q + 3 * planeBytes, i64x2.shuffle(t2, t3, 1, 3));
      q += 4 * planeBytes;
    }
    for (let ch = c4; ch < c; ch++) {
      const o = <usize>ch << 2;
      const d = dst + (<usize>(ch * n + k) << 2);
      store<i32>(d, load<i32>(p0 + o));
      store<i32>(d, load<i32>(p1 + o), 4);
      store<i32>(d, load<i32>(p2 + o), 8);
      store<i32>(d, load<i32>(p3 + o), 12);
    }
  }
  for (let k = n4; k < n; k++) {
    for (let ch = 0; ch < c; ch++) {
      store<i32>(dst + (<usize>(ch * n + k) << 2), load<i32>(src + (<usize>(k * c + ch) << 2)));
    }
  }
}
