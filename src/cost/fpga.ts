/**
 * FPGA latency, power and energy of a DHM head. Latency comes from the compiler's exact cycle count at the profile's
 * clock; chip power is static + dynamic, the dynamic part linear in ALMs and clock, calibrated on the authors'
 * Quartus figures (devices.ts).
 */
import type { CycleCounts } from '../dhm/program';
import type { FpgaProfile } from './devices';
import { modelled, type Figure } from '../provenance/provenance';
import type { HeadResources } from './resources';

/** Frame latency of the head: `cycles.total / clockMHz`, in ms. */
export function fpgaLatencyMs(cycles: CycleCounts, dev: FpgaProfile): Figure {
  if (!(cycles.total >= 0)) throw new RangeError(`fpga: cycle count must be ≥ 0, got ${cycles.total}`);
  const clock = dev.clockMHz.value;
  return modelled(cycles.total / (clock * 1000), 'ms', `${cycles.total} cycles (compiler's exact count) / ${clock} MHz (${dev.clockMHz.provenance})`);
}

/** Chip power of the FPGA while the head runs, in W: static + dynamic per ALM × ALMs × clock / reference clock. */
export function fpgaPowerNumber(alms: number, dev: FpgaProfile, clockMHz = dev.clockMHz.value, perAlmUW = dev.dynamicPowerPerAlmUW.value): number {
  return dev.staticPowerW.value + perAlmUW * 1e-6 * alms * (clockMHz / dev.powerRefClockMHz.value);
}

/**
 * FPGA **chip** power (a Quartus-style estimate, calibrated on the authors' Quartus figures — not board power) while
 * the head runs: static + dynamicPerAlm × ALM demand × clock / refClock, in W.
 */
export function fpgaPowerW(res: HeadResources, dev: FpgaProfile): Figure {
  const alms = res.totals.alms.value;
  return modelled(
    fpgaPowerNumber(alms, dev),
    'W',
    `chip power (Quartus-calibrated, not board power): static ${dev.staticPowerW.value} W + ${dev.dynamicPowerPerAlmUW.value} µW/ALM × ${alms} ALMs × ${dev.clockMHz.value}/${dev.powerRefClockMHz.value} MHz`,
  );
}

/** Energy = power × time, in mJ (W × ms). */
export function energyMJ(power: Figure, time: Figure, what: string): Figure {
  if (power.unit !== 'W' || time.unit !== 'ms') throw new RangeError(`energy needs W and ms, got ${power.unit} and ${time.unit}`);
  return modelled(power.value * time.value, 'mJ', `${what}: ${power.value.toPrecision(4)} W × ${time.value.toPrecision(4)} ms`);
}
