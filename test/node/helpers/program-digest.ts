/**
 * A digest of a whole emitted DhmProgram, `meta` included, for the program-hash regression test: SHA-256 of a
 * canonical JSON (object keys sorted, typed arrays written as JSON arrays), hex. Independent of the board's program
 * hash (src/board/program-hash.ts leaves `meta` out), so a change in either cannot hide a change in the other.
 */
import { createHash } from 'node:crypto';
import type { DhmProgram } from '../../../src/dhm/program';

function canon(v: unknown): string {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : JSON.stringify(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}[${Array.from(v as unknown as ArrayLike<number>).join(',')}]`;
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canon(o[k])).join(',') + '}';
  }
  throw new TypeError(`program digest: unexpected ${typeof v}`);
}

/** SHA-256 (hex) of the canonical JSON of `program`, meta included. */
export function programDigest(program: DhmProgram): string {
  return createHash('sha256').update(canon(program)).digest('hex');
}
