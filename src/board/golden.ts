/**
 * Golden vectors for a board testbench (format: docs/protocol.md §Golden vectors): for one program, a set of
 * input frames with the expected output feature maps and cycle counts, as plain files. Pure: returns the files as
 * bytes; the CLI (`hybrid-dhm golden`) writes them to a directory.
 */
import type { DhmProgram, HeadCycles } from '../dhm/program';
import { formatName } from '../dhm/program';
import { formulaCycles } from '../dhm/cycles';
import type { FrameInput } from '../backend/head-backend';
import { crc32 } from './crc32';
import { packFeatureMap, packingFor } from '../backend/featuremap';
import { encodeResultStream } from './featuremap';
import { PROTOCOL_VERSION } from './frame';
import { canonicalProgramBytes, programHashHex } from './program-hash';
import { int32LEBytes, sha256, toHex } from './sha256';
import type { BoardCompute } from './simulator';

/** Manifest format identifier. */
export const GOLDEN_FORMAT = 'hybrid-dhm-golden/1';

/** One vector in the manifest. */
export interface GoldenVector {
  readonly index: number;
  /** Where the frame came from (image file name). */
  readonly source: string;
  readonly input: { readonly file: string; readonly hexFile: string; readonly shape: readonly [number, number, 3]; readonly layout: 'HWC'; readonly dtype: 'uint8'; readonly sha256: string };
  readonly expected: { readonly file: string; readonly shape: readonly [1, number, number, number]; readonly layout: 'NCHW'; readonly dtype: 'int32le'; readonly format: string; readonly sha256: string };
  readonly packed: { readonly file: string; readonly hexFile: string; readonly packing: 1 | 2 | 3; readonly words: number; readonly layout: 'HWC-channel-fastest-le32'; readonly crc32: string; readonly sha256: string };
  readonly resultStream: { readonly file: string; readonly bytes: number };
  /** Cycle counts of the run that produced `expected` (the emulator's / reference's streaming simulation). */
  readonly cycles: HeadCycles;
}

/** The manifest (`manifest.json`). */
export interface GoldenManifest {
  readonly format: typeof GOLDEN_FORMAT;
  readonly protocolVersion: number;
  readonly producer: string;
  readonly program: {
    readonly hash: string;
    readonly canonicalFile: string;
    readonly meta: Readonly<Record<string, string | number | boolean>>;
    readonly input: { readonly height: number; readonly width: number; readonly channels: 3; readonly format: string };
    readonly output: { readonly stream: string; readonly channels: number; readonly height: number; readonly width: number; readonly format: string };
    /** Analytic cycle counts (src/dhm/cycles.ts), for the testbench's latency check. */
    readonly formulaCycles: HeadCycles;
  };
  readonly vectors: readonly GoldenVector[];
}

function hexBytes(bytes: Uint8Array): Uint8Array {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0') + '\n';
  return ascii(s);
}

function hexWords(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s = '';
  for (let o = 0; o + 4 <= bytes.length; o += 4) s += dv.getUint32(o, true).toString(16).padStart(8, '0') + '\n';
  return ascii(s);
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0x7f;
  return out;
}

/** UTF-8 bytes of a string (no TextEncoder in the core's lib). */
function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Build the golden-vector files for `frames` (each run through `compute`). Returns file name → bytes and the manifest. */
export async function buildGoldenVectors(
  program: DhmProgram,
  frames: readonly { readonly source: string; readonly frame: FrameInput }[],
  compute: BoardCompute,
  producer = 'hybrid-dhm golden',
): Promise<{ readonly manifest: GoldenManifest; readonly files: Map<string, Uint8Array> }> {
  const out = program.streams[program.output];
  if (!out) throw new RangeError(`program output stream '${program.output}' is missing from program.streams`);
  const files = new Map<string, Uint8Array>();
  files.set('program.canon', canonicalProgramBytes(program));
  const vectors: GoldenVector[] = [];
  for (let i = 0; i < frames.length; i++) {
    const { source, frame } = frames[i]!;
    const r = await compute(program, frame);
    const packed = packFeatureMap(r.output, out.channels, out.height, out.width, out.format);
    const stream = encodeResultStream({ format: out.format, channels: out.channels, height: out.height, width: out.width, cycles: r.cycles }, r.output);
    const expected = int32LEBytes(r.output);
    const n = (k: string): string => `${k}-${i}`;
    files.set(`${n('input')}.rgb`, frame.data);
    files.set(`${n('input')}.hex`, hexBytes(frame.data));
    files.set(`${n('expected')}.i32`, expected);
    files.set(`${n('expected')}.packed`, packed);
    files.set(`${n('expected')}.packed.hex`, hexWords(packed));
    files.set(`${n('result')}.stream`, stream);
    vectors.push({
      index: i,
      source,
      input: { file: `${n('input')}.rgb`, hexFile: `${n('input')}.hex`, shape: [frame.height, frame.width, 3], layout: 'HWC', dtype: 'uint8', sha256: toHex(sha256(frame.data)) },
      expected: { file: `${n('expected')}.i32`, shape: [1, out.channels, out.height, out.width], layout: 'NCHW', dtype: 'int32le', format: formatName(out.format), sha256: toHex(sha256(expected)) },
      packed: { file: `${n('expected')}.packed`, hexFile: `${n('expected')}.packed.hex`, packing: packingFor(out.format), words: packed.length / 4, layout: 'HWC-channel-fastest-le32', crc32: crc32(packed).toString(16).padStart(8, '0'), sha256: toHex(sha256(packed)) },
      resultStream: { file: `${n('result')}.stream`, bytes: stream.length },
      cycles: r.cycles,
    });
  }
  const manifest: GoldenManifest = {
    format: GOLDEN_FORMAT,
    protocolVersion: PROTOCOL_VERSION,
    producer,
    program: {
      hash: programHashHex(program),
      canonicalFile: 'program.canon',
      meta: program.meta,
      input: { height: program.input.height, width: program.input.width, channels: 3, format: formatName(program.input.format) },
      output: { stream: program.output, channels: out.channels, height: out.height, width: out.width, format: formatName(out.format) },
      formulaCycles: formulaCycles(program),
    },
    vectors,
  };
  files.set('manifest.json', utf8(JSON.stringify(manifest, null, 2) + '\n'));
  return { manifest, files };
}
