// DHM datapath emulator — exports. The TypeScript wrapper (src/dhm/wasm.ts) lays a DhmProgram out in linear
// memory (docs/emulator.md), calls `prepare` once per program and `run` once per frame, and maps the returned
// status codes to typed errors. No allocation happens here: every buffer is placed by the wrapper.

import { convLatency, convValues, packConv } from './conv';
import { poolLatency, poolValues } from './pool';
import { ADD_LATENCY, addValues } from './add';
import { WIRE_LATENCY, wireValues } from './wire';
import { ABI_VERSION, H_SCRATCH, L_MODE, MODE_ROWS16 } from './abi';
import {
  H_INPUT_STREAM, H_MAGIC, H_OUT_WRITTEN, H_NUM_LAYERS, H_NUM_STREAMS, H_OUTPUT_STREAM, H_STATUS_DETAIL, H_STATUS_LAYER,
  KIND_ADD, KIND_CONV, KIND_MAXPOOL, KIND_WIRE, L_DH, L_DW, L_IN0, L_IN1, L_KH, L_KW, L_KIND, L_LATENCY,
  L_NUM_INPUTS, L_OUT, L_PAD_L, L_PAD_T, L_PAD_VALUE, L_SH, L_SW, MAGIC, S_CHANNELS, STATUS_BAD_KIND,
  STATUS_BAD_MAGIC, STATUS_BAD_STREAM, STATUS_OK, cameraTiming, drainFifo, layerRec, pointReady, presentFrame, setWord,
  streamRec, windowStream, word, writeOutputNchw,
} from './stream';

export { packedBytes, paddedImageBytes } from './conv';

/** First free byte of linear memory after static data, 16-byte aligned: the wrapper places everything above it. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** ABI version of the memory layout (docs/emulator.md); the wrapper refuses a module with another one. */
export function abiVersion(): i32 {
  return ABI_VERSION;
}

function fail(prog: usize, layer: i32, status: i32, detail: i32): i32 {
  setWord(prog, H_STATUS_LAYER, layer);
  setWord(prog, H_STATUS_DETAIL, detail);
  return status;
}

function checkStream(prog: usize, idx: i32): bool {
  return idx >= 0 && idx < word(prog, H_NUM_STREAMS);
}

/** Validates the layer table, packs fast-path constants, records each block's register stages and writes the camera's timing. */
export function prepare(prog: usize): i32 {
  setWord(prog, H_STATUS_LAYER, -1);
  setWord(prog, H_STATUS_DETAIL, 0);
  if (word(prog, H_MAGIC) != MAGIC) return fail(prog, -1, STATUS_BAD_MAGIC, word(prog, H_MAGIC));
  if (!checkStream(prog, word(prog, H_INPUT_STREAM))) return fail(prog, -1, STATUS_BAD_STREAM, 0);
  if (!checkStream(prog, word(prog, H_OUTPUT_STREAM))) return fail(prog, -1, STATUS_BAD_STREAM, 1);
  const nl = word(prog, H_NUM_LAYERS);
  for (let i = 0; i < nl; i++) {
    const L = layerRec(prog, i);
    const kind = word(L, L_KIND);
    if (!checkStream(prog, word(L, L_OUT))) return fail(prog, i, STATUS_BAD_STREAM, 0);
    let latency = 0;
    if (kind == KIND_CONV) {
      if (!checkStream(prog, word(L, L_IN0))) return fail(prog, i, STATUS_BAD_STREAM, 1);
      latency = convLatency(L, word(streamRec(prog, word(L, L_IN0)), S_CHANNELS));
      const st = packConv(prog, L);
      if (st != STATUS_OK) return fail(prog, i, st, 0);
    } else if (kind == KIND_MAXPOOL) {
      if (!checkStream(prog, word(L, L_IN0))) return fail(prog, i, STATUS_BAD_STREAM, 1);
      latency = poolLatency(L);
    } else if (kind == KIND_ADD) {
      if (!checkStream(prog, word(L, L_IN0))) return fail(prog, i, STATUS_BAD_STREAM, 1);
      if (!checkStream(prog, word(L, L_IN1))) return fail(prog, i, STATUS_BAD_STREAM, 2);
      latency = ADD_LATENCY;
    } else if (kind == KIND_WIRE) {
      const ins = <usize>word(L, L_PAD_VALUE);
      for (let k = 0; k < word(L, L_NUM_INPUTS); k++) {
        if (!checkStream(prog, load<i32>(ins + (<usize>k << 2)))) return fail(prog, i, STATUS_BAD_STREAM, 1 + k);
      }
      latency = WIRE_LATENCY;
    } else {
      return fail(prog, i, STATUS_BAD_KIND, kind);
    }
    setWord(L, L_LATENCY, latency);
  }
  cameraTiming(prog);
  return STATUS_OK;
}

/**
 * Whether any layer reads the input stream's values: every reader except a rows16 conv (which reads the frame bytes
 * directly, conv_rows16.ts) — or the program output is the input itself.
 */
function inputValuesNeeded(prog: usize): bool {
  const input = word(prog, H_INPUT_STREAM);
  if (word(prog, H_OUTPUT_STREAM) == input) return true;
  const nl = word(prog, H_NUM_LAYERS);
  for (let i = 0; i < nl; i++) {
    const L = layerRec(prog, i);
    const kind = word(L, L_KIND);
    if (kind == KIND_CONV) {
      if (word(L, L_IN0) == input && word(L, L_MODE) != MODE_ROWS16) return true;
    } else if (kind == KIND_MAXPOOL) {
      if (word(L, L_IN0) == input) return true;
    } else if (kind == KIND_ADD) {
      if (word(L, L_IN0) == input || word(L, L_IN1) == input) return true;
    } else {
      const ins = <usize>word(L, L_PAD_VALUE);
      for (let k = 0; k < word(L, L_NUM_INPUTS); k++) if (load<i32>(ins + (<usize>k << 2)) == input) return true;
    }
  }
  return false;
}

/**
 * Runs one frame (already copied to the frame buffer) through the prepared program: every layer's output
 * values, then its data-valid record (ready cycles through the output FIFO). Writes the output stream in NCHW.
 */
export function run(prog: usize): i32 {
  setWord(prog, H_STATUS_LAYER, -1);
  setWord(prog, H_STATUS_DETAIL, 0);
  presentFrame(prog, inputValuesNeeded(prog));
  const nl = word(prog, H_NUM_LAYERS);
  for (let i = 0; i < nl; i++) {
    const L = layerRec(prog, i);
    const kind = word(L, L_KIND);
    const outS = streamRec(prog, word(L, L_OUT));
    const latency = word(L, L_LATENCY);
    let st = STATUS_OK;
    if (kind == KIND_CONV || kind == KIND_MAXPOOL) {
      st = kind == KIND_CONV ? convValues(prog, L) : poolValues(prog, L);
      if (st != STATUS_OK) return fail(prog, i, st, 0);
      const isConv = kind == KIND_CONV;
      st = windowStream(
        L, streamRec(prog, word(L, L_IN0)), outS,
        word(L, L_KH), word(L, L_KW), word(L, L_SH), word(L, L_SW),
        isConv ? word(L, L_DH) : 1, isConv ? word(L, L_DW) : 1,
        word(L, L_PAD_T), word(L, L_PAD_L), latency, <usize>word(prog, H_SCRATCH),
      );
      if (st != STATUS_OK) return fail(prog, i, st, 1);
      continue;
    } else if (kind == KIND_ADD) {
      st = addValues(prog, L);
      if (st != STATUS_OK) return fail(prog, i, st, 0);
      st = pointReady(prog, L + (<usize>L_IN0 << 2), 2, outS, latency);
    } else if (kind == KIND_WIRE) {
      st = wireValues(prog, L);
      if (st != STATUS_OK) return fail(prog, i, st, 0);
      st = pointReady(prog, <usize>word(L, L_PAD_VALUE), word(L, L_NUM_INPUTS), outS, latency);
    } else {
      st = STATUS_BAD_KIND;
    }
    if (st != STATUS_OK) return fail(prog, i, st, 1);
    st = drainFifo(L, outS);
    if (st != STATUS_OK) return fail(prog, i, st, 2);
  }
  if (word(prog, H_OUT_WRITTEN) == 0) writeOutputNchw(prog);
  return STATUS_OK;
}
