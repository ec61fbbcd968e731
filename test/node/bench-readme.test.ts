/**
 * The README's benchmark tables are generated from the raw results in bench/results/ (bench/readme-tables.mjs): the
 * committed README section must equal what the committed results give, and the generator must turn results into the
 * stated ranges.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BEGIN, COLDSTART_BEGIN, COLDSTART_END, END, coldstartTable, range, regenerate, tables } from '../../bench/readme-tables.mjs';
import { ROOT } from './helpers/paths';

const row = (model: string, cutIndex: number, ratio: number, pooled: number) => ({
  head: `${model} cut ${cutIndex} (t)`, model, cutIndex, cut: 't', macs: 10e6, emulatorPooledMs: pooled, emulatorFreshMs: pooled * 2, ortMs: pooled * ratio,
  allocCopyMs: 0.1, ratio, ratioFresh: ratio / 2,
});
const machine = { cpu: 'Test CPU', cores: 2, caches: [{ level: 2, type: 'Unified', sizeKiB: 1024, sharedByCpus: 1 }], node: 'v20', loadAverage1m: 0.5, idleCoresAtStart: 1.9, runs: 30, rounds: 3 };

describe('README benchmark tables (bench/readme-tables.mjs)', () => {
  it('the README sections between the markers (emulator benchmark, demo page) are exactly what bench/results/ gives', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(BEGIN) && readme.includes(END), 'README has the emulator benchmark\'s markers');
    assert.ok(readme.includes(COLDSTART_BEGIN) && readme.includes(COLDSTART_END), 'README has the demo page table\'s markers');
    const expected = regenerate(readme, join(ROOT, 'bench', 'results'));
    assert.equal(readme, expected, 'README generated sections differ from bench/results/: run `node bench/readme-tables.mjs`');
  });

  it('the demo page table takes each (network, EP) from the newest run that measured it and cites that run', () => {
    const machine2 = { cpu: 'Test CPU', cores: 2, node: 'v20', chromium: 'Chromium 1', loadAverage1m: { min: 1, max: 2 }, idleCoresBefore: 2, idleCoresAfter: 1.9 };
    const cold = (network: string, ep: string, pageMs: number, bareMs: number, cpuS?: object, loads?: { page: number[]; bare: number[] }) =>
      ({ network, ep, pageMs, bareMs, ratio: pageMs / bareMs, cpuS, ...(loads ? { page: loads.page.map((ms) => ({ ms })), bare: loads.bare.map((ms) => ({ ms })) } : {}) });
    const live = (network: string, ep: string, ratio: number) => ({ network, ep, seconds: 15, hybridFps: 20 * ratio, bareFps: 20, ratio, frames: 300 });
    const runs = [
      { file: 'coldstart-a.json', date: '2026-12-01T00:00:00Z', rounds: 3, machine: machine2, source: { commit: 'aaaaaaaaaaaa', dirty: false }, error: 'Error: live (sq, webgpu) failed', coldstart: [cold('sq', 'wasm', 3000, 2000), cold('sq', 'webgpu', 9000, 10000)], live: [live('sq', 'wasm', 0.8)] },
      { file: 'coldstart-b.json', date: '2026-12-02T00:00:00Z', rounds: 5, machine: machine2, source: { commit: 'bbbbbbbbbbbb', dirty: true, changed: ['bench/a.mjs', 'bench/b.mjs', 'c', 'd', 'e'] }, coldstart: [cold('sq', 'wasm', 2200, 2000, { page: 1.8, bare: 1.04, pageMain: 0.32, bareMain: 0.16 }, { page: [1000, 2200, 3000], bare: [2000, 1000, 2100] })], live: [] },
    ];
    const t: string = coldstartTable(runs);
    const lines = t.split('\n');
    // per round: each page load over the bare load of the same round (1000/2000, 2200/1000, 3000/2100), not over the sorted loads
    assert.equal(lines.find((l) => l.startsWith('| sq | wasm')), '| sq | wasm | 2.20 s / 2.00 s (**1.10x**) [1] | 1.43x (0.50–2.20) | 1.80 / 1.04 (0.32 / 0.16) | 16.00 / 20.00 (**0.80x**, 300 hybrid frames in 15 s) [2] |');
    assert.equal(lines.find((l) => l.startsWith('| sq | WebGPU')), '| sq | WebGPU | 9.00 s / 10.00 s (**0.90x**) [2] | not recorded | not measured | not run |');
    assert.match(t, /^\[1\] `bench\/results\/coldstart-b\.json`: 2026-12-02 00:00 UTC, code bbbbbbbbbb \(with uncommitted changes to bench\/a\.mjs, bench\/b\.mjs, c, d and 1 more\); cold start median of 5 rounds; Chromium 1/m);
    assert.match(t, /^\[2\] `bench\/results\/coldstart-a\.json`: 2026-12-01 00:00 UTC, code aaaaaaaaaa; cold start median of 3 rounds, live 15 s per network/m);
    assert.match(t, /^\[2\] .* The run ended with an error after these figures: Error: live \(sq, webgpu\) failed$/m);
    assert.doesNotMatch(t, /^\[1\] .*error/m);
    assert.match(coldstartTable([]), /No cold-start results/);
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
