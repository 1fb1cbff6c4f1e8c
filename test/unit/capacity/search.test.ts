import { describe, expect, it } from 'vitest';
import { findingSoFar, nextStep, rateStatuses, validateSettings, type ProbeRecord, type SearchFinding, type SearchSettings } from '../../../src/capacity/search.js';

const SETTINGS: SearchSettings = { startRate: 1000, growth: 2, precision: 0.05, minRate: 50, maxRate: 200_000, maxProbesPerRate: 3 };

/** Drives the search against a synthetic pipeline: `sustains(rate, nthProbeOfThatRate)`. */
function drive(sustains: (rate: number, nth: number) => boolean, settings = SETTINGS, maxProbes = 100, earlier: ProbeRecord[] = []): { finding: SearchFinding; probes: ProbeRecord[] } {
  const probes: ProbeRecord[] = [...earlier];
  for (let i = 0; i < maxProbes; i += 1) {
    const step = nextStep(settings, probes);
    if (step.kind === 'done') return { finding: step.found, probes };
    const nth = probes.filter((p) => p.rate === step.rate).length;
    probes.push({ rate: step.rate, sustainable: sustains(step.rate, nth) });
  }
  throw new Error(`search did not finish in ${maxProbes} probes: ${JSON.stringify(probes)}`);
}

describe('capacity search', () => {
  it('steps up exponentially, then bisects to the precision around a clean knee', () => {
    const { finding, probes } = drive((r) => r <= 5300);
    expect(probes.slice(0, 4).map((p) => p.rate)).toEqual([1000, 2000, 4000, 8000]);
    expect(finding.converged).toBe(true);
    expect(finding.foundRate).toBeLessThanOrEqual(5300);
    expect(finding.failedRate).toBeGreaterThan(5300);
    expect(finding.achievedPrecision).toBeLessThanOrEqual(0.05);
    // A clean outcome is probed once, except the two bounds, each confirmed once before stopping.
    const repeated = [...new Set(probes.map((p) => p.rate))].filter((r) => probes.filter((p) => p.rate === r).length > 1);
    expect(repeated.sort()).toEqual([finding.foundRate, finding.failedRate].sort());
  });

  it('steps down when the first probe fails', () => {
    const { finding, probes } = drive((r) => r <= 300);
    expect(probes.slice(0, 3).map((p) => p.rate)).toEqual([1000, 500, 250]);
    expect(finding.foundRate).toBeLessThanOrEqual(300);
    expect(finding.foundRate).toBeGreaterThanOrEqual(250);
  });

  it('reports nothing sustainable when even the minimum rate fails', () => {
    const { finding } = drive(() => false);
    expect(finding.foundRate).toBeNull();
    expect(finding.converged).toBe(false);
    expect(finding.reason).toMatch(/even the lowest rate/);
  });

  it('stops at the maximum rate when everything passes, saying the capacity is at least that', () => {
    const { finding } = drive(() => true, { ...SETTINGS, maxRate: 10_000 });
    expect(finding.foundRate).toBe(10_000);
    expect(finding.failedRate).toBeNull();
    expect(finding.reason).toMatch(/at least/);
  });

  it('a one-off failure at the start rate does not stick: confirming the bound re-probes it and the search goes on up', () => {
    // 4000 fails the first time only (noise); the knee is at 6000.
    const { finding, probes } = drive((r, nth) => (r === 4000 && nth === 0 ? false : r <= 6000), { ...SETTINGS, startRate: 4000, minRate: 100 });
    expect(probes[0]).toEqual({ rate: 4000, sustainable: false });
    expect(probes.filter((p) => p.rate === 4000).map((p) => p.sustainable)).toEqual([false, true, true]);
    expect(finding.foundRate).toBeGreaterThanOrEqual(6000 / 1.05);
    expect(finding.foundRate).toBeLessThanOrEqual(6000);
    expect(finding.notes).toContain('4000 events/s probed 3 times: 2 passed, 1 failed → sustainable (noisy)');
  });

  it('a lucky pass is not the answer: confirming it fails, and the search bisects below it', () => {
    // The real knee is 3000; 4000 passes once by luck.
    const { finding, probes } = drive((r, nth) => (r === 4000 && nth === 0 ? true : r <= 3000));
    expect(probes.filter((p) => p.rate === 4000).map((p) => p.sustainable)).toEqual([true, false, false]);
    expect(finding.foundRate).toBe(3000);
    expect(finding.notes).toContain('4000 events/s probed 3 times: 1 passed, 2 failed → not sustainable (noisy)');
  });

  it('re-probes a rate that failed below one that passed, and a failure that persists is kept (non-monotonic, conservative)', () => {
    // Outcomes as a non-monotonic pipeline gives them: 3000 failed although 4000 passed.
    const records: ProbeRecord[] = [
      { rate: 1000, sustainable: true },
      { rate: 2000, sustainable: true },
      { rate: 4000, sustainable: true },
      { rate: 8000, sustainable: false },
      { rate: 3000, sustainable: false },
    ];
    expect(nextStep(SETTINGS, records)).toMatchObject({ kind: 'probe', rate: 3000, why: expect.stringMatching(/failed below 4000/) });
    records.push({ rate: 3000, sustainable: false });
    expect(nextStep(SETTINGS, records)).toMatchObject({ kind: 'probe', rate: 3000 });
    records.push({ rate: 3000, sustainable: false });
    // Three failures: kept. The search goes on below it, never above.
    const step = nextStep(SETTINGS, records);
    expect(step.kind === 'probe' && step.rate > 2000 && step.rate < 3000).toBe(true);
    const { finding } = drive((r) => r < 2700, SETTINGS, 100, records);
    expect(finding.foundRate).toBeLessThan(3000);
    expect(finding.notes.join('\n')).toMatch(/non-monotonic: 3000 events\/s failed after 3 probe\(s\) although 4000 events\/s passed; the found rate is kept below 3000/);
  });

  it('terminates on random noise (a coin flip near the knee) within a bounded number of probes', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    for (let trial = 0; trial < 50; trial += 1) {
      const { finding, probes } = drive((r) => (Math.abs(r - 5000) < 500 ? rand() < 0.5 : r < 5000));
      expect(probes.length).toBeLessThan(40);
      if (finding.foundRate !== null) {
        // Whatever the coin said, no rate judged sustainable lies at or above a rate judged unsustainable below it.
        const statuses = rateStatuses(probes);
        const lowestFail = statuses.find((s) => !s.sustainable)?.rate ?? Infinity;
        expect(finding.foundRate).toBeLessThan(lowestFail);
      }
    }
  });

  it('a tie is settled by another probe, and the majority decides', () => {
    const s = rateStatuses([{ rate: 10, sustainable: true }, { rate: 10, sustainable: false }]);
    expect(s[0]!.sustainable).toBe(false);
    const step = nextStep({ ...SETTINGS, startRate: 10, minRate: 1 }, [{ rate: 10, sustainable: true }, { rate: 10, sustainable: false }]);
    expect(step).toMatchObject({ kind: 'probe', rate: 10 });
  });

  it('findingSoFar gives the best bound when the budget cuts the search short', () => {
    const f = findingSoFar(SETTINGS, [{ rate: 1000, sustainable: true }, { rate: 2000, sustainable: true }, { rate: 4000, sustainable: false }], 'budget ran out');
    expect(f).toMatchObject({ foundRate: 2000, failedRate: 4000, converged: false, reason: 'budget ran out' });
    expect(f.achievedPrecision).toBe(1);
  });

  it('validates its settings', () => {
    expect(validateSettings(SETTINGS)).toEqual([]);
    expect(validateSettings({ ...SETTINGS, growth: 1, precision: 0 }).length).toBe(2);
    expect(validateSettings({ ...SETTINGS, startRate: 10 })).toEqual([expect.stringMatching(/startRate 10/)]);
  });
});
