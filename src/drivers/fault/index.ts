import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { FaultInjector } from '../registry.js';

/**
 * Registered fault injectors: one line each. None yet; the scenario schema still describes
 * the fault kinds (src/scenario/schema-faults.ts) so scenarios can be written and checked, and
 * the runner refuses a fault whose kind has no injector here, before anything starts: running
 * without it would silently measure a different experiment.
 */
export const FAULT_INJECTORS: readonly FaultInjector[] = [];

/** Throws SP_INVALID_SCENARIO naming every fault this version cannot inject. */
export function assertFaultsInjectable(faults: ReadonlyArray<{ kind: string }>): void {
  const registered = FAULT_INJECTORS.map((injector) => injector.kind);
  const problems = faults.flatMap((fault, i) =>
    registered.includes(fault.kind) ? [] : [`faults.${i}.kind: the runner cannot inject ${fault.kind} faults yet: no injector is registered for that kind (registered: ${registered.join(', ') || 'none'})`],
  );
  if (problems.length === 0) return;
  throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `${problems.length} fault(s) declared that this version cannot inject:\n  ${problems.join('\n  ')}`, {
    hint: 'remove `faults` (or `--set faults=null`) to run the scenario without them',
  });
}
