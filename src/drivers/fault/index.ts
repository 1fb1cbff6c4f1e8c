import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { FaultInjector } from '../registry.js';
import { brokerKill } from './broker-kill.js';
import { brokerPause } from './broker-pause.js';
import { deliveryOutage } from './delivery-outage.js';
import { network } from './network.js';
import { processorKill } from './processor-kill.js';
import { processorScale } from './processor-scale.js';

/**
 * Registered fault injectors: one line each (docs/faults.md). The scenario schema describes
 * every fault kind (src/scenario/schema-faults.ts) so scenarios can be written and checked; the
 * runner refuses a fault whose kind has no injector here, before anything starts: running
 * without it would silently measure a different experiment.
 */
export const FAULT_INJECTORS: readonly FaultInjector[] = [brokerKill, brokerPause, processorKill, processorScale, deliveryOutage, network] as unknown as FaultInjector[];

/** Throws SP_INVALID_SCENARIO naming every fault this version cannot inject (chaos: every kind it may draw). */
export function assertFaultsInjectable(faults: ReadonlyArray<{ kind: string; kinds?: readonly string[] | undefined }>): void {
  const registered = FAULT_INJECTORS.map((injector) => injector.kind);
  const problems = faults.flatMap((fault, i) => {
    if (fault.kind === 'chaos') {
      const missing = (fault.kinds ?? []).filter((k) => !registered.includes(k));
      return missing.length === 0 ? [] : [`faults.${i}.kinds: chaos cannot draw ${missing.join(', ')} faults yet: no injector is registered for ${missing.length === 1 ? 'that kind' : 'those kinds'} (registered: ${registered.join(', ')})`];
    }
    return registered.includes(fault.kind) ? [] : [`faults.${i}.kind: the runner cannot inject ${fault.kind} faults yet: no injector is registered for that kind (registered: ${registered.join(', ') || 'none'})`];
  });
  if (problems.length === 0) return;
  throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `${problems.length} fault(s) declared that this version cannot inject:\n  ${problems.join('\n  ')}`, {
    hint: 'remove those faults (or `--set faults=null` for all of them) to run the scenario without them',
  });
}

export function injectorFor(kind: string): FaultInjector {
  const injector = FAULT_INJECTORS.find((i) => i.kind === kind);
  if (!injector) throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `no fault injector is registered for ${kind}`, { hint: 'a harness bug: the scenario check should have refused it' });
  return injector;
}
