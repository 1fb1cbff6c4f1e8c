import { describe, expect, it } from 'vitest';
import { ProcessorCore } from '../../../../src/pipeline/processor/core.js';
import { T0, makeEvent, recordOf } from './fixtures.js';

const NOW = T0 + 3_600_000;

describe('ProcessorCore.markActive (backlog keeps a partition from going idle)', () => {
  function twoPartitions(): ProcessorCore {
    const core = new ProcessorCore({ windowMs: 60_000, outOfOrdernessMs: 5_000, idleTimeoutMs: 10_000 });
    core.assign([0, 1], NOW);
    core.processBatch([recordOf(makeEvent({ seq: 1, userId: 'u0', eventTime: T0 + 1_000 }), 0, 2), recordOf(makeEvent({ seq: 2, userId: 'u1', eventTime: T0 + 1_000 }), 0, 2)], NOW);
    return core;
  }
  const ahead = (core: ProcessorCore, nowMs: number) =>
    core.processBatch([recordOf(makeEvent({ seq: 3, userId: 'u0', eventTime: T0 + 300_000 }), 1, 2)], nowMs);

  it('without it, a partition with no records for idleTimeoutMs stops holding the watermark back', () => {
    const core = twoPartitions();
    const out = ahead(core, NOW + 10_000);
    expect(core.watermarkMs).toBe(T0 + 295_000);
    expect(out.results.map((r) => r.key)).toEqual([`u0|${T0}`, `u1|${T0}`]);
  });

  it('a partition marked active keeps holding it, so its pending events are not judged late', () => {
    const core = twoPartitions();
    core.markActive([1], NOW + 10_000);
    const out = ahead(core, NOW + 10_000);
    expect(core.watermarkMs).toBe(T0 - 4_000);
    expect(out.results).toEqual([]);
    // Unassigned partitions are ignored.
    expect(() => core.markActive([7], NOW)).not.toThrow();
  });
});
