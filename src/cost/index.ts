/**
 * Cost models and the paper reproduction — API summary (environment-neutral):
 *
 *   devices.ts     CYCLONE10GX_10CX220, JETSON_TX2, PCIE_GEN2_X4, webSerialLink(baud): profiles, every constant sourced
 *   (re-exported) src/provenance: Figure (value, unit, 'measured' | 'modelled' | 'paper', source), Constant
 *   csd.ts         csdDigits, csdNonZero, csdAdders, constMultKind
 *   resources.ts   estimateResources(program, fpga, {dspPolicy}, cycles?) → per layer / per head, fit, limiting resource
 *   fpga.ts        fpgaLatencyMs(cycles, fpga), fpgaPowerW(resources, fpga), energyMJ(power, time)
 *   gpu.ts         classifyOp, estimateGpuLayer, estimateGpuSegment (TX2 roofline + power)
 *   link.ts        linkBytes, linkTimeMs (PCIe fit, Web Serial)
 *   sweep.ts       sweepNetwork, evaluateHead, bestCuts
 *   report.ts      buildReport → report.md, rows.csv, rows.json, SVG plots
 *   paper.ts       PAPER_CLAIMS (the abstract's ranges)
 *   networks.ts    gpuWorkOf, networkSweepInput: partitioner graph → sweep input
 *   reproduce.ts   reproduce(models, options) → report files (the CLI's `reproduce`)
 */
export * from '../provenance/provenance';
export * from './devices';
export * from './csd';
export * from './resources';
export * from './fpga';
export * from './gpu';
export * from './link';
export * from './sweep';
export * from './report';
export * from './paper';
export * from './svg';
export * from './networks';
export * from './reproduce';
