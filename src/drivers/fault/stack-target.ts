import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { FaultTargets, StackControl } from '../registry.js';

/** The stack control, or a clear error when the stack is not one the harness manages. */
export function requireStack(targets: FaultTargets, kind: string): StackControl {
  if (targets.stack) return targets.stack;
  throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `${kind} needs a stack the harness manages; this run's stack offers no control of its services`, {
    hint: 'run on the native stack (`--provider native`), or drop the fault',
  });
}
