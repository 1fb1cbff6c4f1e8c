import { describe, expect, it } from 'vitest';
import { projectSizing, HOURS_PER_MONTH, type SizingInput } from '../../../src/capacity/sizing.js';
import { fewestInstancesFor, scalingRows } from '../../../src/capacity/scaling.js';

const INPUT: SizingInput = {
  targetPeak: 50_000,
  headroom: 0.3,
  measured: {
    foundRate: 5_000,
    partitions: 12,
    brokers: 3,
    replicationFactor: 3,
    perInstanceRate: 2_000,
    pipelineCores: 1.2,
    machineCores: 2,
    resultsPerEvent: 0.1,
    bytesPerResult: 200,
    gzipRatio: 0.25,
  },
  flinkSlotsPerTaskManager: 2,
  buffering: { sizeBytes: 5 * 1024 * 1024, intervalS: 300 },
};

describe('projectSizing', () => {
  it('extrapolates linearly per partition, instance, broker and core from the planned rate', () => {
    const z = projectSizing(INPUT);
    expect(z.plannedRate).toBe(65_000);
    // 5000 / 12 = 416.67 per partition → 65000 / 416.67 = 156.
    expect(z.partitions).toBe(156);
    // 65000 / 2000 = 32.5 → 33.
    expect(z.processorInstances).toBe(33);
    // 5000 / 3 per broker → 65000 / 1666.7 = 39.
    expect(z.brokers).toBe(39);
    // 13 × 1.2 cores = 15.6 → 16.
    expect(z.cores).toBe(16);
    expect(z.flink).toEqual({ taskManagers: 17, slotsPerTaskManager: 2, slots: 33 });
  });

  it('never fewer partitions than instances, never fewer brokers than the replication factor', () => {
    const z = projectSizing({ ...INPUT, targetPeak: 100, measured: { ...INPUT.measured, partitions: 1, perInstanceRate: 10 } });
    expect(z.processorInstances).toBe(13);
    expect(z.partitions).toBe(13);
    expect(z.brokers).toBe(3);
  });

  it('Firehose: size-triggered flushes at a high byte rate, with objects, sizes, latency and PUTs', () => {
    const fh = projectSizing(INPUT).firehose!;
    // 50000 × 0.1 = 5000 results/s × 200 B = 1,000,000 B/s; 5 MiB fills in 5.24288 s.
    expect(fh.resultsPerS).toBe(5_000);
    expect(fh.bytesPerS).toBe(1_000_000);
    expect(fh.trigger).toBe('size');
    expect(fh.flushEveryS).toBeCloseTo(5.24288, 10);
    expect(fh.objectsPerHour).toBeCloseTo(3600 / 5.24288, 8);
    expect(fh.objectRawBytes).toBeCloseTo(5 * 1024 * 1024, 6);
    expect(fh.objectGzipBytes).toBeCloseTo(5 * 1024 * 1024 * 0.25, 6);
    expect(fh.addedLatencyMeanS).toBeCloseTo(2.62144, 10);
    expect(fh.putsPerMonth).toBeCloseTo((3600 / 5.24288) * HOURS_PER_MONTH, 6);
  });

  it('Firehose: interval-triggered at a low byte rate (12 objects an hour, smaller than the size hint)', () => {
    const fh = projectSizing({ ...INPUT, targetPeak: 100 }).firehose!;
    // 100 × 0.1 × 200 = 2000 B/s; the buffer would take 2621 s to fill: the 300 s interval wins.
    expect(fh.trigger).toBe('interval');
    expect(fh.flushEveryS).toBe(300);
    expect(fh.objectsPerHour).toBe(12);
    expect(fh.objectRawBytes).toBe(600_000);
    expect(fh.addedLatencyMaxS).toBe(300);
    expect(fh.putsPerMonth).toBe(12 * HOURS_PER_MONTH);
  });

  it('states every assumption, and skips what was not measured', () => {
    const z = projectSizing({ ...INPUT, measured: { ...INPUT.measured, pipelineCores: null, resultsPerEvent: null } });
    expect(z.cores).toBeNull();
    expect(z.firehose).toBeNull();
    const text = z.assumptions.join('\n');
    for (const word of ['planned rate', 'linear per partition', 'linear per processor instance', 'linear per broker', 'CPU per role was not sampled', 'Flink', 'no delivery figures']) expect(text).toContain(word);
    expect(projectSizing(INPUT).assumptions.join('\n')).toMatch(/buffering hints 5 MiB \/ 300 s/);
  });

  it('refuses nonsense input', () => {
    expect(() => projectSizing({ ...INPUT, targetPeak: 0 })).toThrow(RangeError);
    expect(() => projectSizing({ ...INPUT, measured: { ...INPUT.measured, foundRate: 0 } })).toThrow(RangeError);
  });
});

describe('scaling across instance counts', () => {
  it('efficiency is rate(n) / (n × rate(1)), and per instance rates', () => {
    const rows = scalingRows([{ instances: 4, rate: 6_000 }, { instances: 1, rate: 2_000 }, { instances: 2, rate: 3_800 }]);
    expect(rows.map((r) => r.instances)).toEqual([1, 2, 4]);
    expect(rows.map((r) => r.efficiency)).toEqual([1, 0.95, 0.75]);
    expect(rows[2]!.perInstanceRate).toBe(1_500);
  });

  it('without 1 in the list, the smallest count is the base', () => {
    expect(scalingRows([{ instances: 2, rate: 4_000 }, { instances: 4, rate: 6_000 }]).map((r) => r.efficiency)).toEqual([1, 0.75]);
    expect(scalingRows([{ instances: 1, rate: null }, { instances: 2, rate: 10 }]).map((r) => r.efficiency)).toEqual([null, null]);
  });

  it('the fewest instances for a load', () => {
    const counts = [{ instances: 1, rate: 2_000 }, { instances: 2, rate: 3_800 }, { instances: 4, rate: 6_000 }];
    expect(fewestInstancesFor(counts, 3_000)).toBe(2);
    expect(fewestInstancesFor(counts, 2_000)).toBe(1);
    expect(fewestInstancesFor(counts, 9_000)).toBeNull();
  });
});
