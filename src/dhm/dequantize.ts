/**
 * Integer feature map → float, for the float tail (docs/datapath.md §2, §11): value = code · 2^−fracBits(format).
 * Input and output are NCHW (N = 1); the result is exact in float32 for codes of up to 24 bits.
 */
import { fracBits, type DhmProgram, type FixedFormat } from './program';

/** Dequantise codes in `format` to a Float32Array of the same length and layout (NCHW). */
export function dequantize(codes: Int32Array, format: FixedFormat): Float32Array {
  const scale = 2 ** -fracBits(format);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! * scale;
  return out;
}

/** Dequantise a program's output stream: returns the float tensor and its NCHW dims [1, C, H, W]. */
export function dequantizeOutput(program: DhmProgram, output: Int32Array): { readonly data: Float32Array; readonly dims: readonly number[] } {
  const s = program.streams[program.output]!;
  const n = s.channels * s.height * s.width;
  if (output.length !== n) throw new RangeError(`output has ${output.length} values, expected ${s.channels}×${s.height}×${s.width} = ${n} (NCHW)`);
  return { data: dequantize(output, s.format), dims: [1, s.channels, s.height, s.width] };
}
