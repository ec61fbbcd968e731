/**
 * The paper platform's modelled figures that the pipeline's result table shows (the DHM clock by default and the
 * TX2 ↔ Cyclone 10 GX PCIe transfer time), handed to the pipeline by its caller (page, CLI) so that src/pipeline does
 * not import the cost model (layering: see test/node/layering.test.ts).
 */
import type { Constant, Figure } from '../provenance/provenance';
import { CYCLONE10GX_10CX220, PCIE_GEN2_X4 } from './devices';
import { linkTimeMs } from './link';

/** The figures a pipeline's result table needs (structurally the pipeline's `PlatformModel`; cost does not import pipeline). */
export interface PaperPlatformModel {
  /** Default DHM clock in MHz, with its source. */
  readonly defaultClockMHz: Constant;
  /** Name of the host link in the result table. */
  readonly linkName: string;
  /** Modelled transfer time in ms of `bytes` bytes over the host link. */
  linkTimeMs(bytes: number): Figure;
}

/** The paper's platform: the Cyclone 10 GX profile's clock (MHz, with its source) and the authors' PCIe fit (ms). */
export function paperPlatformModel(): PaperPlatformModel {
  return {
    defaultClockMHz: CYCLONE10GX_10CX220.clockMHz,
    linkName: 'PCIe Gen2 x4',
    linkTimeMs: (bytes) => linkTimeMs(bytes, PCIE_GEN2_X4),
  };
}
