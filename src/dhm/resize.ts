/**
 * `resizeProgramInput`: the same head (same layers, weights, formats, modes) on another input frame size, e.g. a real
 * head's weights on a reduced 32×32 frame for a board or simulation check. Every stream keeps its channels and format;
 * heights and widths are recomputed layer by layer (docs/datapath.md §3.1, §7.1). The result is validated: a size on
 * which some window would read only padding, or a layer's output would be empty, throws DhmProgramError.
 */
import { convOutputSize, poolOutputSize, type DhmProgram, type StreamInfo } from './program';
import { DhmProgramError, validateProgram } from './validate';

/** A copy of `program` whose input is `height × width` pixels (≥ 1), every stream shape recomputed. */
export function resizeProgramInput(program: DhmProgram, height: number, width: number): DhmProgram {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new DhmProgramError('', 'input', 'a frame of at least 1×1 integer pixels', `${height}×${width}`);
  }
  const streams: Record<string, StreamInfo> = { ...program.streams };
  streams[program.input.id] = { ...program.streams[program.input.id]!, height, width };
  for (const l of program.layers) {
    const out = program.streams[l.output]!;
    let h: number, w: number;
    if (l.kind === 'conv') {
      const x = streams[l.input]!;
      h = convOutputSize(x.height, l.kernelH, l.strideH, l.dilationH, l.padTop, l.padBottom);
      w = convOutputSize(x.width, l.kernelW, l.strideW, l.dilationW, l.padLeft, l.padRight);
    } else if (l.kind === 'maxpool') {
      const x = streams[l.input]!;
      h = poolOutputSize(x.height, l.kernelH, l.strideH, l.padTop, l.padBottom, l.ceilMode);
      w = poolOutputSize(x.width, l.kernelW, l.strideW, l.padLeft, l.padRight, l.ceilMode);
    } else {
      const x = streams[l.inputs[0]!]!;
      h = x.height;
      w = x.width;
    }
    if (h < 1 || w < 1) throw new DhmProgramError(l.name, 'output', `a non-empty output on a ${height}×${width} input`, `${h}×${w}`);
    streams[l.output] = { ...out, height: h, width: w };
  }
  const resized: DhmProgram = { ...program, input: { ...program.input, height, width }, streams };
  validateProgram(resized);
  return resized;
}
