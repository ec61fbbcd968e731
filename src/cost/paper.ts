/**
 * The paper's claims (abstract of arXiv 2102.01343): hybrid FPGA-GPU vs GPU-only, classification inference on a
 * Jetson TX2 + Cyclone 10 GX, communication included. Reductions are in percent of the GPU-only figure.
 * SqueezeNet's latency claim is "same latency", recorded as a 0 %–0 % range with that wording.
 */
import { fromPaper, type Figure } from '../provenance/provenance';

/** The networks of the paper (closed union). */
export type PaperNetwork = 'MobileNetV2' | 'SqueezeNet' | 'ShuffleNetV2';

/** One claimed reduction range. */
export interface PaperClaim {
  readonly network: PaperNetwork;
  readonly energyReduction: { readonly min: Figure; readonly max: Figure };
  readonly latencyReduction: { readonly min: Figure; readonly max: Figure };
  /** The abstract's wording. */
  readonly energyText: string;
  readonly latencyText: string;
}

const SRC = 'Carballo-Hernández, Pelcat, Berry 2021 (arXiv 2102.01343), abstract';

function claim(network: PaperNetwork, e: readonly [number, number], l: readonly [number, number], et: string, lt: string): PaperClaim {
  return {
    network,
    energyReduction: { min: fromPaper(e[0], '%', SRC), max: fromPaper(e[1], '%', SRC) },
    latencyReduction: { min: fromPaper(l[0], '%', SRC), max: fromPaper(l[1], '%', SRC) },
    energyText: et,
    latencyText: lt,
  };
}

/** The abstract's claims, in the abstract's order. */
export const PAPER_CLAIMS: readonly PaperClaim[] = [
  claim('MobileNetV2', [12, 30], [4, 26], '12%–30%', '4%–26%'),
  claim('SqueezeNet', [21, 28], [0, 0], '21%–28%', 'same latency'),
  claim('ShuffleNetV2', [25, 25], [21, 21], '25%', '21%'),
];

/** The paper network a registry network name belongs to (SqueezeNet 1.0 and 1.1 both count as SqueezeNet). */
export function paperNetworkOf(network: string): PaperNetwork | null {
  if (network.startsWith('SqueezeNet')) return 'SqueezeNet';
  if (network === 'MobileNetV2') return 'MobileNetV2';
  if (network === 'ShuffleNetV2') return 'ShuffleNetV2';
  return null;
}
