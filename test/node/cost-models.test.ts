import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CYCLONE10GX_10CX220 as DEV, JETSON_TX2_ROOFLINE as TX2, JETSON_TX2_EAGER, PCIE_GEN2_X4, webSerialLink, profileConstants } from '../../src/cost/devices';
import { energyMJ, fpgaLatencyMs, fpgaPowerW } from '../../src/cost/fpga';
import { classifyOp, estimateGpuLayer, estimateGpuSegment } from '../../src/cost/gpu';
import { linkBytes, linkTimeMs, wireBytesPerValue } from '../../src/cost/link';
import { PAPER_CLAIMS } from '../../src/cost/paper';
import { modelled } from '../../src/provenance/provenance';
import { estimateResources } from '../../src/cost/resources';
import { conv, program } from './cost-fixtures';

const close = (a: number, b: number, rel = 1e-12): void => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('device constants all carry a provenance and a source; derived peaks are consistent', () => {
  for (const prof of [DEV, TX2, JETSON_TX2_EAGER, PCIE_GEN2_X4, webSerialLink(115200)]) {
    const cs = profileConstants(prof);
    assert.ok(cs.length >= 4);
    for (const [k, c] of cs) {
      assert.ok(['datasheet', 'authors-measured', 'authors-published', 'derived', 'assumption', 'measured'].includes(c.provenance), k);
      assert.ok(c.source.length > 10, `${k} needs a source`);
      assert.ok(Number.isFinite(c.value), k);
    }
  }
  assert.equal(DEV.registers.value, DEV.alms.value * DEV.registersPerAlm.value);
  assert.equal(DEV.m20kBlocks.value * DEV.m20kBitsPerBlock.value, 11740 * 1024);
  close(TX2.peakFp32Gflops.value, 665.6);
  close(TX2.peakFp16Gflops.value, 2 * 665.6);
  assert.throws(() => webSerialLink(0), /baud/);
  assert.throws(() => webSerialLink(9600, -1), /per-transfer/);
  // a caller's numbers are configuration, never 'measured' (nothing here measured them)
  const m = webSerialLink(115200, 1.5);
  assert.deepEqual(profileConstants(m).filter(([, c]) => c.provenance === 'measured').map(([k]) => k), []);
  assert.equal(m.baud.provenance, 'assumption');
  assert.equal(m.perTransferMs.provenance, 'assumption');
});

test('FPGA latency = cycles / clock; chip power (Quartus-calibrated) and energy by the stated formula', () => {
  const t = fpgaLatencyMs({ firstOutput: 100, total: 50176 }, DEV);
  close(t.value, 50176 / 76000);
  assert.equal(t.unit, 'ms');
  assert.equal(t.provenance, 'modelled');
  const p = program(4, 4, [conv({ name: 'c', input: 'in', output: 'o', inC: 3, outC: 1, k: 1, weights: [3, 0, 4], weightBits: 8 })], { o: { channels: 1, height: 4, width: 4 } });
  const res = estimateResources(p, DEV, { dspPolicy: 'logic' });
  const pw = fpgaPowerW(res, DEV);
  close(pw.value, 0.635 + 21.85e-6 * 30 * (76 / 100));
  assert.ok(pw.source.includes('chip power') && pw.source.includes('not board power'), pw.source);
  const e = energyMJ(pw, t, 'head');
  close(e.value, pw.value * t.value);
  assert.throws(() => energyMJ(t, pw, 'x'), /W and ms/);
});

test('link bytes and times: PCIe fit and Web Serial', () => {
  assert.equal(wireBytesPerValue(6), 1);
  assert.equal(wireBytesPerValue(10), 2);
  assert.equal(linkBytes(10, 8, PCIE_GEN2_X4), 12); // padded to 32-bit words
  assert.equal(linkBytes(10, 10, PCIE_GEN2_X4), 20);
  assert.equal(linkBytes(10, 8, webSerialLink()), 10);
  close(linkTimeMs(1024 * 1024, PCIE_GEN2_X4).value, 6.7181e-4 * 1024 + 7.5668e-3);
  close(linkTimeMs(2048, PCIE_GEN2_X4).value, 6.7181e-4 * 2 + 7.5668e-3);
  assert.equal(linkTimeMs(0, PCIE_GEN2_X4).value, 0);
  close(linkTimeMs(1000, webSerialLink(115200)).value, (1000 * 10 * 1000) / 115200);
  close(linkTimeMs(1000, webSerialLink(115200, 2)).value, (1000 * 10 * 1000) / 115200 + 2);
  assert.throws(() => linkBytes(-1, 8, PCIE_GEN2_X4), RangeError);
  assert.throws(() => wireBytesPerValue(0), RangeError);
});

test('GPU roofline (the named alternative) of hand-computed layers', () => {
  // compute-bound dense conv: 1e8 MACs, tiny tensors.
  const a = estimateGpuLayer({ name: 'a', op: 'Conv', opClass: 'conv', macs: 1e8, params: 1000, inputElems: 1000, outputElems: 1000 }, TX2);
  const tc = (2e8 / (665.6 * 0.5 * 1e6));
  close(a.timeMs.value, tc + 0.03);
  assert.equal(a.bound, 'compute');
  close(a.powerW.value, 0.15 + (9.8 - 0.15) * (tc / (tc + 0.03)));
  close(a.energyMJ.value, a.powerW.value * a.timeMs.value);
  // memory-bound ReLU on 1e6 values: bytes = 2e6 × 4
  const b = estimateGpuLayer({ name: 'b', op: 'Relu', opClass: classifyOp('Relu'), macs: 0, params: 0, inputElems: 1e6, outputElems: 1e6 }, TX2);
  close(b.timeMs.value, 8e6 / (59.7 * 0.6 * 1e6) + 0.03);
  assert.equal(b.bound, 'memory');
  // depthwise conv uses the grouped efficiency
  assert.equal(classifyOp('Conv', 32), 'grouped-conv');
  const c = estimateGpuLayer({ name: 'c', op: 'Conv', opClass: 'grouped-conv', macs: 1e8, params: 0, inputElems: 0, outputElems: 0 }, TX2);
  close(c.timeMs.value, 2e8 / (665.6 * 0.1 * 1e6) + 0.03);
  // views are free
  const v = estimateGpuLayer({ name: 'v', op: 'Reshape', opClass: classifyOp('Reshape'), macs: 0, params: 0, inputElems: 10, outputElems: 10 }, TX2);
  assert.equal(v.timeMs.value, 0);
  const seg = estimateGpuSegment([{ name: 'a', op: 'Conv', opClass: 'conv', macs: 1e8, params: 1000, inputElems: 1000, outputElems: 1000 }, { name: 'v', op: 'Reshape', opClass: 'view', macs: 0, params: 0, inputElems: 10, outputElems: 10 }], TX2, 'test');
  close(seg.timeMs.value, a.timeMs.value);
  close(seg.energyMJ.value, a.energyMJ.value);
  assert.throws(() => estimateGpuLayer({ name: 'n', op: 'Conv', opClass: 'conv', macs: -1, params: 0, inputElems: 0, outputElems: 0 }, TX2), /node 'n'/);
});

test('paper claims are labelled paper', () => {
  assert.equal(PAPER_CLAIMS.length, 3);
  for (const c of PAPER_CLAIMS) for (const fig of [c.energyReduction.min, c.energyReduction.max, c.latencyReduction.min, c.latencyReduction.max]) assert.equal(fig.provenance, 'paper');
  assert.equal(modelled(1, 'ms', 'x').provenance, 'modelled');
});
