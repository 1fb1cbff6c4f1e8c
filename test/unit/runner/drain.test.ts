import { describe, expect, it } from 'vitest';
import type { ProcessorFleet } from '../../../src/drivers/registry.js';
import { waitForDrain } from '../../../src/runner/drain.js';
import type { LagSampler } from '../../../src/runner/lag-sampler.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import type { Topology } from '../../../src/contract/topology.js';

/**
 * A processor that dies is a finding, not the end of the run: the drain records the death, lets
 * the survivors catch up, and stops waiting only when nobody is left (then the verifier proves
 * what was committed and says what the death cost).
 */

function fleetWith(instances: number, deathsAt: (poll: number) => string[]): { fleet: ProcessorFleet; polls: () => number } {
  let polls = 0;
  const fleet = {
    instances,
    groupId: 'g',
    assertHealthy: () => undefined,
    deaths: () => deathsAt(polls++),
  } as unknown as ProcessorFleet;
  return { fleet, polls: () => polls };
}

function lagOf(values: number[]): LagSampler {
  let i = 0;
  let latest: { lagEvents: number } | undefined;
  return {
    sampleOnce: async () => {
      latest = { lagEvents: values[Math.min(i++, values.length - 1)] as number };
      return latest;
    },
    get latest() {
      return latest;
    },
  } as unknown as LagSampler;
}

const input = (fleet: ProcessorFleet, lag: LagSampler, drainTimeoutMs: number) => ({
  fleet,
  sink: null,
  lag,
  topology: {} as Topology,
  scenario: { run: { drainTimeoutMs } } as unknown as Scenario,
  signal: new AbortController().signal,
  log: () => undefined,
});

describe('waitForDrain with a processor that dies', () => {
  it('records the death and completes when the survivor catches up', async () => {
    const { fleet } = fleetWith(2, (poll) => (poll >= 1 ? ['processor 1 exited unexpectedly (code null, signal SIGKILL)'] : []));
    const outcome = await waitForDrain(input(fleet, lagOf([40, 20, 0]), 30_000));
    expect(outcome.complete).toBe(true);
    expect(outcome.processorDeaths).toEqual(['processor 1 exited unexpectedly (code null, signal SIGKILL)']);
  });

  it('stops waiting once every instance is dead, and says so', async () => {
    const { fleet, polls } = fleetWith(2, () => ['processor 0 exited unexpectedly', 'processor 1 exited unexpectedly']);
    const outcome = await waitForDrain(input(fleet, lagOf([40]), 60_000));
    // One look at the fleet in the loop (then broke out, not waiting out the 60 s), one after it.
    expect(polls()).toBe(2);
    expect(outcome.complete).toBe(false);
    expect(outcome.processorDeaths).toHaveLength(2);
    expect(outcome.outstanding[0]).toBe('processors still 40 events behind (every processor died)');
  });

  it('waits for an external job (0 instances of ours) until its lag is 0', async () => {
    const { fleet, polls } = fleetWith(0, () => []);
    const outcome = await waitForDrain(input(fleet, lagOf([30, 10, 0]), 30_000));
    expect(outcome.complete).toBe(true);
    expect(polls()).toBe(3);
    expect(outcome.processorDeaths).toEqual([]);
  });
});
