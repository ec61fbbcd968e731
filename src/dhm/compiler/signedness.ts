/**
 * Pass `signedness`: which streams are signed, from the structure alone (docs/datapath.md §10): the input is
 * unsigned; a conv or add is unsigned after relu/relu6; a max-pool keeps its input's; a wire layer is signed when
 * any input is.
 */
import { activationOf, need, type CompilerContext, type CompilerState } from './state';

export function signedness(s: CompilerState, ctx: CompilerContext): CompilerState {
  const fh = need(s, 'floatHead', 'signedness', 'lower');
  const signed = new Map<string, boolean>([[fh.inputId, false]]);
  for (const l of fh.layers) {
    if (l.kind === 'conv' || l.kind === 'add') {
      const a = activationOf(ctx, l);
      signed.set(l.output, !(a === 'relu' || a === 'relu6'));
    } else if (l.kind === 'maxpool') signed.set(l.output, signed.get(l.input)!);
    else signed.set(l.output, l.inputs.some((i) => signed.get(i)!));
  }
  return { ...s, signed };
}
