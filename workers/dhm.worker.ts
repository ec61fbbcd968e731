/**
 * Module worker running the bit-exact Wasm DHM emulator (src/dhm/wasm.ts over dist/dhm.wasm), exposed with comlink.
 * Thin adapter: no logic beyond loading the module and transferring results.
 *
 * Start: `new Worker(new URL('./workers/dhm.worker.js', base), { type: 'module' })`, then `wrap<DhmWorkerApi>(worker)`.
 * `init()` must be awaited before `run`: with no argument it fetches the emulator's .wasm relative to this
 * worker's URL (`../dhm.wasm` when the worker sits in a `workers/` folder, as build.mjs lays out dist/, else
 * `./dhm.wasm`); a string/URL fetches that address; an ArrayBuffer/Uint8Array is used as the module bytes.
 * `run` returns the output stream (NCHW Int32Array, transferred, not copied) and the cycle counts. A caller that is
 * done with an earlier output may transfer it back as `run`'s third argument: the emulator then writes the new output
 * into that memory instead of allocating a fresh array (in Chromium a fresh 3 MB array costs ≈1.4 ms of first-touch
 * page faults per frame, about as much as the emulator's compute; see README §Benchmark). Errors reach
 * the caller as comlink-serialised Errors whose name is `DhmEmulatorError` / `DhmProgramError` and whose message
 * starts with `dhm emulator [code] layer '…':` (comlink keeps name and message only).
 */
import { expose, transfer } from 'comlink';
import { fetchDistWasm } from './dist-wasm';
import { createEmulator, type ConvDatapath, type DhmEmulator, type DhmEmulatorResult } from '../src/dhm/wasm';
import type { DhmProgram } from '../src/dhm/program';

let emulator: DhmEmulator | null = null;

/**
 * Every `run` call receives a structured clone of the program (a new object), while the emulator caches its memory
 * layout by object identity. So the worker keeps the last program it saw and reuses it when the next one has the
 * same content (the JSON of its scalar fields + a 64-bit hash of every Int32Array), skipping validation and layout.
 */
let lastKey = '';
let lastProgram: DhmProgram | null = null;

function contentKey(program: DhmProgram): string {
  // two independent 32-bit hashes (FNV-1a bytewise, and a murmur-style word mix): a 64-bit content fingerprint
  let h = 0x811c9dc5;
  let g = 0x9747b28c;
  const mix = (v: number): void => {
    h = Math.imul(h ^ (v & 0xff), 0x01000193);
    h = Math.imul(h ^ ((v >>> 8) & 0xff), 0x01000193);
    h = Math.imul(h ^ ((v >>> 16) & 0xff), 0x01000193);
    h = Math.imul(h ^ (v >>> 24), 0x01000193);
    let k = Math.imul(v, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    g ^= k;
    g = Math.imul((g << 13) | (g >>> 19), 5) + 0xe6546b64;
  };
  const json = JSON.stringify(program, (_k, v: unknown) => {
    if (v instanceof Int32Array) {
      mix(v.length);
      for (let i = 0; i < v.length; i++) mix(v[i]!);
      return `i32[${v.length}]`;
    }
    return v;
  });
  return `${json}#${(h >>> 0).toString(16)}${(g >>> 0).toString(16)}`;
}

function canonical(program: DhmProgram): DhmProgram {
  const key = contentKey(program);
  if (key !== lastKey || lastProgram === null) {
    lastKey = key;
    lastProgram = program;
  }
  return lastProgram;
}

function need(): DhmEmulator {
  if (!emulator) throw new Error('dhm worker: call init() before run()');
  return emulator;
}

const api = {
  /** Loads the emulator: bytes, or the URL of dist/dhm.wasm (default: next to this worker, see module doc). */
  async init(source?: string | URL | ArrayBuffer | Uint8Array): Promise<void> {
    const bytes = source instanceof ArrayBuffer || source instanceof Uint8Array ? source : await fetchDistWasm('dhm worker', 'dhm.wasm', source);
    emulator = await createEmulator(bytes);
  },

  /**
   * One frame (HWC RGB bytes, H·W·3) through `program`; the output array is transferred back. `recycled`: an output
   * array of an earlier run that the caller no longer reads (transfer it in); when it has the output's length the
   * result is written into it (and returned in it), else it is dropped and a fresh array is allocated.
   */
  run(program: DhmProgram, frame: Uint8Array, recycled?: Int32Array): DhmEmulatorResult {
    const emu = need();
    const prog = canonical(program);
    const outStream = prog.streams[prog.output];
    const fits = recycled instanceof Int32Array && outStream !== undefined && recycled.length === outStream.channels * outStream.height * outStream.width;
    const r = emu.run(prog, frame, fits ? { output: recycled } : {});
    return transfer(r, [r.output.buffer]);
  },

  /** The datapath chosen for each conv layer (layer name → datapath), without running a frame. */
  prepare(program: DhmProgram): Record<string, ConvDatapath> {
    return Object.fromEntries(need().prepare(canonical(program)));
  },
};

/** The comlink API of this worker (for `wrap<DhmWorkerApi>(worker)`). */
export type DhmWorkerApi = typeof api;

expose(api);
