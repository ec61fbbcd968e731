/** Pass `validate`: the emitted program against the DHM program contract (src/dhm/validate.ts; DhmProgramError names the layer and field). */
import { validateProgram } from '../validate';
import { need, type CompilerContext, type CompilerState } from './state';

export function validate(s: CompilerState, _ctx: CompilerContext): CompilerState {
  validateProgram(need(s, 'program', 'validate', 'emit'));
  return s;
}
