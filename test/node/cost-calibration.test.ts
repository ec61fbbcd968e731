import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareAuthorsDesigns, parseOpenSynthesis } from '../../src/cost/authors-designs';
import { CYCLONE10GX_10CX220 as DEV, JETSON_TX2, JETSON_TX2_EAGER as EAGER, PCIE_GEN2_X4, webSerialLink } from '../../src/cost/devices';
import { estimateGpuSegment, gpuNodeNumbers, gpuSegmentNumbers } from '../../src/cost/gpu';
import { inverseAnalysis, paperReach } from '../../src/cost/inverse';
import { linkMs } from '../../src/cost/link';
import { constant } from '../../src/provenance/provenance';
import { estimateResources } from '../../src/cost/resources';
import { getScenario, rowKey, runScenario, scenarios } from '../../src/cost/scenarios';
import { compiledHead, headFacts, pointNumbers, type HeadCache, type NetworkSweepInput, type SweepConfig } from '../../src/cost/sweep';
import { headTimeline } from '../../src/cost/timeline';
import { fitTx2, tx2FitRows, tx2ModuleMs, TX2_OUTLIERS } from '../../src/cost/tx2-calibration';
import { conv, fx, maxpool, program, quantizePow2, randomFloats, testCycles } from './cost-fixtures';

const close = (a: number, b: number, rel = 1e-9): void => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('eager-tx2 calibration: the fit to the authors\' TX2 table reproduces the profile constants and every fitted row within 16 %', () => {
  const fit = fitTx2();
  // the profile's constants are the fit, rounded: a change to either the data, the model or the constants fails here
  close(EAGER.opFloorMs.value, fit.opFloorMs, 0.002);
  close(EAGER.effectiveBandwidthGBs.value, fit.effectiveBandwidthGBs, 0.005);
  close(EAGER.convGflops.value, fit.convGflops, 0.005);
  assert.ok(fit.rmsLogError < 0.04, `RMS log error ${fit.rmsLogError}`);
  const profile = { opFloorMs: EAGER.opFloorMs.value, effectiveBandwidthGBs: EAGER.effectiveBandwidthGBs.value, convGflops: EAGER.convGflops.value };
  const rows = tx2FitRows(profile);
  assert.equal(rows.length, 50);
  for (const r of rows) {
    if (r.excluded) continue;
    assert.ok(Math.abs(r.errorPct) < 16, `N=${r.n} k=${r.k}: model ${r.modelMs} vs measured ${r.measuredMs} (${r.errorPct.toFixed(1)} %)`);
  }
  assert.equal(rows.filter((r) => r.excluded).length, TX2_OUTLIERS.size);
  // the documented facts: ≈0.4 ms per op when dispatch-bound, ≈27 % of peak bandwidth
  close(tx2ModuleMs(4, 3, profile), 3 * EAGER.opFloorMs.value);
  assert.ok(EAGER.effectiveBandwidthGBs.value / EAGER.memBandwidthGBs.value > 0.25 && EAGER.effectiveBandwidthGBs.value / EAGER.memBandwidthGBs.value < 0.3);
  assert.equal(JETSON_TX2.model, 'eager-tx2', 'the calibrated model is the default');
});

test('eager-tx2 nodes: floor and GPU work overlap (max, not sum); BN is one more op; views are free; input conversion ops', () => {
  const small = gpuNodeNumbers({ name: 's', op: 'Relu', opClass: 'elementwise', macs: 0, params: 0, inputElems: 1000, outputElems: 1000 }, EAGER);
  close(small.timeMs, 0.4223);
  assert.equal(small.bound, 'dispatch');
  const bigBytes = 4 * 2e7;
  const big = gpuNodeNumbers({ name: 'b', op: 'Conv', opClass: 'conv', macs: 1e8, params: 0, inputElems: 1e7, outputElems: 1e7 }, EAGER);
  close(big.timeMs, bigBytes / (16.2 * 1e6) + 2e8 / (605 * 1e6));
  assert.equal(big.bound, 'memory');
  const bn = gpuNodeNumbers({ name: 'b', op: 'Conv', opClass: 'conv', macs: 1e8, params: 0, inputElems: 1e7, outputElems: 1e7, batchNormAfter: true }, EAGER);
  close(bn.timeMs, big.timeMs + Math.max(0.4223, (2 * 1e7 * 4) / (16.2 * 1e6)));
  assert.equal(gpuNodeNumbers({ name: 'v', op: 'Reshape', opClass: 'view', macs: 0, params: 0, inputElems: 9, outputElems: 9 }, EAGER).timeMs, 0);
  const layers = [{ name: 's', op: 'Relu', opClass: 'elementwise' as const, macs: 0, params: 0, inputElems: 1000, outputElems: 1000 }];
  const gpuOnly = gpuSegmentNumbers(layers, EAGER, { role: 'gpu-only', elems: 3 * 224 * 224 });
  const tail = gpuSegmentNumbers(layers, EAGER, { role: 'tail', elems: 64 * 56 * 56 });
  close(gpuOnly.timeMs, 0.4223 + 5 * 0.4223, 1e-6);
  close(tail.timeMs, 0.4223 + 3 * Math.max(0.4223, (2 * 64 * 56 * 56 * 4) / (16.2 * 1e6)), 1e-6);
  const seg = estimateGpuSegment(layers, EAGER, 'x', { role: 'gpu-only', elems: 3 * 224 * 224 });
  close(seg.timeMs.value, gpuOnly.timeMs);
  assert.equal(seg.layers[0]!.name, '(frame upload + normalisation)');
});

test('timeline: camera exposes only the drain and the last DMA chunk; host overlapped ≤ serial', () => {
  const cycles = { firstOutput: 2000, total: 224 * 224 + 3000 };
  const x = { cycles, frameCycles: 224 * 224, clockMHz: 76, inBytes: 3 * 224 * 224, outBytes: 64 * 56 * 56, link: PCIE_GEN2_X4 };
  const cam = headTimeline(x, 'camera', 'overlapped');
  close(cam.exposedMs, 3000 / 76000 + linkMs(8192, PCIE_GEN2_X4));
  close(cam.fpgaMs, cycles.total / 76000);
  const serial = headTimeline(x, 'host', 'serial');
  close(serial.exposedMs, linkMs(x.inBytes, PCIE_GEN2_X4) + cycles.total / 76000 + linkMs(x.outBytes, PCIE_GEN2_X4));
  const over = headTimeline(x, 'host', 'overlapped');
  close(over.exposedMs, linkMs(8192, PCIE_GEN2_X4) + cycles.total / 76000 + linkMs(8192, PCIE_GEN2_X4));
  assert.ok(over.exposedMs < serial.exposedMs && cam.exposedMs < over.exposedMs);
  // a feature map too big to follow the streaming: the camera case exposes its transfer
  const huge = headTimeline({ ...x, outBytes: 64 * 1024 * 1024 }, 'camera', 'overlapped');
  close(huge.exposedMs, 2000 / 76000 - (224 * 224) / 76000 + linkMs(64 * 1024 * 1024, PCIE_GEN2_X4));
  // a serial link has no chunks: overlapped = the whole feature map after the drain at least
  const ser = headTimeline({ ...x, link: webSerialLink(921600) }, 'camera', 'overlapped');
  assert.ok(ser.exposedMs >= linkMs(x.outBytes, webSerialLink(921600)));
});

test('product width is b_x + b_w: a signed 8-bit input × 8-bit weights registers 16-bit products', () => {
  const p = program(4, 4, [conv({ name: 'c', input: 'x', output: 'o', inC: 1, outC: 1, k: 1, weights: [3], weightBits: 8 })],
    { x: { channels: 1, height: 4, width: 4, format: fx(8) }, o: { channels: 1, height: 4, width: 4 } });
  const l = estimateResources(p, DEV, { dspPolicy: 'logic' }).layers[0]!;
  // (−128)·(−128) = 16384 needs 16 signed bits: 1 CSD adder of 16 bits = 8 ALMs, product register 16 bits
  assert.equal(l.multiplierAlms, 8);
  assert.equal(l.registers, 16 + 8 + 8, 'product 16 + output 8 + window 1·1·1·8');
});

test('resource and power models vs the authors\' Quartus points: ratios published and within a factor of 2', () => {
  const c = compareAuthorsDesigns(DEV);
  assert.equal(c.length, 3);
  const big = c.find((x) => x.design.multipliers === 1120)!;
  assert.ok(big.almRatio! > 0.5 && big.almRatio! < 2, `ALM ratio ${big.almRatio}`);
  assert.ok(big.modelAlmsPerMultiplier > 15 && big.modelAlmsPerMultiplier < 70, `${big.modelAlmsPerMultiplier} ALMs/multiplier`);
  assert.ok(big.powerRatio! > 0.5 && big.powerRatio! < 2, `power ratio ${big.powerRatio}`);
  assert.deepEqual(compareAuthorsDesigns(DEV), c, 'deterministic');
  assert.throws(() => parseOpenSynthesis('{', 's.json'), /s\.json is not JSON/);
  assert.throws(() => parseOpenSynthesis('[{"design":"x"}]', 's.json'), /record 0 needs string fields/);
  assert.throws(() => parseOpenSynthesis('[{"design":"x","tool":"yosys","alms":"many"}]', 's.json'), /field 'alms' must be a number/);
  assert.equal(parseOpenSynthesis('{"figures":[{"design":"x","tool":"yosys","alms":10}]}', 's.json')[0]!.alms, 10);
  // the output of `hybrid-dhm synth <model> --cut N --json` is read as it is
  const synth = parseOpenSynthesis(JSON.stringify({ cut: 0, pass: 'full', seconds: 3, modelPolicy: 'logic', rows: [
    { figure: 'adder bits', synthesis: 900, model: 1000 }, { figure: 'registers', synthesis: 400, model: 500 }, { figure: 'ALMs', synthesis: 700, model: 650 }] }), 'synth.json');
  assert.deepEqual(synth[0], { design: 'head cut 0', tool: 'yosys synth_intel_alm -family cyclone10gx', alms: 700, modelAlms: 650, registers: 400, modelRegisters: 500, adderBits: 900, modelAdderBits: 1000, note: 'hybrid-dhm synth --json, model policy logic' });
  assert.throws(() => parseOpenSynthesis('{"pass":"coarse","rows":[]}', 'synth.json'), /no numeric 'ALMs' row/);
});

/** A toy network (as in cost-report.test.ts) for the scenario and inverse tests. */
function toy(): NetworkSweepInput {
  const fl1 = randomFloats(8 * 3 * 9, 11);
  const front = [
    { name: 'c1', op: 'Conv', opClass: 'conv' as const, macs: 8 * 62 * 62 * 27, params: 224, inputElems: 3 * 64 * 64, outputElems: 8 * 62 * 62, batchNormAfter: true },
    { name: 'p1', op: 'MaxPool', opClass: 'pool' as const, macs: 0, params: 0, inputElems: 8 * 62 * 62, outputElems: 8 * 31 * 31 },
  ];
  const back = Array.from({ length: 20 }, (_, i) => ({ name: `b${i}`, op: 'Conv', opClass: 'conv' as const, macs: 2e6, params: 1e4, inputElems: 8 * 31 * 31, outputElems: 8 * 31 * 31, batchNormAfter: true }));
  const all = [...front, ...back];
  return {
    modelId: 'toy', network: 'MobileNetV2', inputShape: [3, 64, 64], allLayers: all,
    cuts: [{ index: 0, tensor: 't0', shape: [1, 8, 62, 62], tail: all.slice(1) }, { index: 1, tensor: 't1', shape: [1, 8, 31, 31], tail: all.slice(2) }],
    program: (cut: number, bits: number) => program(64, 64, [
      conv({ name: 'c1', input: 'in', output: 's1', inC: 3, outC: 8, k: 3, weights: quantizePow2(fl1, bits), weightBits: bits }),
      maxpool('p1', 's1', 's2', 2, 2),
    ].slice(0, cut + 1), { s1: { channels: 8, height: 62, width: 62 }, s2: { channels: 8, height: 31, width: 31 } }, bits),
    cycles: testCycles, programSource: 'hand-built test programs',
  };
}

const BASE: SweepConfig = { fpga: DEV, gpu: JETSON_TX2, link: PCIE_GEN2_X4, bits: [8], dspPolicy: 'dsp-largest-first', inputSource: 'host' };

test('scenarios: bands contain the nominal, cover 2^knobs corners, and are deterministic', () => {
  assert.deepEqual(scenarios().map((s) => s.name), ['roofline', 'eager-tx2', 'camera', 'roofline-camera']);
  assert.throws(() => getScenario('magic'), /unknown scenario 'magic'; known scenarios: roofline, eager-tx2, camera, roofline-camera/);
  const net = toy();
  for (const s of scenarios()) {
    const cache: HeadCache = new Map();
    const r = runScenario(s, [net], BASE, cache);
    assert.equal(r.corners, 2 ** s.knobs.length);
    assert.equal(r.config.inputSource, s.inputSource);
    for (const row of r.rows) {
      const b = r.bands.get(rowKey(row))!;
      assert.ok(b.latency[0] <= row.figures.latencyReductionPct.value + 1e-9 && row.figures.latencyReductionPct.value <= b.latency[1] + 1e-9, `${s.name} ${rowKey(row)} latency band`);
      assert.ok(b.energy[0] <= row.figures.energyReductionPct.value + 1e-9 && row.figures.energyReductionPct.value <= b.energy[1] + 1e-9, `${s.name} ${rowKey(row)} energy band`);
      assert.ok(b.latency[1] > b.latency[0], `${s.name}: the band has a width`);
    }
    const again = runScenario(s, [net], BASE, new Map());
    assert.deepEqual([...again.bands], [...r.bands]);
  }
});

test('inverse analysis: head share, break-even clock and floor solve their equations', () => {
  const net = toy();
  const cache: HeadCache = new Map();
  const res = runScenario(getScenario('eager-tx2'), [net], BASE, cache);
  const inv = inverseAnalysis(res, [net], cache, 8);
  assert.ok(inv.length > 0);
  for (const r of inv) {
    close(r.headSharePct, (100 * (r.gpuOnlyMs - r.tailMs)) / r.gpuOnlyMs);
    assert.ok(r.latencyReductionPct <= r.headSharePct + 1e-9, 'the head share caps the latency gain');
    const cut = net.cuts.find((c) => c.index === r.cutIndex)!;
    const h = compiledHead(net, r.cutIndex, r.bits, res.config, cache);
    const at = (cfg: SweepConfig): ReturnType<typeof pointNumbers> => pointNumbers(headFacts(net, r.cutIndex, h.program, h.cycles, h.resources, cfg.link),
      gpuSegmentNumbers(cut.tail, cfg.gpu, { role: 'tail', elems: cut.shape.slice(1).reduce((a, b) => a * b, 1) }),
      gpuSegmentNumbers(net.allLayers, cfg.gpu, { role: 'gpu-only', elems: 3 * 64 * 64 }), cfg);
    if (typeof r.breakEvenClockMHz === 'number') {
      const q = at({ ...res.config, fpga: { ...DEV, clockMHz: constant(r.breakEvenClockMHz, 'MHz', 'assumption', 'test') } });
      close(q.hybridMs, q.gpuOnlyMs, 1e-6);
    }
    if (typeof r.breakEvenFloorMs === 'number') {
      const q = at({ ...res.config, gpu: { ...EAGER, opFloorMs: constant(r.breakEvenFloorMs, 'ms', 'assumption', 'test') } });
      close(q.hybridMs, q.gpuOnlyMs, 1e-6);
    }
    close(r.diagnosticPp, r.energyReductionPct - r.latencyReductionPct);
  }
  const reach = paperReach([res], inv, 8);
  assert.equal(reach.length, 6);
  for (const x of reach) assert.ok(x.why.length > 20, `${x.network} ${x.metric}: a reason is stated`);
});
