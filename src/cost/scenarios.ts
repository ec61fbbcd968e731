/**
 * Named scenarios of the reproduction, each a nominal configuration plus bands over its uncertain constants.
 *
 * A scenario fixes the GPU model (roofline or eager-tx2), where the frame comes from (host or camera) and how host
 * transfers are timed. Its band is the range of each row's latency and energy reduction over every corner of its
 * knobs (each knob at its low and high value: 2^k corners, k ≤ 6), which brackets the reductions because each knob
 * moves them monotonically. Knob ranges are sourced: the DHM clock from the authors' later designs, the eager
 * floor and bandwidth from the spread of the authors' own TX2 rows, FPGA power from their Quartus points.
 * Pure and deterministic; band corners use the plain-number path of the sweep (no Figures), so all scenarios with
 * their bands run in well under a second once the heads are compiled.
 */
import { constant } from '../provenance/provenance';
import {
  JETSON_TX2_EAGER, JETSON_TX2_ROOFLINE, type GpuProfile, type InputSource, type TransferMode,
} from './devices';
import { gpuSegmentNumbers } from './gpu';
import {
  bestCuts, compiledHead, headFacts, pointNumbers, sweepNetwork, type BestCut, type HeadCache, type NetworkSweepInput, type SweepConfig, type SweepRow,
} from './sweep';
import { fitTx2, tx2ImpliedRanges } from './tx2-calibration';

/** Scenario names (closed union), in report order. */
export const SCENARIO_NAMES = ['roofline', 'eager-tx2', 'camera', 'roofline-camera'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** One uncertain constant of a scenario: its low and high settings. */
export interface BandKnob {
  readonly name: string;
  /** What it varies, with the two values and their sources. */
  readonly range: string;
  apply(cfg: SweepConfig, side: 'low' | 'high'): SweepConfig;
}

/** A named scenario. */
export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  readonly gpu: GpuProfile;
  readonly inputSource: InputSource;
  readonly transfers: TransferMode;
  readonly knobs: readonly BandKnob[];
}

const why = (s: string): string => `scenario band: ${s}`;

const clockKnob: BandKnob = {
  name: 'DHM clock',
  range: "55–94 MHz (slowest and fastest of the authors' later single-layer designs; nominal 76 MHz, their median)",
  apply: (c, side) => ({ ...c, fpga: { ...c.fpga, clockMHz: constant(side === 'low' ? 55 : 94, 'MHz', 'assumption', why('DHM clock')) } }),
};
const fpgaPowerKnob: BandKnob = {
  name: 'FPGA dynamic power',
  range: "16.8–28.0 µW/ALM at 100 MHz (low: the 864-multiplier Quartus point at 35 ALMs/multiplier; high: the 1,120-multiplier point had Quartus estimated it at the 78 MHz reached rather than the 100 MHz constraint; nominal 21.85)",
  apply: (c, side) => ({ ...c, fpga: { ...c.fpga, dynamicPowerPerAlmUW: constant(side === 'low' ? 16.8 : 28.0, 'µW/ALM', 'assumption', why('FPGA dynamic power')) } }),
};
const gpuPowerKnob: BandKnob = {
  name: 'GPU busy power',
  range: "4–9.8 W GPU-rail power while kernels run (the authors' median and highest single-layer figures; nominal 9.8 W)",
  apply: (c, side) => ({ ...c, gpu: { ...c.gpu, powerMaxW: constant(side === 'low' ? 4 : 9.8, 'W', 'assumption', why('GPU busy power')) } }),
};
const transfersKnob: BandKnob = {
  name: 'host transfers',
  range: 'overlapped DMA chunks (lower bound on latency) … serial whole transfers (upper bound; nominal)',
  apply: (c, side) => ({ ...c, transfers: side === 'low' ? 'overlapped' : 'serial' }),
};

function eagerKnobs(): BandKnob[] {
  const r = tx2ImpliedRanges(fitTx2());
  const f = (x: number): string => String(Number(x.toPrecision(4)));
  const eager = (c: SweepConfig): typeof JETSON_TX2_EAGER => {
    if (c.gpu.model !== 'eager-tx2') throw new RangeError('scenario band: eager knob on a non-eager GPU profile');
    return c.gpu;
  };
  return [
    {
      name: 'per-op floor',
      range: `${f(r.floorMs[0])}–${f(r.floorMs[1])} ms (spread of the authors' dispatch-bound TX2 rows, ms per iteration / 3; nominal: the fit)`,
      apply: (c, side) => ({ ...c, gpu: { ...eager(c), opFloorMs: constant(side === 'low' ? r.floorMs[0] : r.floorMs[1], 'ms', 'assumption', why('per-op floor')) } }),
    },
    {
      name: 'effective bandwidth',
      range: `${f(r.bandwidthGBs[0])}–${f(r.bandwidthGBs[1])} GB/s (spread of the authors' large 1×1 TX2 rows; nominal: the fit)`,
      apply: (c, side) => ({ ...c, gpu: { ...eager(c), effectiveBandwidthGBs: constant(side === 'low' ? r.bandwidthGBs[0] : r.bandwidthGBs[1], 'GB/s', 'assumption', why('bandwidth')) } }),
    },
  ];
}

function rooflineKnobs(): BandKnob[] {
  const roof = (c: SweepConfig): typeof JETSON_TX2_ROOFLINE => {
    if (c.gpu.model !== 'roofline') throw new RangeError('scenario band: roofline knob on a non-roofline GPU profile');
    return c.gpu;
  };
  return [
    {
      name: 'per-node overhead',
      range: '0.01–0.1 ms (assumed; nominal 0.03 ms)',
      apply: (c, side) => ({ ...c, gpu: { ...roof(c), perLayerOverheadMs: constant(side === 'low' ? 0.01 : 0.1, 'ms', 'assumption', why('overhead')) } }),
    },
    {
      name: 'memory efficiency',
      range: "27–80 % of peak bandwidth (27 %: the authors' TX2 table; nominal 60 %)",
      apply: (c, side) => ({ ...c, gpu: { ...roof(c), memEfficiency: constant(side === 'low' ? 0.27 : 0.8, 'ratio', 'assumption', why('memory efficiency')) } }),
    },
  ];
}

/** Every scenario, in report order. */
export function scenarios(): readonly Scenario[] {
  const eager = eagerKnobs();
  const roof = rooflineKnobs();
  return [
    {
      name: 'roofline', gpu: JETSON_TX2_ROOFLINE, inputSource: 'host', transfers: 'serial', knobs: [clockKnob, ...roof, fpgaPowerKnob, gpuPowerKnob, transfersKnob],
      description: "the first pass's GPU model: roofline at assumed efficiencies + 0.03 ms per node, BN folded, no input conversion; frame sent by the host",
    },
    {
      name: 'eager-tx2', gpu: JETSON_TX2_EAGER, inputSource: 'host', transfers: 'serial', knobs: [clockKnob, ...eager, fpgaPowerKnob, gpuPowerKnob, transfersKnob],
      description: "eager PyTorch calibrated on the authors' TX2 table (per-op floor overlapping the GPU's work, effective bandwidth, BN kernels in MobileNetV2/ShuffleNetV2, input conversion ops); frame sent by the host",
    },
    {
      name: 'camera', gpu: JETSON_TX2_EAGER, inputSource: 'camera', transfers: 'overlapped', knobs: [clockKnob, ...eager, fpgaPowerKnob, gpuPowerKnob],
      description: 'eager-tx2 GPU; a camera streams the frame into the DHM head while GPU-only\'s frame is read out: only the drain and the last DMA chunk are exposed',
    },
    {
      name: 'roofline-camera', gpu: JETSON_TX2_ROOFLINE, inputSource: 'camera', transfers: 'overlapped', knobs: [clockKnob, ...roof, fpgaPowerKnob, gpuPowerKnob],
      description: 'roofline GPU with the camera-fed head',
    },
  ];
}

/** Look a scenario up by name; throws a RangeError listing the names. */
export function getScenario(name: string): Scenario {
  const s = scenarios().find((x) => x.name === name);
  if (!s) throw new RangeError(`unknown scenario '${name}'; known scenarios: ${SCENARIO_NAMES.join(', ')}`);
  return s;
}

/** A [low, high] range of a reduction, in %. */
export type Band = readonly [number, number];

/** A scenario's nominal rows, best cuts and per-row bands. */
export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly config: SweepConfig;
  readonly rows: readonly SweepRow[];
  readonly best: readonly BestCut[];
  /** Bands by {@link rowKey}. */
  readonly bands: ReadonlyMap<string, { readonly latency: Band; readonly energy: Band }>;
  /** Corners evaluated. */
  readonly corners: number;
}

/** Key of a row in the band map. */
export function rowKey(r: { readonly modelId: string; readonly cutIndex: number; readonly bits: number }): string {
  return `${r.modelId}/${r.cutIndex}/${r.bits}`;
}

/** The nominal configuration of a scenario over a base (FPGA, link, bits, DSP policy, idle power from `base`). */
export function scenarioConfig(s: Scenario, base: SweepConfig): SweepConfig {
  return { ...base, gpu: s.gpu, inputSource: s.inputSource, transfers: s.transfers };
}

/** Run a scenario: nominal sweep (Figures) and its bands (plain numbers over every corner of its knobs). */
export function runScenario(s: Scenario, nets: readonly NetworkSweepInput[], base: SweepConfig, cache: HeadCache): ScenarioResult {
  const config = scenarioConfig(s, base);
  const rows = nets.flatMap((n) => sweepNetwork(n, config, cache));
  const bands = new Map<string, { latency: [number, number]; energy: [number, number] }>();
  const k = s.knobs.length;
  const corners = 1 << k;
  for (let m = 0; m < corners; m++) {
    let cfg = config;
    s.knobs.forEach((knob, i) => { cfg = knob.apply(cfg, (m >> i) & 1 ? 'high' : 'low'); });
    for (const net of nets) {
      const [c0, h0, w0] = net.inputShape;
      const gpuOnly = gpuSegmentNumbers(net.allLayers, cfg.gpu, { role: 'gpu-only', elems: c0 * h0 * w0 });
      for (const cut of net.cuts) {
        const tail = gpuSegmentNumbers(cut.tail, cfg.gpu, { role: 'tail', elems: cut.shape.slice(1).reduce((a, b) => a * b, 1) });
        for (const bits of cfg.bits) {
          const h = compiledHead(net, cut.index, bits, cfg, cache);
          const p = pointNumbers(headFacts(net, cut.index, h.program, h.cycles, h.resources, cfg.link), tail, gpuOnly, cfg);
          const key = `${net.modelId}/${cut.index}/${bits}`;
          const b = bands.get(key);
          if (!b) bands.set(key, { latency: [p.latencyReductionPct, p.latencyReductionPct], energy: [p.energyReductionPct, p.energyReductionPct] });
          else {
            b.latency[0] = Math.min(b.latency[0], p.latencyReductionPct);
            b.latency[1] = Math.max(b.latency[1], p.latencyReductionPct);
            b.energy[0] = Math.min(b.energy[0], p.energyReductionPct);
            b.energy[1] = Math.max(b.energy[1], p.energyReductionPct);
          }
        }
      }
    }
  }
  return { scenario: s, config, rows, best: bestCuts(rows), bands, corners };
}
