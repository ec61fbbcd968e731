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

// ---- status codes (mirrored by DhmEmulatorError codes in src/dhm/wasm.ts) ----
export const STATUS_OK: i32 = 0;
export const STATUS_BAD_MAGIC: i32 = 1;
export const STATUS_BAD_KIND: i32 = 2;
export const STATUS_BAD_SHAPE: i32 = 3;
export const STATUS_BAD_PARAM: i32 = 4;
export const STATUS_EMPTY_WINDOW: i32 = 5;
export const STATUS_CYCLE_OVERFLOW: i32 = 6;
export const STATUS_BAD_STREAM: i32 = 7;

// ---- program header (i32 words at progPtr) ----
export const MAGIC: i32 = 0x314d4844; // 'DHM1' little-endian
export const H_MAGIC: i32 = 0;
export const H_NUM_STREAMS: i32 = 1;
export const H_NUM_LAYERS: i32 = 2;
export const H_STREAM_TABLE: i32 = 3;
export const H_LAYER_TABLE: i32 = 4;
export const H_INPUT_STREAM: i32 = 5;
export const H_OUTPUT_STREAM: i32 = 6;
export const H_SCRATCH: i32 = 7;
export const H_SCRATCH_BYTES: i32 = 8;
export const H_STATUS_LAYER: i32 = 9;
export const H_STATUS_DETAIL: i32 = 10;
export const H_FRAME: i32 = 11;
export const H_OUT_NCHW: i32 = 12;
export const H_OUT_WRITTEN: i32 = 13; // 1: the final layer writes NCHW itself, skip the HWC → NCHW copy
export const H_WORDS: i32 = 16;

// ---- stream record (i32 words) ----
export const S_CHANNELS: i32 = 0;
export const S_HEIGHT: i32 = 1;
export const S_WIDTH: i32 = 2;
export const S_BITS: i32 = 3;
export const S_SIGNED: i32 = 4;
export const S_DATA: i32 = 5;
export const S_CYCLES: i32 = 6;
export const S_INTBITS: i32 = 7;
export const S_WORDS: i32 = 8;

// ---- layer record (i32 words) ----
export const L_KIND: i32 = 0; // 0 conv, 1 maxpool, 2 add, 3 wire
export const L_OUT: i32 = 1;
export const L_IN0: i32 = 2;
export const L_IN1: i32 = 3;
export const L_KH: i32 = 4;
export const L_KW: i32 = 5;
export const L_SH: i32 = 6;
export const L_SW: i32 = 7;
export const L_DH: i32 = 8;
export const L_DW: i32 = 9;
export const L_PAD_T: i32 = 10;
export const L_PAD_L: i32 = 11;
export const L_PAD_B: i32 = 12;
export const L_PAD_R: i32 = 13;
export const L_GROUPS: i32 = 14;
export const L_CEIL: i32 = 15;
export const L_ROUNDING: i32 = 16; // 0 floor, 1 half-up, 2 half-even
export const L_OVERFLOW: i32 = 17; // 0 saturate, 1 wrap
export const L_ACTIVATION: i32 = 18; // 0 none, 1 relu, 2 relu6, 3 hardtanh
export const L_WEIGHTS: i32 = 19; // conv: OIHW i32; wire: sourceInput i32[outC]
export const L_BIAS: i32 = 20; // conv: i32[outC]; wire: sourceChannel i32[outC]
export const L_SHIFT: i32 = 21; // conv: i32[outC]; wire: shifts i32[numInputs]
export const L_PAD_VALUE: i32 = 22; // conv: i32[inC]; wire: input stream indices i32[numInputs]
export const L_NUM_INPUTS: i32 = 23; // wire
export const L_SHIFT0: i32 = 24; // add
export const L_SHIFT1: i32 = 25; // add
export const L_MODE: i32 = 26; // conv datapath: 0 exact i64, 1 i16 dot SIMD, 2 depthwise i32 SIMD
export const L_PACKED: i32 = 27; // conv fast path: packed constants (weights, bias, scales)
export const L_PACKED_BYTES: i32 = 28;
export const L_RQ: i32 = 29; // conv fast path re-quantisation: 0 f64 per-channel shift, 1 integer uniform shift
export const L_RQ_SHIFT: i32 = 30; // the uniform shift when L_RQ = 1
export const L_OUT_NCHW: i32 = 31; // 1: this (final) layer writes the program output directly in NCHW (H_OUT_NCHW)
export const L_LATENCY: i32 = 40; // out: register stages of the block
export const L_FIRST: i32 = 41; // out: first valid output cycle
export const L_TOTAL: i32 = 42; // out: last valid output cycle + 1
export const L_WORDS: i32 = 48;

export const KIND_CONV: i32 = 0;
export const KIND_MAXPOOL: i32 = 1;
export const KIND_ADD: i32 = 2;
export const KIND_WIRE: i32 = 3;

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
 * Presents the camera frame: raw 8-bit HWC RGB bytes become the program's input stream (UFIXED<8,8>),
 * one pixel (all 3 channels) per clock with no blanking: pixel (y, x) is valid at cycle y·W + x.
 */
export function presentFrame(prog: usize): void {
  const s = streamRec(prog, word(prog, H_INPUT_STREAM));
  const n = word(s, S_HEIGHT) * word(s, S_WIDTH);
  const c = word(s, S_CHANNELS);
  const src = <usize>word(prog, H_FRAME);
  const dst = <usize>word(s, S_DATA);
  const cyc = <usize>word(s, S_CYCLES);
  const total = n * c;
  let i = 0;
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
  // data-valid record of the camera: pixel k valid at cycle k
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
 * layer record. Every in-image tap is visited (no shortcut through the monotonicity of t). Returns a status
 * (STATUS_EMPTY_WINDOW when a window holds no input pixel at all).
 */
export function windowStream(
  layer: usize, inS: usize, outS: usize,
  kh: i32, kw: i32, sh: i32, sw: i32, dh: i32, dw: i32, padT: i32, padL: i32, latency: i32,
): i32 {
  const inH = word(inS, S_HEIGHT), inW = word(inS, S_WIDTH);
  const outH = word(outS, S_HEIGHT), outW = word(outS, S_WIDTH);
  const tin = <usize>word(inS, S_CYCLES);
  const tout = <usize>word(outS, S_CYCLES);
  // Output columns whose window columns are all inside the image, for the 4-wide SIMD max (strides 1 and 2).
  let oxLo = (padL + sw - 1) / sw;
  let oxHi = (inW - 1 + padL - (kw - 1) * dw) / sw + 1; // exclusive
  if (inW - 1 + padL - (kw - 1) * dw < 0) oxHi = 0;
  if (sw > 2 || oxHi < oxLo) { oxLo = 0; oxHi = 0; }
  let prev: i64 = i64.MIN_VALUE;
  for (let oy = 0; oy < outH; oy++) {
    // In-image rows of this output row's windows: ky in [ky0, ky1).
    const y0 = oy * sh - padT;
    let ky0 = 0, ky1 = kh;
    while (ky0 < kh && y0 + ky0 * dh < 0) ky0++;
    while (ky1 > ky0 && y0 + (ky1 - 1) * dh >= inH) ky1--;
    if (ky0 >= ky1) return STATUS_EMPTY_WINDOW;
    const trow = tout + (<usize>(oy * outW) << 2);
    // ready(k) - latency for the row: the latest valid cycle over every in-image tap.
    let ox = 0;
    while (ox < outW) {
      if (ox >= oxLo && ox + 4 <= oxHi) {
        // four output pixels at once, all window columns inside
        let m = i32x4.splat(i32.MIN_VALUE);
        for (let ky = ky0; ky < ky1; ky++) {
          const row = tin + (<usize>((y0 + ky * dh) * inW + ox * sw - padL) << 2);
          for (let kx = 0; kx < kw; kx++) {
            const q = row + (<usize>(kx * dw) << 2);
            const v = sw == 1 ? v128.load(q) : i32x4.shuffle(v128.load(q), v128.load(q, 16), 0, 2, 4, 6);
            m = i32x4.max_s(m, v);
          }
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
      for (let ky = ky0; ky < ky1; ky++) {
        const row = tin + (<usize>((y0 + ky * dh) * inW + x0) << 2);
        for (let kx = kx0; kx < kx1; kx++) latest = max(latest, load<i32>(row + (<usize>(kx * dw) << 2)));
      }
      store<i32>(trow + (<usize>ox << 2), latest);
      ox++;
    }
    // the output FIFO: one pixel per clock
    for (let k = 0; k < outW; k++) {
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
