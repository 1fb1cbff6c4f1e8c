import { injectorFor } from '../drivers/fault/index.js';
import type { FaultTargets, ProcessorFleet } from '../drivers/registry.js';
import { faultPlanOf } from '../scenario/fault-checks.js';
import type { PlannedFault } from '../scenario/fault-plan.js';
import type { Scenario } from '../scenario/schema.js';
import { stackControlFor } from '../stack/fault-control.js';
import { totalDurationMs, type Schedule } from '../workload/schedule.js';
import type { RunContext } from './context.js';
import { startFaultSchedule, type FaultSchedule } from './fault-scheduler.js';
import type { LagSampler } from './lag-sampler.js';
import type { LoadStep } from './load.js';

/**
 * The run's faults: the plan (checked with the scenario already), the targets they may touch —
 * this run's processor fleet and its stack's services by recorded PID — and the scheduler on the
 * run's clock and signal. Its cleanup heals every active fault before anything else stops.
 */
export function faultPlanForRun(scenario: Scenario, brokers: number): PlannedFault[] {
  const plan = faultPlanOf({
    faults: scenario.faults,
    loadMs: totalDurationMs(scenario.load as Schedule),
    load: scenario.load,
    brokers,
    instances: (scenario.processor as { instances?: number }).instances ?? 1,
    partitions: scenario.topology.rawEventsPartitions,
  });
  // The scenario check refused a plan with problems before anything started.
  if (plan.problems.length > 0) throw new Error(`fault plan problems after validation: ${plan.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return plan.faults;
}

export function startRunFaults(ctx: RunContext, fleet: ProcessorFleet, load: LoadStep, lag: LagSampler): FaultSchedule | null {
  if (ctx.scenario.faults.length === 0) return null;
  const plan = faultPlanForRun(ctx.scenario, ctx.endpoints.kafka.brokers);
  const targets: FaultTargets = { processors: fleet, stack: stackControlFor(ctx.endpoints) };
  const schedule = startFaultSchedule({
    plan,
    loadStartEpochMs: load.startEpochMs,
    clock: ctx.clock,
    signal: ctx.signal,
    timeline: ctx.timeline,
    inject: (fault) => injectorFor(fault.kind).inject(ctx, fault.spec as never, targets),
    atRisk: () => {
      const counters = load.live()?.counters;
      if (!counters) return null;
      const inFlight = (counters.sent ?? 0) - (counters.acked ?? 0) - (counters.failed ?? 0);
      return { inFlightEvents: Math.max(0, inFlight), consumerLagEvents: lag.latest?.lagEvents ?? 0 };
    },
    log: (line) => ctx.log(line),
    onActive: (fault, active) => (active ? ctx.registry.runInfo.faultStarted(fault.kind, fault.target) : ctx.registry.runInfo.faultEnded(fault.kind, fault.target)),
    onError: (error) => ctx.errors.push(error),
  });
  ctx.onCleanup('faults', () => schedule.stop());
  return schedule;
}
