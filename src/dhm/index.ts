/**
 * The DHM datapath — API summary (environment-neutral; normative prose in docs/datapath.md):
 *
 *   program.ts   DhmProgram contract: layers conv/maxpool/add/wire, FixedFormat (FIXED<b,i>/UFIXED<b,i>),
 *                Rounding/Overflow/Activation, layerLatencyCycles, convOutputSize/poolOutputSize, convAccumulatorBits
 *   validateProgram(p)                  throws DhmProgramError(layer, field, expected, got)
 *   compiler.ts  the compiler as named passes (its table of contents): lower → calibrate → signedness →
 *                concat-ranges → formats → weights → emit → validate (one file each in compiler/);
 *                COMPILER_PASSES, runPasses, compileProgram, estimateCompiler (calibration-free, for the cost models)
 *   compileHead(headGraph, {preprocessing, calibrationFrames, mode?, bits?, weightBits?, rounding?, overflow?,
 *               weightQuant?, perChannel?, range?, overrides?}) → {program, report, floatHead, options}  (quantize.ts)
 *   lowerHead(headGraph, preprocessing) → FloatHead; evalFloatHead(floatHead, frame) → streams     (float.ts)
 *   runReference(program, frame HWC RGB uint8, {keepStreams?}) → {output Int32Array NCHW, streams?, cycles}
 *   formulaCycles(program) → HeadCycles (analytic, equals the emulator's counts)                  (cycles.ts)
 *   dequantize(codes, format) → Float32Array NCHW; dequantizeOutput(program, output)             (dequantize.ts)
 *   resizeProgramInput(program, H, W) → the same head on another frame size (resize.ts)
 *   roundShift / activate / overflowTo — the scalar arithmetic of §4–§6                           (reference.ts)
 * Test-only (not exported here): random.ts, seeded valid programs and frames for the test suites.
 */
export * from './program';
export { DhmProgramError, validateProgram } from './validate';
export { runReference, referenceCycles, roundShift, activate, overflowTo, type ReferenceResult } from './reference';
export { formulaCycles } from './cycles';
export { dequantize, dequantizeOutput } from './dequantize';
export { lowerHead, evalFloatHead, UnsupportedHeadOpError, type FloatHead, type FloatLayer, type FloatStream } from './float';
export {
  COMPILER_PASSES, runPasses, compileProgram, compilerContext, compilerMemo, estimateCompiler,
  type CompilerPass, type CompilerPassName, type CompiledHead,
} from './compiler';
export type { CompilerContext, CompilerState, CompilerMemo, QuantizedConv } from './compiler/state';
export {
  compileHead, calibrate, chooseFormat, quantReport, formatReport, QuantizeError, DEFAULT_QUANT_OPTIONS, estimateAssumedRange,
  type CalibrationStats, type CompileMode, type CompileOptions, type CompileResult, type LayerOverride, type QuantOptions, type QuantReport, type TensorReport,
} from './quantize';
export { resizeProgramInput } from './resize';
