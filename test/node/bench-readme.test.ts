/**
 * The README's benchmark tables are generated from the raw results in bench/results/ (bench/readme-tables.mjs): the
 * committed README section must equal what the committed results give, and the generator must turn results into the
 * stated ranges.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BEGIN, END, range, replaceSection, tables } from '../../bench/readme-tables.mjs';
import { readResults } from '../../bench/results.mjs';
import { ROOT } from './helpers/paths';

const row = (model: string, cutIndex: number, ratio: number, pooled: number) => ({
  head: `${model} cut ${cutIndex} (t)`, model, cutIndex, cut: 't', macs: 10e6, emulatorPooledMs: pooled, emulatorFreshMs: pooled * 2, ortMs: pooled * ratio,
  allocCopyMs: 0.1, ratio, ratioFresh: ratio / 2,
});
const machine = { cpu: 'Test CPU', cores: 2, caches: [{ level: 2, type: 'Unified', sizeKiB: 1024, sharedByCpus: 1 }], node: 'v20', loadAverage1m: 0.5, idleCoresAtStart: 1.9, runs: 30, rounds: 3 };

describe('README benchmark tables (bench/readme-tables.mjs)', () => {
  it('the README section between the markers is exactly what bench/results/ gives', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(BEGIN) && readme.includes(END), 'README has the generated-section markers');
    const dir = join(ROOT, 'bench', 'results');
    const expected = replaceSection(readme, tables(readResults(dir, 'node'), readResults(dir, 'chromium')));
    assert.equal(readme, expected, 'README benchmark section differs from bench/results/: run `node bench/readme-tables.mjs`');
  });

  it('a head row shows the min–max over runs of GMAC/s and ratios, and the lowest ratio is named', () => {
    const node = [
      { date: '2026-12-01T00:00:00Z', machine, rows: [row('squeezenet1.1', 0, 2.5, 1), row('squeezenet1.1', 1, 2.2, 1)] },
      { date: '2026-12-01T00:10:00Z', machine, rows: [row('squeezenet1.1', 0, 3.0, 2), row('squeezenet1.1', 1, 1.9, 1)] },
    ];
    const t: string = tables(node, []);
    const line = t.split('\n').find((l) => l.startsWith('| squeezenet1.1 cut 0'))!;
    assert.match(line, /\| 5\.0–10\.0 \/ 2\.5–5\.0 \| 1\.7–4\.0 \| \*\*2\.50–3\.00x\*\* \(1\.25–1\.50x\)/);
    assert.match(t, /Lowest pooled-output ratio over every head and run: Node 1\.90x \(squeezenet1\.1 cut 1 \(t\)\)/);
    assert.match(t, /1 of 4 head-runs below 2x/);
    assert.match(t, /Runs: 2 Node/);
    assert.match(t, /Test CPU \(2 cores; L2 1 MiB\/core\)/);
    assert.equal(range([1, 1.004], 2), '1.00');
    assert.equal(range([], 2), '—');
  });
});
