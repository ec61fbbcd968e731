/**
 * The emulator's memory layout is written once, in wasm-dhm/abi.ts; the TypeScript wrapper (src/dhm/wasm.ts) that lays
 * programs out must use the same numbers. This reads every `export const NAME: i32 = N;` of wasm-dhm/abi.ts and
 * compares it with the wrapper's WASM_ABI, in both directions (a constant missing on either side fails too).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WASM_ABI } from '../../src/dhm/wasm';
import { ROOT } from './helpers/paths';

/** name → value of every `export const NAME: i32 = <int>;` in a file (decimal or hex). */
export function abiConstants(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^export const ([A-Z0-9_]+): i32 = (0x[0-9a-fA-F]+|-?\d+);/gm)) out.set(m[1]!, Number(m[2]!));
  return out;
}

/** The wrapper's constants under the names abi.ts uses. */
function wrapperConstants(): Map<string, number> {
  const a = WASM_ABI;
  const out = new Map<string, number>([['ABI_VERSION', a.ABI_VERSION], ['MAGIC', a.MAGIC]]);
  const hName: Record<string, string> = { INPUT: 'H_INPUT_STREAM', OUTPUT: 'H_OUTPUT_STREAM' };
  for (const [k, v] of Object.entries(a.H)) out.set(hName[k] ?? `H_${k}`, v);
  for (const [k, v] of Object.entries(a.S)) out.set(`S_${k}`, v);
  for (const [k, v] of Object.entries(a.L)) out.set(`L_${k}`, v);
  for (const [k, v] of Object.entries(a.KIND)) out.set(`KIND_${k.toUpperCase()}`, v);
  for (const [k, v] of Object.entries(a.ROUNDING)) out.set(`ROUND_${k.toUpperCase().replace('-', '_')}`, v);
  for (const [k, v] of Object.entries(a.OVERFLOW)) out.set(`OVERFLOW_${k.toUpperCase()}`, v);
  for (const [k, v] of Object.entries(a.ACTIVATION)) out.set(`ACT_${k.toUpperCase()}`, v);
  const modeName: Record<string, string> = { 'exact-i64': 'MODE_EXACT', 'dot16-simd': 'MODE_DOT16', 'depthwise-i32-simd': 'MODE_DW32', 'dot16-rows-simd': 'MODE_ROWS16' };
  for (const [k, v] of Object.entries(a.MODE)) out.set(modeName[k] ?? `MODE_?${k}`, v);
  out.set('STATUS_OK', 0);
  for (const [v, code] of Object.entries(a.STATUS)) out.set(`STATUS_${code.replace(/^wasm-/, '').toUpperCase().replace(/-/g, '_')}`, Number(v));
  return out;
}

describe('Wasm memory layout (ABI)', () => {
  it('src/dhm/wasm.ts uses exactly the constants of wasm-dhm/abi.ts (same names, same values, none missing on either side)', () => {
    const abi = abiConstants(readFileSync(join(ROOT, 'wasm-dhm', 'abi.ts'), 'utf8'));
    assert.ok(abi.size > 60, `parsed ${abi.size} constants from wasm-dhm/abi.ts`);
    const ts = wrapperConstants();
    const diff: string[] = [];
    for (const [k, v] of abi) if (ts.get(k) !== v) diff.push(`${k}: abi.ts ${v}, wasm.ts ${ts.get(k) ?? 'missing'}`);
    for (const [k, v] of ts) if (!abi.has(k)) diff.push(`${k}: wasm.ts ${v}, abi.ts missing`);
    assert.deepEqual(diff, []);
  });

  it('the parser reads hex and negative values and ignores other declarations', () => {
    const m = abiConstants('export const A: i32 = 0x10;\nexport const B: i32 = -3;\nconst C: i32 = 1;\nexport const d: i64 = 4;\n');
    assert.deepEqual([...m], [['A', 16], ['B', -3]]);
  });
});
