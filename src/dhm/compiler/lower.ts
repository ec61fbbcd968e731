/**
 * Pass `lower`: head graph → float DHM layers (src/dhm/float.ts lowerHead: ONNX ops onto the four DHM blocks, the
 * model's normalisation folded into the first conv), the calibration frames checked against the head's input size,
 * and the override keys checked against the layers (typo protection).
 */
import { lowerHead } from '../float';
import { QuantizeError } from './options';
import type { CompilerContext, CompilerState } from './state';

export function lower(s: CompilerState, ctx: CompilerContext): CompilerState {
  if (ctx.mode === 'calibrated' && ctx.calibrationFrames.length === 0) throw new QuantizeError('*', 'at least one calibration frame is needed');
  let fh = ctx.memo?.lowered.get(s.graph);
  if (!fh) {
    fh = lowerHead(s.graph, ctx.preprocessing, ctx.memo?.floatConstants);
    ctx.memo?.lowered.set(s.graph, fh);
  }
  const frames = ctx.calibrationFrames.map((d, i) => {
    if (d.length !== fh.height * fh.width * 3) throw new QuantizeError('*', `calibration frame ${i} has ${d.length} bytes, expected ${fh.height}×${fh.width}×3 = ${fh.height * fh.width * 3} (HWC RGB, the head input size)`);
    return d;
  });
  for (const key of Object.keys(ctx.overrides)) {
    if (!fh.layers.some((l) => l.name === key || l.output === key)) throw new QuantizeError(key, `override names no layer or stream of the head (layers: ${fh.layers.map((l) => l.name).join(', ')})`);
  }
  return { ...s, floatHead: fh, frames };
}
