/**
 * Device profiles of the paper's platform as plain data. Every constant carries its unit, provenance and source
 * (see ../../../shared/notes/paper.md, "Platform facts"). `derived` constants state the formula; `assumption`
 * constants state why the value was chosen. None is tuned to reproduce the paper's results.
 */
import { constant, type Constant } from '../provenance/provenance';

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
  /** Static chip power (Quartus estimate). */
  readonly staticPowerW: Constant;
  /** Dynamic chip power per ALM of the design at `powerRefClockMHz` (linear in ALMs and clock), in µW. */
  readonly dynamicPowerPerAlmUW: Constant;
  /** Clock at which the Quartus power estimates were made. */
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
  staticPowerW: constant(0.635, 'W', 'authors-published', `Quartus static power of the 224×224×3→32 3×3 design (635 mW of 1,157.90 mW "Total Thermal Power"), ${AUTHORS_LATER}: chip power, not board power`),
  dynamicPowerPerAlmUW: constant(21.85, 'µW/ALM', 'derived', `(1.51 W − 0.635 W static) / 39,815 ALMs of the 10×10×10→7 k=4 design (1,120 multipliers), ${AUTHORS_LATER}; cross-check: the 864-multiplier design's 509 mW core dynamic at ≈30–35 ALMs per multiplier gives 16.8–19.6 µW/ALM (the scenario bands span it)`),
  powerRefClockMHz: constant(100, 'MHz', 'assumption', `the Quartus Power Analyzer takes clock frequencies from the timing constraints, which were 100 MHz in ${AUTHORS_LATER} (the designs themselves closed at 55–94 MHz)`),
};

/** Arithmetic precision the GPU tail runs in (PyTorch default is fp32). */
export type GpuPrecision = 'fp32' | 'fp16';

/** Which GPU time model a profile uses (closed union): see gpu.ts. */
export type GpuModelKind = 'roofline' | 'eager-tx2';

/** What every GPU profile has: the device's peaks, the value size and the GPU-rail power range. */
interface GpuProfileBase {
  readonly id: 'jetson-tx2';
  readonly name: string;
  readonly cudaCores: Constant;
  readonly clockGHz: Constant;
  readonly peakFp32Gflops: Constant;
  readonly peakFp16Gflops: Constant;
  readonly memBandwidthGBs: Constant;
  readonly precision: GpuPrecision;
  readonly bytesPerValue: Constant;
  /** GPU rail power when busy with dispatch/overhead only (lowest measured figure). */
  readonly powerMinW: Constant;
  /** GPU rail power while kernels run (highest measured figure). */
  readonly powerMaxW: Constant;
  readonly powerMedianW: Constant;
}

/** The roofline alternative: per-node max(compute, memory) at assumed efficiencies + a fixed per-node overhead. */
export interface RooflineGpuProfile extends GpuProfileBase {
  readonly model: 'roofline';
  /** Fraction of peak FLOP/s reached by dense (groups = 1) convolutions and GEMMs. */
  readonly computeEfficiencyDense: Constant;
  /** Fraction of peak FLOP/s reached by depthwise / grouped convolutions. */
  readonly computeEfficiencyGrouped: Constant;
  /** Fraction of peak DRAM bandwidth reached. */
  readonly memEfficiency: Constant;
  /** Fixed time per ONNX node (framework dispatch + kernel launch), added to the roofline time. */
  readonly perLayerOverheadMs: Constant;
}

/**
 * The eager-PyTorch model calibrated on the authors' TX2 measurements (tx2-calibration.ts): per op
 * max(floor, bytes / effective bandwidth + FLOPs / throughput); BatchNorm as separate kernels where the torchvision
 * network has them; GPU-only pays the frame's upload and conversion, the hybrid's tail the features' upload and
 * dequantisation.
 */
export interface EagerGpuProfile extends GpuProfileBase {
  readonly model: 'eager-tx2';
  /** Dispatch floor of one op (PyTorch eager + CUDA launch on the TX2 ARM cores), overlapping the GPU's work. */
  readonly opFloorMs: Constant;
  /** DRAM bandwidth effectively reached by PyTorch's kernels. */
  readonly effectiveBandwidthGBs: Constant;
  /** Effective FLOP/s of dense convolutions and GEMMs (added to their memory time). */
  readonly convGflops: Constant;
  /** Effective FLOP/s of depthwise / grouped convolutions. */
  readonly groupedConvGflops: Constant;
  /** Ops GPU-only spends on the camera frame before the network (upload + conversion + normalisation). */
  readonly gpuOnlyInputOps: Constant;
  /** Ops the hybrid's tail spends on the received features (upload + conversion + dequantisation scale). */
  readonly tailInputOps: Constant;
}

/** A GPU profile (discriminated by `model`). */
export type GpuProfile = RooflineGpuProfile | EagerGpuProfile;

const TX2_DS = 'NVIDIA Jetson TX2 module datasheet (256-core Pascal GPU up to 1.3 GHz, 8 GB LPDDR4 128-bit, 59.7 GB/s)';
const TX2_POWER = "GPU rail (INA3221) of the Jetson TX2 in the authors' later single-conv-layer measurements (shared/notes/paper.md)";
const TX2_FIT = "least-squares fit (tx2-calibration.ts fitTx2, log error, two warm-up rows left out) to the authors' TX2 PyTorch table (walcarher/FPGA_GPU_ConvBenchmark GPU_time.csv @0967c47, shared/notes/paper.md); the fit is shown in the report and held by test/node/cost-calibration.test.ts";

const TX2_BASE = {
  id: 'jetson-tx2' as const,
  cudaCores: constant(256, 'cores', 'datasheet', TX2_DS),
  clockGHz: constant(1.3, 'GHz', 'datasheet', TX2_DS),
  peakFp32Gflops: constant(256 * 2 * 1.3, 'GFLOP/s', 'derived', '256 cores × 2 FLOP/cycle (FMA) × 1.3 GHz'),
  peakFp16Gflops: constant(256 * 4 * 1.3, 'GFLOP/s', 'derived', 'fp32 peak × 2 (Pascal GP10B packed half2 FMA)'),
  memBandwidthGBs: constant(59.7, 'GB/s', 'datasheet', TX2_DS),
  precision: 'fp32' as GpuPrecision,
  bytesPerValue: constant(4, 'bytes', 'assumption', "the authors' GPU code is PyTorch + cuDNN with torchvision models; PyTorch's default fp32 is assumed"),
  powerMinW: constant(0.15, 'W', 'authors-measured', `lowest figure, ${TX2_POWER}`),
  powerMaxW: constant(9.8, 'W', 'authors-measured', `highest figure, ${TX2_POWER}`),
  powerMedianW: constant(4, 'W', 'authors-measured', `median figure, ${TX2_POWER} (listed for comparison with the modelled average power; the model interpolates between min and max by the busy fraction)`),
};

/** The roofline alternative (the first pass's model, kept as a named alternative): fp32, cuDNN batch 1. */
export const JETSON_TX2_ROOFLINE: RooflineGpuProfile = {
  ...TX2_BASE,
  name: 'NVIDIA Jetson TX2 (Pascal GP10B, 256 CUDA cores), roofline model',
  model: 'roofline',
  computeEfficiencyDense: constant(0.5, 'ratio', 'assumption', 'cuDNN at batch 1 on small feature maps typically reaches well under peak; 50 % assumed'),
  computeEfficiencyGrouped: constant(0.1, 'ratio', 'assumption', 'depthwise convolutions map poorly onto cuDNN GEMM kernels; 10 % of peak assumed'),
  memEfficiency: constant(0.6, 'ratio', 'assumption', "typical sustained fraction of LPDDR4 peak bandwidth; 60 % assumed (the authors' own TX2 table implies ≈27 %: see the eager-tx2 model)"),
  perLayerOverheadMs: constant(0.03, 'ms', 'assumption', "PyTorch eager dispatch + CUDA kernel launch, ≈30 µs per node assumed (the authors' own TX2 table implies ≈0.42 ms: see the eager-tx2 model)"),
};

/** The default GPU profile: eager PyTorch on the Jetson TX2, calibrated on the authors' own measurements. */
export const JETSON_TX2_EAGER: EagerGpuProfile = {
  ...TX2_BASE,
  name: "NVIDIA Jetson TX2 (Pascal GP10B, 256 CUDA cores), eager PyTorch calibrated on the authors' TX2 table",
  model: 'eager-tx2',
  opFloorMs: constant(0.4223, 'ms', 'derived', TX2_FIT),
  effectiveBandwidthGBs: constant(16.2, 'GB/s', 'derived', `${TX2_FIT}; 27 % of the 59.7 GB/s peak`),
  convGflops: constant(605, 'GFLOP/s', 'derived', `${TX2_FIT}; fitted on single-input-channel convolutions only, so applying it to the networks' multi-channel convolutions is an extrapolation`),
  groupedConvGflops: constant(60.5, 'GFLOP/s', 'assumption', "no measurement of depthwise convolutions: 10 % of the fitted dense throughput, the same ratio as the roofline model's grouped/dense efficiencies"),
  gpuOnlyInputOps: constant(5, 'ops', 'assumption', 'the usual eager sequence on the camera frame: host→GPU copy of the uint8 frame, .float(), /255, −mean, /std (torchvision Normalize); each costs one op of the model'),
  tailInputOps: constant(3, 'ops', 'assumption', "the hybrid's tail receives uint8 features from the DMA: host→GPU copy, .float(), × the fixed-point scale (2^−frac); each costs one op of the model"),
};

/** The default GPU profile (the calibrated eager model). */
export const JETSON_TX2: GpuProfile = JETSON_TX2_EAGER;

/** Link kinds (closed union). */
export type LinkKind = 'pcie-gen2x4' | 'web-serial';

/** Where the head's input frame comes from: the host sends it over the link, or a camera feeds the FPGA directly. */
export type InputSource = 'host' | 'camera';

/**
 * How host transfers are timed against the DHM's streaming (closed union): `serial` — send the whole frame, stream,
 * send the whole feature map back (an upper bound); `overlapped` — DMA chunks overlap the streaming, so only the first
 * input chunk, the streaming and the last output chunk are exposed (a lower bound).
 */
export type TransferMode = 'serial' | 'overlapped';

/** PCIe Gen2 x4 between the TX2 and the FPGA, with the authors' measured transfer-time fit. */
export interface PcieLinkProfile {
  readonly kind: 'pcie-gen2x4';
  readonly name: string;
  readonly slopeMsPerKiB: Constant;
  readonly interceptMs: Constant;
  /** Bytes per 32-bit DMA word (uint8 features packed 4 per word, channel-fastest HWC). */
  readonly wordBytes: Constant;
  /** Bytes per DMA chunk (the granularity at which transfers overlap the DHM's streaming). */
  readonly dmaChunkBytes: Constant;
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
  dmaChunkBytes: constant(8192, 'bytes', 'authors-published', "the authors' DMA moves 2048-word chunks of 4 bytes (shared/notes/paper.md); a chunk is the unit that overlaps with streaming"),
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
