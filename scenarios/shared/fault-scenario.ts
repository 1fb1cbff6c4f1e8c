import { defineScenario } from '../../src/scenario/define.js';
import type { ScenarioInput } from '../../src/scenario/schema.js';

/**
 * The shape every shipped fault scenario shares (docs/faults.md, "Shipped scenarios"): smoke's
 * rate (800 ev/s, 5 s windows, 2 processors) on 3 brokers for 90 s of load — with warm-up and
 * drain well under 3 minutes on the native stack — and the correctness gates that are the point
 * (0 lost, 0 duplicated, 0 violations, every result in S3). A scenario adds its fault and any gate
 * on the fault's own figures. (A folder of its own: the loader reads scenarios/*.ts as scenarios.)
 */
type Scenario = ScenarioInput;

export function faultScenario(own: { name: string; description: string; faults: NonNullable<Scenario['faults']>; faultGates: string[] }): ScenarioInput {
  return defineScenario({
    name: own.name,
    description: own.description,
    stack: { brokers: 3 },
    workload: { seed: 1, users: 1_000, keyDistribution: { kind: 'zipf', skew: 1 }, outOfOrderFraction: 0.05, outOfOrderMaxMs: '500ms' },
    load: {
      phases: [
        { kind: 'ramp', name: 'ramp-up', fromRateEventsPerS: 100, toRateEventsPerS: 800, durationMs: '5s' },
        { kind: 'constant', name: 'steady', rateEventsPerS: 800, durationMs: '85s' },
      ],
    },
    processor: { instances: 2, windowMs: '5s', outOfOrdernessMs: '1s', allowedLatenessMs: 0, idleTimeoutMs: '2s' },
    run: { warmUpMs: '5s', drainTimeoutMs: '40s', onTimeMs: '500ms' },
    faults: own.faults,
    thresholds: ['lost == 0', 'duplicated == 0', 'violations == 0', 's3Missing == 0', ...own.faultGates],
  });
}
