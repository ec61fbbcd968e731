/**
 * RTL generation (environment-neutral strings; docs/rtl.md):
 *   generateRtl(program, {prefix?, programHashHex?, multipliers?}) → RtlFile[]   one module per layer + dhm_head + params
 *   RTL_LIBRARY_FILES                         hand-written blocks in hdl/ that complete the design
 *   streamTimes / lineBufferRows / skewFifoDepth   the timing schedule the RTL reproduces, buffer sizes
 *   quartusQsf / quartusSdc                   Quartus Prime skeleton for the head alone
 */
export { generateRtl, RtlError, RTL_GENERATOR_VERSION, RTL_LIBRARY_FILES, RTL_MAX_SIDE, type RtlFile, type RtlOptions } from './head';
export { streamTimes, lineBufferRows, skewFifoDepth, type StreamTimes } from './schedule';
export { quartusQsf, quartusSdc, QUARTUS_DEVICE, QUARTUS_CLOCK_PERIOD_NS } from './quartus';
export type { MultiplierStyle } from './layers';
