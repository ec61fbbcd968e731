/**
 * Cost models and the paper reproduction — API summary (environment-neutral):
 *
 *   devices.ts     CYCLONE10GX_10CX220, JETSON_TX2 (= JETSON_TX2_EAGER; JETSON_TX2_ROOFLINE), PCIE_GEN2_X4, webSerialLink(baud)
 *   tx2-calibration.ts  the authors' TX2 table, fitTx2, tx2FitRows (the eager GPU model's calibration)
 *   (re-exported) src/provenance: Figure (value, unit, 'measured' | 'modelled' | 'paper', source), Constant
 *   csd.ts         csdDigits, csdNonZero, csdAdders, constMultKind
 *   resources.ts   estimateResources(program, fpga, {dspPolicy}, cycles?) → per layer / per head, fit, limiting resource
 *   fpga.ts        fpgaLatencyMs(cycles, fpga), fpgaPowerW (chip power), energyMJ(power, time)
 *   gpu.ts         classifyOp, gpuNodeNumbers, estimateGpuLayer, estimateGpuSegment (eager-tx2 or roofline + power)
 *   link.ts        linkBytes, linkTimeMs, linkMs (PCIe fit, Web Serial)
 *   timeline.ts    headTimeline: exposed FPGA + link time (camera, host serial, host overlapped)
 *   sweep.ts       sweepNetwork, evaluateHead, pointNumbers, bestCuts
 *   scenarios.ts   scenarios, runScenario (nominal rows + bands)
 *   inverse.ts     inverseAnalysis, paperReach
 *   authors-designs.ts  compareAuthorsDesigns, parseOpenSynthesis
 *   accuracy-report.ts  AccuracyResult, accuracySection, accuracyJson
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
export * from './tx2-calibration';
export * from './timeline';
export * from './scenarios';
export * from './inverse';
export * from './authors-designs';
export * from './accuracy-report';
