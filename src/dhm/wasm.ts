/**
 * TypeScript side of the bit-exact Wasm emulator of the DHM datapath (`wasm-dhm/`, AssemblyScript + SIMD).
 * Environment-neutral (browser, worker, Node): hand it the bytes of `dist/dhm.wasm` (or a compiled module).
 *
 * It validates a {@link DhmProgram}, lays it out in the module's linear memory (layout: docs/emulator.md),
 * chooses a datapath per conv layer (exact i64, or the i32 SIMD fast paths when the worst-case accumulator fits
 * 31 bits — same integers by construction, docs/emulator.md §Datapaths), runs frames and returns the program's
 * output stream (NCHW Int32Array) and the cycle counts the Wasm side obtained by stepping every layer's
 * data-valid stream through its output FIFO (docs/datapath.md §9). Wasm status codes become
 * {@link DhmEmulatorError}s naming the layer.
 *
 * Independent of the TypeScript reference executor (src/dhm/reference.ts): nothing here imports it.
 */

import type { ConvLayer, DhmProgram, HeadCycles, StreamInfo } from './program';
import { formatRange } from './program';
import { validateProgram } from './validate';

/** Why the emulator refused or failed (closed union). */
export type DhmEmulatorErrorCode =
  | 'bad-module' // the .wasm is not this emulator (missing exports, other ABI version)
  | 'bad-frame' // the frame is not H·W·3 bytes
  | 'bad-output' // options.output is not an Int32Array of the output's size
  | 'out-of-memory' // linear memory could not grow to hold the program and its streams
  | 'wasm-bad-magic'
  | 'wasm-bad-kind'
  | 'wasm-bad-shape'
  | 'wasm-bad-param'
  | 'wasm-empty-window'
  | 'wasm-cycle-overflow'
  | 'wasm-bad-stream'
  | 'wasm-unknown-status'
  | 'wasm-abort' // an assertion of the debug build (dist/dhm.debug.wasm) failed
  | 'wasm-trap'; // the module trapped (out-of-bounds access, …): an emulator bug, reported with the layer table state

/** Typed error of the emulator: `code`, the offending layer's name when there is one, and a message naming the cause. */
export class DhmEmulatorError extends Error {
  readonly code: DhmEmulatorErrorCode;
  /** Name of the layer at fault (undefined for program-level or frame errors). */
  readonly layer: string | undefined;
  constructor(code: DhmEmulatorErrorCode, message: string, layer?: string) {
    super(layer === undefined ? `dhm emulator [${code}]: ${message}` : `dhm emulator [${code}] layer '${layer}': ${message}`);
    this.name = 'DhmEmulatorError';
    this.code = code;
    this.layer = layer;
  }
}

/** Result of one frame: the output stream (NCHW, codes of the output format) and the cycle counts. */
export interface DhmEmulatorResult {
  /** NCHW Int32Array, length channels·height·width of `program.streams[program.output]`. */
  readonly output: Int32Array;
  readonly cycles: HeadCycles;
}

/** Datapath chosen for a conv layer (docs/emulator.md §Datapaths). */
export type ConvDatapath = 'exact-i64' | 'dot16-simd' | 'dot16-rows-simd' | 'depthwise-i32-simd';

/** Options of {@link createEmulator}. */
export interface DhmEmulatorOptions {
  /** Force the exact i64 datapath for every conv layer (to test the fast paths against it). Default false. */
  readonly forceExact?: boolean;
}

/** Options of {@link DhmEmulator.run}. */
export interface DhmRunOptions {
  /**
   * Write the output stream into this array (NCHW, exactly channels·height·width long) instead of a fresh one;
   * it is also the returned `output`. Lets a caller that runs many frames avoid one large allocation per frame.
   */
  readonly output?: Int32Array;
}

/** A ready emulator instance (one Wasm instance; not re-entrant, one run at a time). */
export interface DhmEmulator {
  /**
   * Runs one frame: `frame` is HWC RGB bytes, H·W·3 long (H, W = `program.input`). The program is laid out
   * in memory on first use and cached by object identity (programs are immutable data); the returned
   * `output` is a fresh array owned by the caller.
   */
  run(program: DhmProgram, frame: Uint8Array, options?: DhmRunOptions): DhmEmulatorResult;
  /** Validates and lays out `program` without running a frame; returns the datapath chosen per layer (conv layers only). */
  prepare(program: DhmProgram): ReadonlyMap<string, ConvDatapath>;
  /** Current linear memory size in bytes. */
  memoryBytes(): number;
}

/** Bytes of the compiled module, or the module itself. */
export type DhmWasmSource = ArrayBuffer | Uint8Array | WebAssembly.Module;

interface Exports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  abiVersion(): number;
  prepare(prog: number): number;
  run(prog: number): number;
  packedBytes(mode: number, inC: number, outC: number, groups: number, kh: number, kw: number): number;
  paddedImageBytes(inH: number, inW: number, inC: number, padT: number, padL: number, padB: number, padR: number): number;
}

// ---- memory layout constants: the TypeScript side of wasm-dhm/abi.ts (docs/emulator.md), checked against that file
// constant by constant by test/node/dhm-wasm-abi.test.ts ----
const ABI_VERSION = 2;
const MAGIC = 0x314d4844;
const H = { MAGIC: 0, NUM_STREAMS: 1, NUM_LAYERS: 2, STREAM_TABLE: 3, LAYER_TABLE: 4, INPUT: 5, OUTPUT: 6, SCRATCH: 7, SCRATCH_BYTES: 8, STATUS_LAYER: 9, STATUS_DETAIL: 10, FRAME: 11, OUT_NCHW: 12, OUT_WRITTEN: 13, WORDS: 16 } as const;
const S = { CHANNELS: 0, HEIGHT: 1, WIDTH: 2, BITS: 3, SIGNED: 4, DATA: 5, CYCLES: 6, INTBITS: 7, WORDS: 8 } as const;
const L = {
  KIND: 0, OUT: 1, IN0: 2, IN1: 3, KH: 4, KW: 5, SH: 6, SW: 7, DH: 8, DW: 9, PAD_T: 10, PAD_L: 11, PAD_B: 12, PAD_R: 13,
  GROUPS: 14, CEIL: 15, ROUNDING: 16, OVERFLOW: 17, ACTIVATION: 18, WEIGHTS: 19, BIAS: 20, SHIFT: 21, PAD_VALUE: 22,
  NUM_INPUTS: 23, SHIFT0: 24, SHIFT1: 25, MODE: 26, PACKED: 27, PACKED_BYTES: 28, RQ: 29, RQ_SHIFT: 30, OUT_NCHW: 31, LATENCY: 40, FIRST: 41, TOTAL: 42, WORDS: 48,
} as const;
const KIND = { conv: 0, maxpool: 1, add: 2, wire: 3 } as const;
const ROUNDING = { floor: 0, 'half-up': 1, 'half-even': 2 } as const;
const OVERFLOW = { saturate: 0, wrap: 1 } as const;
const ACTIVATION = { none: 0, relu: 1, relu6: 2, hardtanh: 3 } as const;
const MODE: Record<ConvDatapath, number> = { 'exact-i64': 0, 'dot16-simd': 1, 'depthwise-i32-simd': 2, 'dot16-rows-simd': 3 };
const STATUS: Record<number, DhmEmulatorErrorCode> = {
  1: 'wasm-bad-magic', 2: 'wasm-bad-kind', 3: 'wasm-bad-shape', 4: 'wasm-bad-param',
  5: 'wasm-empty-window', 6: 'wasm-cycle-overflow', 7: 'wasm-bad-stream',
};
/**
 * The memory layout this wrapper writes (word offsets of the program header H, stream record S and layer record L,
 * field value codes, status codes), for the check against wasm-dhm/abi.ts. Read-only.
 */
export const WASM_ABI = { ABI_VERSION, MAGIC, H, S, L, KIND, ROUNDING, OVERFLOW, ACTIVATION, MODE, STATUS } as const;

/** The DhmEmulatorError code of a Wasm status code (0 = ok has none). */
export function emulatorStatusCode(status: number): DhmEmulatorErrorCode {
  return STATUS[status] ?? 'wasm-unknown-status';
}

const PAGE_BYTES = 65536;
/** Slack after every stream buffer: SIMD lanes past the last channel may be read/written there. */
const STREAM_SLACK_BYTES = 64;

const align16 = (n: number): number => (n + 15) & ~15;

interface Prepared {
  readonly program: DhmProgram;
  readonly prog: number; // address of the program header
  readonly framePtr: number;
  readonly frameBytes: number;
  readonly outPtr: number;
  readonly outLength: number;
  readonly outCyclesPtr: number;
  readonly outPixels: number;
  readonly layerRecs: readonly number[];
  readonly datapaths: ReadonlyMap<string, ConvDatapath>;
}

/** Instantiates the emulator from the bytes of `dist/dhm.wasm` (or a compiled module). */
export async function createEmulator(source: DhmWasmSource, options: DhmEmulatorOptions = {}): Promise<DhmEmulator> {
  let instance: WebAssembly.Instance;
  let memory: WebAssembly.Memory | undefined;
  /** AssemblyScript strings: UTF-16LE code units, byte length in the word before the pointer. */
  const readString = (ptr: number): string => {
    if (!memory || ptr === 0) return '';
    const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0]!;
    return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, Math.min(bytes, 2048) >> 1));
  };
  const imports = {
    env: {
      // Only the debug build imports this (its assertions); the release build imports nothing.
      abort(msg: number, file: number, line: number, column: number): never {
        throw new DhmEmulatorError('wasm-abort', `assertion failed: ${readString(msg)} at ${readString(file)}:${line}:${column}`);
      },
    },
  };
  try {
    const module = source instanceof WebAssembly.Module ? source : await WebAssembly.compile(source);
    instance = await WebAssembly.instantiate(module, imports);
    memory = instance.exports.memory as WebAssembly.Memory;
  } catch (e) {
    throw new DhmEmulatorError('bad-module', `cannot instantiate the DHM emulator module: ${(e as Error).message}`);
  }
  const ex = instance.exports as unknown as Exports;
  for (const name of ['heapBase', 'abiVersion', 'prepare', 'run', 'packedBytes', 'paddedImageBytes'] as const) {
    if (typeof ex[name] !== 'function') throw new DhmEmulatorError('bad-module', `module lacks export '${name}' (is this dist/dhm.wasm?)`);
  }
  if (!(ex.memory instanceof WebAssembly.Memory)) throw new DhmEmulatorError('bad-module', "module lacks exported 'memory'");
  if (ex.abiVersion() !== ABI_VERSION) {
    throw new DhmEmulatorError('bad-module', `ABI version mismatch: module ${ex.abiVersion()}, wrapper ${ABI_VERSION}`);
  }
  return new Emulator(ex, options.forceExact === true);
}

class Emulator implements DhmEmulator {
  private current: Prepared | undefined;
  constructor(private readonly ex: Exports, private readonly forceExact: boolean) {}

  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  prepare(program: DhmProgram): ReadonlyMap<string, ConvDatapath> {
    return this.ensure(program).datapaths;
  }

  run(program: DhmProgram, frame: Uint8Array, options: DhmRunOptions = {}): DhmEmulatorResult {
    const p = this.ensure(program);
    const into = options.output;
    if (into !== undefined && (!(into instanceof Int32Array) || into.length !== p.outLength)) {
      throw new DhmEmulatorError('bad-output', `options.output must be an Int32Array of ${p.outLength} values (NCHW output), got ${into instanceof Int32Array ? into.length : typeof into}`);
    }
    if (!(frame instanceof Uint8Array)) throw new DhmEmulatorError('bad-frame', 'frame must be a Uint8Array (HWC RGB bytes)');
    if (frame.length !== p.frameBytes) {
      const { height, width } = program.input;
      throw new DhmEmulatorError('bad-frame', `frame has ${frame.length} bytes, expected ${height}x${width}x3 = ${p.frameBytes} (HWC RGB)`);
    }
    const buf = this.ex.memory.buffer;
    new Uint8Array(buf, p.framePtr, p.frameBytes).set(frame);
    const st = this.call(() => this.ex.run(p.prog), 'run');
    if (st !== 0) this.fail(p, st);
    const words = new Int32Array(this.ex.memory.buffer);
    const outWords = words.subarray(p.outPtr >> 2, (p.outPtr >> 2) + p.outLength);
    // A fresh array by slice() (allocated and filled in one step: in Node ≈0.2 ms for 3 MB instead of ≈0.6 ms for
    // new Int32Array + set, which zeroes first), or the caller's array.
    let output: Int32Array;
    if (into) {
      into.set(outWords);
      output = into;
    } else {
      output = outWords.slice();
    }
    const perLayer = program.layers.map((layer, i) => {
      const rec = p.layerRecs[i]! >> 2;
      return { layer: layer.name, firstOutput: words[rec + L.FIRST]!, total: words[rec + L.TOTAL]! };
    });
    const oc = p.outCyclesPtr >> 2;
    const cycles: HeadCycles = { firstOutput: words[oc]!, total: words[oc + p.outPixels - 1]! + 1, perLayer };
    return { output, cycles };
  }

  /** Calls into the module; a trap becomes a DhmEmulatorError 'wasm-trap' (assertion aborts pass through). */
  private call(f: () => number, what: string): number {
    try {
      return f();
    } catch (e) {
      if (e instanceof DhmEmulatorError) throw e;
      this.current = undefined;
      throw new DhmEmulatorError('wasm-trap', `the module trapped in ${what}(): ${(e as Error).message}`);
    }
  }

  private fail(p: Prepared, status: number): never {
    const words = new Int32Array(this.ex.memory.buffer);
    const li = words[(p.prog >> 2) + H.STATUS_LAYER]!;
    const detail = words[(p.prog >> 2) + H.STATUS_DETAIL]!;
    const layer = li >= 0 && li < p.program.layers.length ? p.program.layers[li]!.name : undefined;
    const code = emulatorStatusCode(status);
    const what: Record<string, string> = {
      'wasm-bad-magic': 'program header corrupted',
      'wasm-bad-kind': `unknown layer kind code ${detail}`,
      'wasm-bad-shape': 'input and output streams differ in size',
      'wasm-bad-param': 'parameter out of range (wire source index/channel, or fast-path packing)',
      'wasm-empty-window': 'an output window holds no in-image input pixel (docs/datapath.md §3.1)',
      'wasm-cycle-overflow': 'a valid cycle exceeds 2^31-1',
      'wasm-bad-stream': `stream index out of range (operand ${detail})`,
    };
    // A failed run leaves the layout intact, but re-prepare next time to be safe.
    this.current = undefined;
    throw new DhmEmulatorError(code, `${what[code] ?? `status ${status}`} (wasm status ${status}, detail ${detail})`, layer);
  }

  private ensure(program: DhmProgram): Prepared {
    if (this.current !== undefined && this.current.program === program) return this.current;
    this.current = undefined;
    const p = this.layout(program);
    const st = this.call(() => this.ex.prepare(p.prog), 'prepare');
    if (st !== 0) this.fail(p, st);
    this.current = p;
    return p;
  }

  /** Validates the program and writes it into linear memory (docs/emulator.md §Layout). */
  private layout(program: DhmProgram): Prepared {
    validateProgram(program); // throws DhmProgramError (src/dhm/validate.ts) naming layer and field
    // the streams the program uses (validated above): the input, then each layer's output
    const ids = [program.input.id, ...program.layers.map((l) => l.output)];
    const index = new Map(ids.map((id, i) => [id, i] as const));
    const info = (id: string): StreamInfo => program.streams[id]!;

    // ---- plan (bump allocator over linear memory, 16-byte aligned) ----
    let top = this.ex.heapBase();
    const alloc = (bytes: number): number => {
      const at = top;
      top = align16(top + bytes);
      return at;
    };
    const prog = alloc(H.WORDS * 4);
    const streamTable = alloc(ids.length * S.WORDS * 4);
    const layerTable = alloc(program.layers.length * L.WORDS * 4);
    const datapaths = new Map<string, ConvDatapath>();
    const modes: number[] = [];
    const intRq: (number | undefined)[] = [];
    let scratchBytes = 16;
    let poolRowBytes = 0;
    const arrays: { at: number; data: ArrayLike<number> }[] = [];
    const arr = (data: ArrayLike<number>): number => {
      const at = alloc(Math.max(4, data.length * 4));
      arrays.push({ at, data });
      return at;
    };
    const layerPtrs: Record<string, number>[] = [];
    for (const layer of program.layers) {
      const ptrs: Record<string, number> = {};
      if (layer.kind === 'conv') {
        const inS = info(layer.input);
        const bounds = accumulatorBounds(layer, inS);
        const dp = this.forceExact ? 'exact-i64' : chooseConvDatapath(layer, inS, bounds);
        datapaths.set(layer.name, dp);
        modes.push(MODE[dp]);
        intRq.push(dp === 'exact-i64' ? undefined : uniformIntegerShift(layer, bounds));
        ptrs.weights = arr(layer.weights);
        ptrs.bias = arr(layer.bias);
        ptrs.shift = arr(layer.shift);
        ptrs.padValue = arr(layer.padValue);
        const pb = this.ex.packedBytes(MODE[dp], layer.inChannels, layer.outChannels, layer.groups, layer.kernelH, layer.kernelW);
        ptrs.packedBytes = pb;
        ptrs.packed = alloc(pb);
        const fanIn = (layer.inChannels / layer.groups) * layer.kernelH * layer.kernelW;
        scratchBytes = Math.max(scratchBytes, fanIn * 8 + 16, 2 * align16(((fanIn + 1) >> 1) * 4 + 32) + 32);
        if (dp === 'dot16-rows-simd' || dp === 'depthwise-i32-simd') { // conv_rows16.ts / conv_dw32.ts's dw16 variant
          scratchBytes = Math.max(scratchBytes, this.ex.paddedImageBytes(inS.height, inS.width, inS.channels, layer.padTop, layer.padLeft, layer.padBottom, layer.padRight));
        }
      } else if (layer.kind === 'wire') {
        modes.push(0);
        intRq.push(undefined);
        scratchBytes = Math.max(scratchBytes, info(layer.output).channels * 5 * 4 + 16); // wire.ts source table
        ptrs.sourceInput = arr(layer.sourceInput);
        ptrs.sourceChannel = arr(layer.sourceChannel);
        ptrs.shifts = arr(layer.shifts);
        ptrs.inputs = arr(layer.inputs.map((id) => index.get(id)!));
      } else {
        modes.push(0);
        intRq.push(undefined);
        // pool.ts: the column-max row buffer (one input row, all channels, + SIMD slack), at the end of the scratch area
        if (layer.kind === 'maxpool') poolRowBytes = Math.max(poolRowBytes, info(layer.input).width * info(layer.input).channels * 4 + 32);
      }
      // stream.ts windowStream: the column-max row of the data-valid record (one input row of cycles + SIMD slack)
      if (layer.kind === 'conv' || layer.kind === 'maxpool') scratchBytes = Math.max(scratchBytes, info(layer.input).width * 4 + 32);
      layerPtrs.push(ptrs);
    }
    scratchBytes += poolRowBytes; // on top of the convs' scratch (pool.ts places its row buffer at the end)
    const scratch = alloc(scratchBytes);
    const frameBytes = program.input.height * program.input.width * 3;
    const framePtr = alloc(frameBytes);
    const streamPtrs = ids.map((id) => {
      const s = info(id);
      const pixels = s.height * s.width;
      return { data: alloc(pixels * s.channels * 4 + STREAM_SLACK_BYTES), cycles: alloc(pixels * 4 + STREAM_SLACK_BYTES) };
    });
    const outInfo = info(program.output);
    const outLength = outInfo.channels * outInfo.height * outInfo.width;
    const outPtr = alloc(outLength * 4);

    // ---- grow memory ----
    const need = top - this.ex.memory.buffer.byteLength;
    if (need > 0) {
      const pages = Math.ceil(need / PAGE_BYTES);
      try {
        this.ex.memory.grow(pages);
      } catch (e) {
        throw new DhmEmulatorError('out-of-memory', `cannot grow linear memory by ${pages} pages to ${top} bytes: ${(e as Error).message}`);
      }
    }

    // ---- write ----
    const w = new Int32Array(this.ex.memory.buffer);
    w.fill(0, prog >> 2, (layerTable >> 2) + program.layers.length * L.WORDS);
    const hw = prog >> 2;
    w[hw + H.MAGIC] = MAGIC;
    w[hw + H.NUM_STREAMS] = ids.length;
    w[hw + H.NUM_LAYERS] = program.layers.length;
    w[hw + H.STREAM_TABLE] = streamTable;
    w[hw + H.LAYER_TABLE] = layerTable;
    w[hw + H.INPUT] = index.get(program.input.id)!;
    w[hw + H.OUTPUT] = index.get(program.output)!;
    w[hw + H.SCRATCH] = scratch;
    w[hw + H.SCRATCH_BYTES] = scratchBytes;
    w[hw + H.STATUS_LAYER] = -1;
    w[hw + H.FRAME] = framePtr;
    w[hw + H.OUT_NCHW] = outPtr;
    ids.forEach((id, i) => {
      const s = info(id);
      const r = (streamTable >> 2) + i * S.WORDS;
      w[r + S.CHANNELS] = s.channels;
      w[r + S.HEIGHT] = s.height;
      w[r + S.WIDTH] = s.width;
      w[r + S.BITS] = s.format.bits;
      w[r + S.SIGNED] = s.format.signed ? 1 : 0;
      w[r + S.DATA] = streamPtrs[i]!.data;
      w[r + S.CYCLES] = streamPtrs[i]!.cycles;
      w[r + S.INTBITS] = s.format.intBits;
    });
    for (const { at, data } of arrays) w.set(data, at >> 2);
    const layerRecs: number[] = [];
    program.layers.forEach((layer, i) => {
      const at = layerTable + i * L.WORDS * 4;
      layerRecs.push(at);
      const r = at >> 2;
      const ptrs = layerPtrs[i]!;
      w[r + L.KIND] = KIND[layer.kind];
      w[r + L.OUT] = index.get(layer.output)!;
      w[r + L.MODE] = modes[i]!;
      const rqShift = intRq[i];
      w[r + L.RQ] = rqShift === undefined ? 0 : 1;
      w[r + L.RQ_SHIFT] = rqShift ?? 0;
      switch (layer.kind) {
        case 'conv':
        case 'maxpool': {
          w[r + L.IN0] = index.get(layer.input)!;
          w[r + L.KH] = layer.kernelH;
          w[r + L.KW] = layer.kernelW;
          w[r + L.SH] = layer.strideH;
          w[r + L.SW] = layer.strideW;
          w[r + L.PAD_T] = layer.padTop;
          w[r + L.PAD_L] = layer.padLeft;
          w[r + L.PAD_B] = layer.padBottom;
          w[r + L.PAD_R] = layer.padRight;
          if (layer.kind === 'conv') {
            w[r + L.DH] = layer.dilationH;
            w[r + L.DW] = layer.dilationW;
            w[r + L.GROUPS] = layer.groups;
            w[r + L.ROUNDING] = ROUNDING[layer.rounding];
            w[r + L.OVERFLOW] = OVERFLOW[layer.overflow];
            w[r + L.ACTIVATION] = ACTIVATION[layer.activation];
            w[r + L.WEIGHTS] = ptrs.weights!;
            w[r + L.BIAS] = ptrs.bias!;
            w[r + L.SHIFT] = ptrs.shift!;
            w[r + L.PAD_VALUE] = ptrs.padValue!;
            w[r + L.PACKED] = ptrs.packed!;
            w[r + L.PACKED_BYTES] = ptrs.packedBytes!;
          } else {
            w[r + L.DH] = 1;
            w[r + L.DW] = 1;
            w[r + L.GROUPS] = 1;
            w[r + L.CEIL] = layer.ceilMode ? 1 : 0;
          }
          break;
        }
        case 'add':
          w[r + L.IN0] = index.get(layer.inputs[0])!;
          w[r + L.IN1] = index.get(layer.inputs[1])!;
          w[r + L.SHIFT0] = layer.shifts[0];
          w[r + L.SHIFT1] = layer.shifts[1];
          w[r + L.ROUNDING] = ROUNDING[layer.rounding];
          w[r + L.OVERFLOW] = OVERFLOW[layer.overflow];
          w[r + L.ACTIVATION] = ACTIVATION[layer.activation];
          break;
        case 'wire':
          w[r + L.WEIGHTS] = ptrs.sourceInput!;
          w[r + L.BIAS] = ptrs.sourceChannel!;
          w[r + L.SHIFT] = ptrs.shifts!;
          w[r + L.PAD_VALUE] = ptrs.inputs!;
          w[r + L.NUM_INPUTS] = layer.inputs.length;
          w[r + L.ROUNDING] = ROUNDING[layer.rounding];
          w[r + L.OVERFLOW] = OVERFLOW[layer.overflow];
          break;
      }
    });
    // The final layer writes the NCHW output itself when it is a dot16 conv and no other layer reads its stream.
    const last = program.layers.findIndex((l) => l.output === program.output);
    const read = program.layers.some((l) => (l.kind === 'conv' || l.kind === 'maxpool' ? [l.input] : l.inputs).includes(program.output));
    if (last >= 0 && !read && (modes[last] === MODE['dot16-simd'] || modes[last] === MODE['dot16-rows-simd'])) {
      w[(layerRecs[last]! >> 2) + L.OUT_NCHW] = 1;
      w[hw + H.OUT_WRITTEN] = 1;
    }
    const outIdx = index.get(program.output)!;
    return {
      program, prog, framePtr, frameBytes, outPtr, outLength,
      outCyclesPtr: streamPtrs[outIdx]!.cycles, outPixels: outInfo.height * outInfo.width,
      layerRecs, datapaths,
    };
  }
}

/**
 * Per output channel o, the worst-case accumulator magnitude |bias[o]| + max|x| · Σ|W[o]| (max|x| over the input
 * format range and the pad codes): what decides whether the i32 SIMD datapaths can hold every partial sum.
 */
function accumulatorBounds(layer: ConvLayer, input: StreamInfo): Float64Array {
  const r = formatRange(input.format);
  let maxAbsX = Math.max(Math.abs(r.min), Math.abs(r.max));
  for (let c = 0; c < layer.padValue.length; c++) maxAbsX = Math.max(maxAbsX, Math.abs(layer.padValue[c]!));
  const fanIn = (layer.inChannels / layer.groups) * layer.kernelH * layer.kernelW;
  const bounds = new Float64Array(layer.outChannels);
  for (let o = 0; o < layer.outChannels; o++) {
    let sumAbsW = 0;
    for (let j = o * fanIn; j < (o + 1) * fanIn; j++) sumAbsW += Math.abs(layer.weights[j]!);
    bounds[o] = Math.abs(layer.bias[o]!) + maxAbsX * sumAbsW;
  }
  return bounds;
}

/**
 * Picks the conv datapath (docs/emulator.md §Datapaths). The SIMD paths accumulate in i32, so they are taken only
 * when the worst case over every output channel (`bounds`, from accumulatorBounds) is below 2^31 (then i32 holds
 * every partial sum exactly, whatever the summation order), and — for wrap with a left shift — when the shifted
 * accumulator still fits i32. dot16 also needs every input and pad code to fit i16; with groups = 1 and
 * dilationW = 1 it reads windows in place from a padded i16 image (dot16-rows), else it gathers them per pixel.
 * Shifts are within the validated range (-16..48).
 */
function chooseConvDatapath(layer: ConvLayer, input: StreamInfo, bounds: Float64Array): ConvDatapath {
  const LIMIT = 2 ** 31 - 1;
  for (let o = 0; o < layer.outChannels; o++) {
    const bound = bounds[o]!;
    if (bound > LIMIT) return 'exact-i64';
    const s = layer.shift[o]!;
    if (s < 0 && layer.overflow === 'wrap' && bound * 2 ** -s > LIMIT) return 'exact-i64';
  }
  let padFitsI16 = true;
  for (let c = 0; c < layer.padValue.length; c++) {
    const v = layer.padValue[c]!;
    if (v < -32768 || v > 32767) padFitsI16 = false;
  }
  const cinG = layer.inChannels / layer.groups;
  const coutG = layer.outChannels / layer.groups;
  if (cinG === 1 && coutG === 1) return 'depthwise-i32-simd';
  const xFitsI16 = input.format.signed ? input.format.bits <= 16 : input.format.bits <= 15;
  if (xFitsI16 && padFitsI16) return layer.groups === 1 && layer.dilationW === 1 ? 'dot16-rows-simd' : 'dot16-simd';
  return 'exact-i64';
}

/**
 * The shift of a fast-path conv whose output channels all share one shift small enough for integer SIMD
 * re-quantisation (docs/emulator.md §Datapaths), or undefined (then the f64-lane path handles per-channel
 * shifts). Needs -16 <= s <= 30, and the rounding add (half-up) or the left shift must stay below 2^31 for the
 * worst channel of `bounds`.
 */
function uniformIntegerShift(layer: ConvLayer, bounds: Float64Array): number | undefined {
  const s = layer.shift[0]!;
  for (let o = 1; o < layer.outChannels; o++) if (layer.shift[o] !== s) return undefined;
  if (s < -16 || s > 30) return undefined;
  let bound = 0;
  for (let o = 0; o < bounds.length; o++) bound = Math.max(bound, bounds[o]!);
  const LIMIT = 2 ** 31 - 1;
  if (s > 0 && layer.rounding === 'half-up' && bound + 2 ** (s - 1) > LIMIT) return undefined;
  if (s < 0 && bound * 2 ** -s > LIMIT) return undefined;
  return s;
}
