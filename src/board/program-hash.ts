/**
 * Program identity for the board's program check (docs/protocol.md §Program hash).
 *
 * Canonical serialisation: the `DhmProgram` **without `meta`** (provenance does not change the computation) as
 * JSON with object keys sorted by code unit, no whitespace, integer-typed arrays written as JSON arrays of
 * integers, non-ASCII characters escaped as `\uXXXX` — byte-identical to Python's
 * `json.dumps(obj, sort_keys=True, separators=(',', ':'))` on the same data — prefixed by the ASCII line
 * `hybrid-dhm/program/v1\n`. The program hash is SHA-256 of those UTF-8 (= ASCII) bytes. Every number in a program is
 * an integer; a non-integer makes the serialisation throw (it would not be canonical across languages).
 */
import type { DhmProgram } from '../dhm/program';
import { sha256, toHex } from './sha256';

/** Prefix line of the canonical serialisation (names the scheme and its version). */
export const PROGRAM_CANON_PREFIX = 'hybrid-dhm/program/v1\n';

function str(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += s[i];
  }
  return out + '"';
}

function canon(v: unknown, path: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`program is not canonicalisable: ${path} = ${v} is not a safe integer`);
    return Object.is(v, -0) ? '0' : String(v);
  }
  if (typeof v === 'string') return str(v);
  if (ArrayBuffer.isView(v)) {
    if (!(v instanceof Int32Array || v instanceof Uint8Array || v instanceof Int8Array || v instanceof Uint16Array || v instanceof Int16Array || v instanceof Uint32Array)) {
      throw new RangeError(`program is not canonicalisable: ${path} is a ${v.constructor.name} (integer arrays only)`);
    }
    return '[' + Array.from(v as ArrayLike<number>, (x) => String(x)).join(',') + ']';
  }
  if (Array.isArray(v)) return '[' + v.map((x, i) => canon(x, `${path}[${i}]`)).join(',') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return '{' + keys.map((k) => str(k) + ':' + canon(o[k], `${path}.${k}`)).join(',') + '}';
  }
  throw new RangeError(`program is not canonicalisable: ${path} has type ${typeof v}`);
}

/** The canonical serialisation (ASCII bytes) the program hash is taken over. */
export function canonicalProgramBytes(program: DhmProgram): Uint8Array {
  const { meta: _meta, ...rest } = program;
  const text = PROGRAM_CANON_PREFIX + canon(rest, 'program');
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

const cache = new WeakMap<DhmProgram, Uint8Array>();

/** SHA-256 (32 bytes) of the canonical program. Cached per program object (programs are immutable). */
export function programHash(program: DhmProgram): Uint8Array {
  let h = cache.get(program);
  if (!h) {
    h = sha256(canonicalProgramBytes(program));
    cache.set(program, h);
  }
  return h;
}

/** Hex form of {@link programHash}. */
export function programHashHex(program: DhmProgram): string {
  return toHex(programHash(program));
}
