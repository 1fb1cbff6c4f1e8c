import { describe, expect, it } from 'vitest';
import { createRequestPlanner } from '../../../src/workload/http-driver-plan.js';
import { validEvent } from '../pipeline/collector/fixtures.js';
import { START_EPOCH_MS, scriptedGenerator } from './http-driver-fixtures.js';

describe('createRequestPlanner', () => {
  it('groups batchSize offsets per request, due at the first; malformed records go to their own request', () => {
    const generator = scriptedGenerator();
    const planner = createRequestPlanner({ offsetsMs: [0, 2.5, 5, 7.5, 10, 12.5, 15][Symbol.iterator](), generator, batchSize: 3, startEpochMs: START_EPOCH_MS });
    const plan = [planner.next(), planner.next(), planner.next(), planner.next(), planner.next()];
    expect(plan.map((p) => p && [p.kind, p.intendedOffsetMs, p.events.map((e) => e.seq), p.malformed.map((m) => m.seq)])).toEqual([
      ['events', 0, [0, 1, 2], []],
      ['events', 7.5, [4, 5], []],
      ['malformed', 7.5, [], [3]],
      ['events', 15, [6], []],
      undefined,
    ]);
    expect(generator.intendedAts).toEqual([0, 0, 0, 7, 7, 7, 15].map((offset) => START_EPOCH_MS + offset));
    expect(plan[1]?.intendedAtEpochMs).toBe(START_EPOCH_MS + 7);
    expect(plan[2]?.body).toBe('{"seq":3}\n');
    expect(plan[0]?.body).toBe(`${[0, 1, 2].map((s) => JSON.stringify(validEvent(s, { intendedAt: START_EPOCH_MS }))).join('\n')}\n`);
  });

  it('close() hands back generated-but-unsent requests and counts events never generated', () => {
    const planner = createRequestPlanner({ offsetsMs: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9][Symbol.iterator](), generator: scriptedGenerator(), batchSize: 4, startEpochMs: START_EPOCH_MS });
    expect(planner.next()?.kind).toBe('events'); // seqs 0..3: the malformed seq 3 waits in the queue
    const { unsent, ungeneratedEvents } = planner.close();
    expect(unsent.map((p) => [p.kind, p.malformed.map((m) => m.seq)])).toEqual([['malformed', [3]]]);
    expect(ungeneratedEvents).toBe(6);
  });
});
