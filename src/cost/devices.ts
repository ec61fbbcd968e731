/**
 * Device profiles of the paper's platform as plain data. Every constant carries its unit, provenance and source
 * (see ../../../shared/notes/paper.md, "Platform facts"). `derived` constants state the formula; `assumption`
 * constants state why the value was chosen. None is tuned to reproduce the paper's results.
 */
import { constant, type Constant } from './provenance';

const C10GX_KIT = 'Intel Cyclone 10 GX FPGA Development Kit User Guide (ID 683696), App. A.2 "Cyclone 10 GX FPGA" table (10CX220YF780E5G)';
const C10GX_HB = 'Intel Cyclone 10 GX Core Fabric and General Purpose I/Os Handbook (ID 683775)';
const C10GX_OVERVIEW = 'Intel Cyclone 10 GX Device Overview (ID 683485), "Embedded Memory Configurations for Single-port Mode"';
const AUTHORS_LATER = "the authors' later single-layer DHM designs (Quartus reports), as summarised in shared/notes/paper.md";

/** The FPGA: a Cyclone 10 GX 10CX220 with the DHM head's clock and a static + dynamic power model. */
export interface FpgaProfile {
  readonly id: 'cyclone10gx-10cx220';
  readonly name: string;
  readonly alms: Constant;
  readonly registers: Constant;
  readonly registersPerAlm: Constant;
  /** Bits of a ripple-carry adder one ALM implements in arithmetic mode. */
  readonly adderBitsPerAlm: Constant;
  readonly dspBlocks: Constant;
  readonly multipliers18x19: Constant;
  readonly multipliersPerDsp: Constant;
  readonly m20kBlocks: Constant;
  readonly m20kBitsPerBlock: Constant;
  readonly mlabTotalBits: Constant;
  readonly mlabBitsPerBlock: Constant;
  readonly almsPerMlab: Constant;
  /** Deepest simple-dual-port MLAB configuration (32 × 20); deeper FIFOs go to M20K. */
  readonly mlabMaxDepth: Constant;
  readonly boardOscillatorMHz: Constant;
  /** The DHM clock used by the latency model. */
  readonly clockMHz: Constant;
  readonly staticPowerW: Constant;
  /** Dynamic power of a design using every ALM at `powerRefClockMHz` (linear in ALM use and clock). */
  readonly dynamicPowerFullW: Constant;
  readonly powerRefClockMHz: Constant;
}

/** The default FPGA profile (Cyclone 10 GX 10CX220YF780E5G on Intel's dev kit). */
export const CYCLONE10GX_10CX220: FpgaProfile = {
  id: 'cyclone10gx-10cx220',
  name: 'Intel Cyclone 10 GX 10CX220YF780E5G',
  alms: constant(80330, 'ALMs', 'datasheet', C10GX_KIT),
  registers: constant(321320, 'registers', 'datasheet', C10GX_KIT),
  registersPerAlm: constant(4, 'registers/ALM', 'datasheet', `${C10GX_HB} §1.1.5 "ALM Resources": four registers per ALM (80,330 × 4 = 321,320)`),
  adderBitsPerAlm: constant(2, 'bits/ALM', 'datasheet', `${C10GX_HB} §1.2 ALM operating modes, arithmetic mode: two dedicated full adders per ALM`),
  dspBlocks: constant(192, 'DSP blocks', 'datasheet', C10GX_KIT),
  multipliers18x19: constant(384, 'multipliers', 'datasheet', C10GX_KIT),
  multipliersPerDsp: constant(2, 'multipliers/DSP', 'derived', '384 18x19 multipliers / 192 variable-precision DSP blocks'),
  m20kBlocks: constant(587, 'M20K blocks', 'datasheet', `${C10GX_KIT}: 11,740 Kb of M20K = 587 blocks × 20 Kb`),
  m20kBitsPerBlock: constant(20480, 'bits', 'datasheet', `${C10GX_HB} §2.3 Table 5: 20,480 RAM bits per M20K (512×40 … 16K×1)`),
  mlabTotalBits: constant(1690 * 1024, 'bits', 'datasheet', `${C10GX_KIT}: MLAB memory 1,690 Kb`),
  mlabBitsPerBlock: constant(640, 'bits', 'datasheet', `${C10GX_HB} §2.3 Table 5: 640 RAM bits per MLAB`),
  almsPerMlab: constant(10, 'ALMs', 'datasheet', `${C10GX_HB} §1.1: an MLAB is a LAB of 10 ALMs used as memory`),
  mlabMaxDepth: constant(32, 'words', 'datasheet', `${C10GX_OVERVIEW}: MLAB 32 × 16/18/20 (64-deep modes are emulated)`),
  boardOscillatorMHz: constant(100, 'MHz', 'datasheet', 'Cyclone 10 GX dev kit: 50 MHz and 100 MHz oscillators (shared/notes/paper.md)'),
  clockMHz: constant(76, 'MHz', 'assumption', `the paper's DHM clock is unknown; median of the 55–94 MHz reached by ${AUTHORS_LATER} (constraint 100 MHz)`),
  staticPowerW: constant(0.64, 'W', 'authors-published', `Quartus static power estimate of ${AUTHORS_LATER}`),
  dynamicPowerFullW: constant(1.09, 'W', 'assumption', `largest dynamic power of ${AUTHORS_LATER} (1.73 W total − 0.64 W static) taken as a full-device design at the reference clock; their resource use is unknown, so this under-estimates dynamic power if those designs were smaller`),
  powerRefClockMHz: constant(76, 'MHz', 'assumption', `median clock of ${AUTHORS_LATER}`),
};

/** Arithmetic precision the GPU tail runs in (PyTorch default is fp32). */
export type GpuPrecision = 'fp32' | 'fp16';

/** The GPU: Jetson TX2's Pascal GPU with roofline efficiency factors and a power model. */
export interface GpuProfile {
  readonly id: 'jetson-tx2';
  readonly name: string;
  readonly cudaCores: Constant;
  readonly clockGHz: Constant;
  readonly peakFp32Gflops: Constant;
  readonly peakFp16Gflops: Constant;
  readonly memBandwidthGBs: Constant;
  readonly precision: GpuPrecision;
  readonly bytesPerValue: Constant;
  /** Fraction of peak FLOP/s reached by dense (groups = 1) convolutions and GEMMs. */
  readonly computeEfficiencyDense: Constant;
  /** Fraction of peak FLOP/s reached by depthwise / grouped convolutions. */
  readonly computeEfficiencyGrouped: Constant;
  /** Fraction of peak DRAM bandwidth reached. */
  readonly memEfficiency: Constant;
  /** Fixed time per ONNX node (framework dispatch + kernel launch). */
  readonly perLayerOverheadMs: Constant;
  /** GPU rail power when busy with overhead only (lowest measured figure). */
  readonly powerMinW: Constant;
  /** GPU rail power when the roofline-bound part of a kernel runs (highest measured figure). */
  readonly powerMaxW: Constant;
  readonly powerMedianW: Constant;
}

const TX2_DS = 'NVIDIA Jetson TX2 module datasheet (256-core Pascal GPU up to 1.3 GHz, 8 GB LPDDR4 128-bit, 59.7 GB/s)';
const TX2_POWER = "GPU rail (INA3221) of the Jetson TX2 in the authors' later single-conv-layer measurements (shared/notes/paper.md)";

/** The default GPU profile: Jetson TX2, fp32, cuDNN batch 1. */
export const JETSON_TX2: GpuProfile = {
  id: 'jetson-tx2',
  name: 'NVIDIA Jetson TX2 (Pascal GP10B, 256 CUDA cores)',
  cudaCores: constant(256, 'cores', 'datasheet', TX2_DS),
  clockGHz: constant(1.3, 'GHz', 'datasheet', TX2_DS),
  peakFp32Gflops: constant(256 * 2 * 1.3, 'GFLOP/s', 'derived', '256 cores × 2 FLOP/cycle (FMA) × 1.3 GHz'),
  peakFp16Gflops: constant(256 * 4 * 1.3, 'GFLOP/s', 'derived', 'fp32 peak × 2 (Pascal GP10B packed half2 FMA)'),
  memBandwidthGBs: constant(59.7, 'GB/s', 'datasheet', TX2_DS),
  precision: 'fp32',
  bytesPerValue: constant(4, 'bytes', 'assumption', "the authors' GPU code is PyTorch + cuDNN with torchvision models; PyTorch's default fp32 is assumed"),
  computeEfficiencyDense: constant(0.5, 'ratio', 'assumption', 'cuDNN at batch 1 on small feature maps typically reaches well under peak; 50 % assumed (see the sensitivity table)'),
  computeEfficiencyGrouped: constant(0.1, 'ratio', 'assumption', 'depthwise convolutions map poorly onto cuDNN GEMM kernels; 10 % of peak assumed'),
  memEfficiency: constant(0.6, 'ratio', 'assumption', 'typical sustained fraction of LPDDR4 peak bandwidth; 60 % assumed'),
  perLayerOverheadMs: constant(0.03, 'ms', 'assumption', 'PyTorch eager dispatch + CUDA kernel launch on the TX2 ARM cores, ≈30 µs per node assumed'),
  powerMinW: constant(0.15, 'W', 'authors-measured', `lowest figure, ${TX2_POWER}`),
  powerMaxW: constant(9.8, 'W', 'authors-measured', `highest figure, ${TX2_POWER}`),
  powerMedianW: constant(4, 'W', 'authors-measured', `median figure, ${TX2_POWER} (listed for comparison with the modelled average power; the model interpolates between min and max)`),
};

/** Link kinds (closed union). */
export type LinkKind = 'pcie-gen2x4' | 'web-serial';

/** Where the head's input frame comes from: the host sends it over the link, or a camera feeds the FPGA directly. */
export type InputSource = 'host' | 'camera';

/** PCIe Gen2 x4 between the TX2 and the FPGA, with the authors' measured transfer-time fit. */
export interface PcieLinkProfile {
  readonly kind: 'pcie-gen2x4';
  readonly name: string;
  readonly slopeMsPerKiB: Constant;
  readonly interceptMs: Constant;
  /** Bytes per 32-bit DMA word (uint8 features packed 4 per word, channel-fastest HWC). */
  readonly wordBytes: Constant;
  readonly powerW: Constant;
}

/** A Web Serial (UART) link: 8N1 framing at a configurable baud rate, or a measured throughput. */
export interface SerialLinkProfile {
  readonly kind: 'web-serial';
  readonly name: string;
  readonly baud: Constant;
  /** Line bits per payload byte (start + 8 data + stop). */
  readonly bitsPerByte: Constant;
  /** Fixed per-transfer time (protocol header, turnaround). */
  readonly perTransferMs: Constant;
  readonly powerW: Constant;
}

export type LinkProfile = PcieLinkProfile | SerialLinkProfile;

const PCIE_FIT = "the authors' measured TX2 ↔ FPGA Avalon-MM DMA transfer times, linear fit T_ms = 6.7181e-4·S_KB + 7.5668e-3 (2 KB → 0.013 ms, 1 MB → 0.70 ms; KB = 1024 bytes)";

/** The paper's link. */
export const PCIE_GEN2_X4: PcieLinkProfile = {
  kind: 'pcie-gen2x4',
  name: 'PCIe Gen2 x4 (Intel Avalon-MM DMA)',
  slopeMsPerKiB: constant(6.7181e-4, 'ms/KiB', 'authors-measured', PCIE_FIT),
  interceptMs: constant(7.5668e-3, 'ms', 'authors-measured', PCIE_FIT),
  wordBytes: constant(4, 'bytes', 'authors-published', "the authors' DMA packs uint8 features 4 per 32-bit word in 2048-word chunks"),
  powerW: constant(0, 'W', 'assumption', 'link power not modelled separately: the PCIe hard IP is part of the FPGA static estimate and the host side is not metered'),
};

/**
 * A Web Serial link profile at `baud` (8N1). Both numbers are the caller's configuration, labelled `assumption`:
 * a baud rate is configured, not measured, and nothing in this product measures a per-transfer time on a serial
 * link (the board backend's `BoardLinkMeasurement` reports its own measured times, labelled by the clock that took them).
 */
export function webSerialLink(baud = 921600, perTransferMs = 0): SerialLinkProfile {
  if (!(baud > 0) || !Number.isFinite(baud)) throw new RangeError(`web serial baud rate must be a positive number, got ${baud}`);
  if (!(perTransferMs >= 0) || !Number.isFinite(perTransferMs)) throw new RangeError(`web serial per-transfer time must be ≥ 0 ms, got ${perTransferMs}`);
  return {
    kind: 'web-serial',
    name: `Web Serial UART ${baud} baud 8N1`,
    baud: constant(baud, 'baud', 'assumption', 'configured baud rate (a typical USB-UART bridge maximum by default)'),
    bitsPerByte: constant(10, 'bits', 'derived', '8N1 framing: 1 start + 8 data + 1 stop bit'),
    perTransferMs: constant(perTransferMs, 'ms', 'assumption', 'per-transfer protocol overhead as configured (0 by default), not measured'),
    powerW: constant(0, 'W', 'assumption', 'link power not modelled'),
  };
}

/** Every constant of a profile, as `[name, constant]` pairs in declaration order (for the assumptions table). */
export function profileConstants(profile: object): readonly (readonly [string, Constant])[] {
  const out: [string, Constant][] = [];
  for (const [k, v] of Object.entries(profile)) {
    if (typeof v === 'object' && v !== null && 'provenance' in v && 'value' in v) out.push([k, v as Constant]);
  }
  return out;
}
