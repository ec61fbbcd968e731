import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DhmProgram } from '../../src/dhm/program';
import { CYCLONE10GX_10CX220, JETSON_TX2, PCIE_GEN2_X4 } from '../../src/cost/devices';
import { linkMs } from '../../src/cost/link';
import type { GpuLayerWork } from '../../src/cost/gpu';
import { isFigure } from '../../src/provenance/provenance';
import { buildReport } from '../../src/cost/report';
import { bestCuts, ROW_FIGURES, sweepNetwork, type NetworkSweepInput, type SweepConfig } from '../../src/cost/sweep';
import { conv, maxpool, program, quantizePow2, randomFloats, testCycles } from './cost-fixtures';

/** A toy 'network': conv 3→8 3x3, maxpool 2, conv 8→16 3x3 as the DHM-able front, then a GPU-only back. */
function toyNetwork(): NetworkSweepInput {
  const fl1 = randomFloats(8 * 3 * 9, 11);
  const fl2 = randomFloats(16 * 8 * 9, 12);
  const shapes = [[1, 8, 62, 62], [1, 8, 31, 31], [1, 16, 29, 29]] as const;
  const front: GpuLayerWork[] = [
    { name: 'c1', op: 'Conv', opClass: 'conv', macs: 8 * 62 * 62 * 27, params: 8 * 27 + 8, inputElems: 3 * 64 * 64, outputElems: 8 * 62 * 62 },
    { name: 'p1', op: 'MaxPool', opClass: 'pool', macs: 0, params: 0, inputElems: 8 * 62 * 62, outputElems: 8 * 31 * 31 },
    { name: 'c2', op: 'Conv', opClass: 'conv', macs: 16 * 29 * 29 * 72, params: 16 * 72 + 16, inputElems: 8 * 31 * 31, outputElems: 16 * 29 * 29 },
  ];
  const back: GpuLayerWork[] = [
    { name: 'c3', op: 'Conv', opClass: 'conv', macs: 2e7, params: 1e5, inputElems: 16 * 29 * 29, outputElems: 64 * 27 * 27 },
    { name: 'gap', op: 'GlobalAveragePool', opClass: 'pool', macs: 0, params: 0, inputElems: 64 * 27 * 27, outputElems: 64 },
    { name: 'flat', op: 'Flatten', opClass: 'view', macs: 0, params: 0, inputElems: 64, outputElems: 64 },
    { name: 'fc', op: 'Gemm', opClass: 'gemm', macs: 64000, params: 64000, inputElems: 64, outputElems: 1000 },
  ];
  const all = [...front, ...back];
  return {
    modelId: 'toy', network: 'ToyNet', inputShape: [3, 64, 64], allLayers: all,
    cuts: shapes.map((s, i) => ({ index: i, tensor: `t${i}`, shape: s, tail: all.slice(i + 1) })),
    program: (cut: number, bits: number): DhmProgram => {
      const layers = [
        conv({ name: 'c1', input: 'in', output: 's1', inC: 3, outC: 8, k: 3, weights: quantizePow2(fl1, bits), weightBits: bits }),
        maxpool('p1', 's1', 's2', 2, 2),
        conv({ name: 'c2', input: 's2', output: 's3', inC: 8, outC: 16, k: 3, weights: quantizePow2(fl2, bits), weightBits: bits }),
      ].slice(0, cut + 1);
      return program(64, 64, layers, { s1: { channels: 8, height: 62, width: 62 }, s2: { channels: 8, height: 31, width: 31 }, s3: { channels: 16, height: 29, width: 29 } }, bits);
    },
    cycles: testCycles,
    programSource: 'hand-built test programs',
  };
}

const CFG: SweepConfig = { fpga: CYCLONE10GX_10CX220, gpu: JETSON_TX2, link: PCIE_GEN2_X4, bits: [6, 8, 10], dspPolicy: 'dsp-largest-first', inputSource: 'host' };

test('sweep rows: every number carries a provenance label; host serial hybrid = frame + FPGA + features + tail', () => {
  const rows = sweepNetwork(toyNetwork(), CFG);
  assert.equal(rows.length, 9);
  for (const r of rows) {
    for (const k of ROW_FIGURES) assert.ok(isFigure(r.figures[k]), `${r.cutIndex}/${r.bits} ${k} is not a labelled figure`);
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number') assert.ok(['cutIndex', 'bits', 'headLayers'].includes(k), `bare number ${k}`);
    const f = r.figures;
    assert.ok(Math.abs(f.hybridLatencyMs.value - (f.fpgaLatencyMs.value + f.linkMs.value + f.tailMs.value)) < 1e-12);
    assert.ok(Math.abs(f.exposedMs.value - (f.fpgaLatencyMs.value + f.linkMs.value)) < 1e-12, 'serial: everything exposed');
    assert.ok(Math.abs(f.linkMs.value - (linkMs(3 * 64 * 64, PCIE_GEN2_X4) + linkMs(f.linkBytes.value - 3 * 64 * 64, PCIE_GEN2_X4))) < 1e-12);
    assert.ok(Math.abs(f.hybridEnergyMJ.value - (f.fpgaEnergyMJ.value + f.tailEnergyMJ.value)) < 1e-12);
    assert.ok(f.linkBytes.value >= 3 * 64 * 64, 'input frame over the link');
  }
  // later cut → never fewer ALMs at the same bit width; more bits → never fewer ALMs at the same cut
  for (const b of CFG.bits) {
    const alms = rows.filter((r) => r.bits === b).map((r) => r.figures.alms.value);
    for (let i = 1; i < alms.length; i++) assert.ok(alms[i]! >= alms[i - 1]!, `bits ${b}: ALMs fall from cut ${i - 1} to ${i}`);
  }
  for (let c = 0; c < 3; c++) {
    const alms = CFG.bits.map((b) => rows.find((r) => r.cutIndex === c && r.bits === b)!.figures.alms.value);
    assert.ok(alms[0]! <= alms[1]! && alms[1]! <= alms[2]!, `cut ${c}: ALMs ${alms.join(', ')} not monotone in bits`);
  }
  const withIdle = sweepNetwork(toyNetwork(), { ...CFG, idlePower: 'included' });
  withIdle.forEach((r, i) => {
    const f = r.figures;
    const idle = 0.15 * f.exposedMs.value + 0.635 * f.tailMs.value;
    assert.ok(Math.abs(f.hybridEnergyMJ.value - (rows[i]!.figures.hybridEnergyMJ.value + idle)) < 1e-9, 'idle power adds GPU-min and FPGA-static energy');
  });
  const best = bestCuts(rows);
  assert.equal(best.length, 3);
  for (const b of best) {
    assert.ok(b.byLatency && b.byLatency.fits);
    const fitting = rows.filter((r) => r.bits === b.bits && r.fits);
    assert.equal(b.byLatency.figures.hybridLatencyMs.value, Math.min(...fitting.map((r) => r.figures.hybridLatencyMs.value)));
  }
});

test('report for one network: all files, tables, plots, assumptions; byte-identical on a rerun', () => {
  const mk = (): ReadonlyMap<string, string> => {
    const net = toyNetwork();
    const rows = sweepNetwork(net, CFG);
    return buildReport({ rows, config: CFG, networks: [{ modelId: net.modelId, network: net.network, cuts: net.cuts.length, programSource: net.programSource }] });
  };
  const a = mk();
  const b = mk();
  assert.deepEqual([...a.keys()].sort(), ['report.md', 'rows.csv', 'rows.json', 'toy-resources.svg']);
  for (const [k, v] of a) assert.equal(b.get(k), v, `${k} differs between two runs`);
  const md = a.get('report.md')!;
  for (const s of ['## Paper vs model', 'MobileNetV2', '12%–30%', '## Best cut within the FPGA budget', '## ToyNet (toy)', '![toy-resources.svg](toy-resources.svg)',
    '## Assumptions and sources', 'authors-measured', '6.7181e-4', '80330', 'assumption']) assert.ok(md.includes(s), `report lacks '${s}'`);
  assert.ok(!/20\d\d-\d\d-\d\dT/.test(md), 'no timestamps');
  const csv = a.get('rows.csv')!.trim().split('\n');
  assert.equal(csv.length, 1 + 9);
  assert.ok(csv[0]!.includes('hybridLatencyMs [ms] (modelled)'));
  const json = JSON.parse(a.get('rows.json')!) as { figures: Record<string, { provenance: string }> }[];
  assert.equal(json.length, 9);
  for (const r of json) for (const fig of Object.values(r.figures)) assert.ok(['measured', 'modelled', 'paper'].includes(fig.provenance));
  const svg = a.get('toy-resources.svg')!;
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.trim().endsWith('</svg>'));
  assert.ok(svg.includes('device capacity'));
  assert.ok(!svg.includes('NaN'));
});
