/**
 * FPGA latency, power and energy of a DHM head. Latency comes from the compiler's exact cycle count at the profile's
 * clock; power is static + dynamic, the dynamic part linear in ALM utilisation and clock (see devices.ts for the
 * calibration and its stated assumption).
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

/** Board power of the FPGA while the head runs: static + dynamicFull × ALM utilisation × clock / refClock, in W. */
export function fpgaPowerW(res: HeadResources, dev: FpgaProfile): Figure {
  const u = Math.min(1, res.totals.alms.value / dev.alms.value);
  const dyn = dev.dynamicPowerFullW.value * u * (dev.clockMHz.value / dev.powerRefClockMHz.value);
  return modelled(
    dev.staticPowerW.value + dyn,
    'W',
    `static ${dev.staticPowerW.value} W + ${dev.dynamicPowerFullW.value} W × ALM use ${u.toFixed(4)} × ${dev.clockMHz.value}/${dev.powerRefClockMHz.value} MHz`,
  );
}

/** Energy = power × time, in mJ (W × ms). */
export function energyMJ(power: Figure, time: Figure, what: string): Figure {
  if (power.unit !== 'W' || time.unit !== 'ms') throw new RangeError(`energy needs W and ms, got ${power.unit} and ${time.unit}`);
  return modelled(power.value * time.value, 'mJ', `${what}: ${power.value.toPrecision(4)} W × ${time.value.toPrecision(4)} ms`);
}
