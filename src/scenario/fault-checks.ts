import { FAULT_INJECTORS } from '../drivers/fault/index.js';
import type { ProcessorFaultSupport } from '../drivers/registry.js';
import { FAULT_COUNTERS } from '../report/result-schema.js';
import { listPhases, type Schedule } from '../workload/schedule.js';
import { planFaults, type FaultPlan } from './fault-plan.js';
import type { ScenarioProblem } from './problems.js';
import type { FaultSpec, InjectableFaultKind } from './schema-faults.js';

/**
 * The scenario's faults checked against the rest of it, before anything starts: the plan
 * (fault-plan.ts: targets, overlaps, times inside the load), what the stack provider lets the
 * harness break, and what the processor kind can do (kill, scale, report an open transaction).
 */
export const FAULT_FIGURE_COUNTERS = FAULT_COUNTERS;

/** Faults that act on the stack's services: impossible on a stack the harness does not manage. */
const STACK_KINDS: readonly string[] = ['broker-kill', 'broker-pause', 'delivery-outage', 'network'];

export interface FaultCheckInput {
  faults: readonly FaultSpec[];
  stack: { provider: string; brokers: number };
  processorKind: string;
  support: ProcessorFaultSupport;
  instances: number;
  partitions: number;
  loadMs: number;
  load: unknown;
}

export function injectableKinds(): InjectableFaultKind[] {
  return FAULT_INJECTORS.map((i) => i.kind as InjectableFaultKind);
}

export function faultPlanOf(input: Omit<FaultCheckInput, 'stack' | 'processorKind' | 'support'> & { brokers: number }): FaultPlan {
  const phases = listPhases(input.load as Schedule).map((p) => ({ name: p.name, startMs: p.startMs, endMs: p.endMs }));
  return planFaults({ faults: input.faults, loadMs: input.loadMs, phases, brokers: input.brokers, instances: input.instances, partitions: input.partitions, injectableKinds: injectableKinds() });
}

export function checkFaults(input: FaultCheckInput): { errors: ScenarioProblem[]; warnings: ScenarioProblem[] } {
  const errors: ScenarioProblem[] = [];
  const warnings: ScenarioProblem[] = [];
  const { stack, support, processorKind } = input;
  input.faults.forEach((fault, i) => {
    const at = `faults.${i}`;
    if (stack.provider === 'external' && STACK_KINDS.includes(fault.kind)) {
      errors.push({ path: `${at}.kind`, message: `${fault.kind} needs a stack the harness manages; the external provider's services cannot be stopped` });
    }
    if ((fault.kind === 'broker-kill' || fault.kind === 'broker-pause') && stack.brokers === 1) {
      warnings.push({ path: `${at}.kind`, message: `with 1 broker, ${fault.kind} stops Kafka altogether (an outage, not a failover)` });
    }
    if (fault.kind === 'processor-kill' && !support.kill) errors.push({ path: `${at}.kind`, message: `processor kind ${processorKind} runs no instance the harness can kill` });
    if (fault.kind === 'processor-kill' && fault.whileTransactionOpen && !support.transactionSignal) {
      errors.push({ path: `${at}.whileTransactionOpen`, message: `processor kind ${processorKind} does not report its open transactions (the builtin kind does)` });
    }
    if (fault.kind === 'processor-scale' && !support.scale) errors.push({ path: `${at}.kind`, message: `processor kind ${processorKind} cannot add or remove an instance while running (the builtin kind can)` });
    if (fault.kind === 'chaos' && stack.provider === 'external' && (fault.kinds ?? injectableKinds()).some((k) => STACK_KINDS.includes(k))) {
      errors.push({ path: `${at}.kinds`, message: `on the external provider chaos may draw only processor faults: set kinds to [processor-kill${support.scale ? ', processor-scale' : ''}]` });
    }
  });
  errors.push(...faultPlanOf({ ...input, brokers: stack.brokers }).problems);
  return { errors, warnings };
}
