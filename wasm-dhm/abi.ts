// The emulator's memory layout (ABI), written once: status codes, the program header, the stream record and the
// layer record, as i32 word offsets (docs/emulator.md §Layout). src/dhm/wasm.ts lays programs out with the same numbers;
// test/node/dhm-wasm-abi.test.ts reads this file and fails when the TypeScript side differs in any constant.
// Bump ABI_VERSION whenever a number here changes.

/** Version of this layout; `abiVersion()` returns it and the wrapper refuses a module with another one. */
export const ABI_VERSION: i32 = 2;

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

// ---- values of layer-record fields ----
// L_MODE: the conv datapath (conv.ts; chosen by src/dhm/wasm.ts)
export const MODE_EXACT: i32 = 0;
export const MODE_DOT16: i32 = 1;
export const MODE_DW32: i32 = 2;
export const MODE_ROWS16: i32 = 3;
// L_ROUNDING
export const ROUND_FLOOR: i32 = 0;
export const ROUND_HALF_UP: i32 = 1;
export const ROUND_HALF_EVEN: i32 = 2;
// L_OVERFLOW
export const OVERFLOW_SATURATE: i32 = 0;
export const OVERFLOW_WRAP: i32 = 1;
// L_ACTIVATION
export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_RELU6: i32 = 2;
export const ACT_HARDTANH: i32 = 3;
