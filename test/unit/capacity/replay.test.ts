import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/report/result-schema.js';
import { judgeReplay, replayRates, replayRun } from '../../../src/capacity/replay.js';

function result(over: { state?: RunResult['state']; failed?: string[]; verdictPass?: boolean | null; onTime?: number }): RunResult {
  return {
    state: over.state ?? 'completed',
    gates: [{ pass: true, message: 'lost == 0' }, ...(over.failed ?? []).map((message) => ({ pass: false, message }))],
    verdict: over.verdictPass === null ? null : { pass: over.verdictPass ?? true },
    counters: { onTimeShare: over.onTime ?? 1 },
  } as unknown as RunResult;
}

describe('capacity replay', () => {
  it('replays the found rate and 1.3 × it, rounded to whole events/s', () => {
    expect(replayRates(6_400)).toEqual([
      { label: 'found', rate: 6_400 },
      { label: 'above', rate: 8_320 },
    ]);
    expect(replayRates(333)[1]!.rate).toBe(433);
  });

  it('a run passes only when it completed, every gate passed and the verdict holds', () => {
    expect(replayRun('found', 100, 'd', result({})).pass).toBe(true);
    expect(replayRun('found', 100, 'd', result({ failed: ['p99(l1) = 1.2 s, expected < 1 s'] }))).toMatchObject({ pass: false, failedGates: ['p99(l1) = 1.2 s, expected < 1 s'] });
    expect(replayRun('found', 100, 'd', result({ verdictPass: false }))).toMatchObject({ pass: false, failedGates: ['an invariant failed'] });
    expect(replayRun('found', 100, 'd', result({ verdictPass: null })).pass).toBe(false);
    expect(replayRun('found', 100, 'd', result({ state: 'aborted' })).pass).toBe(false);
  });

  it('confirms the knee only when the found rate passes and 1.3 × it fails', () => {
    const pass = (label: 'found' | 'above', rate: number) => replayRun(label, rate, 'd', result({}));
    const fail = (label: 'found' | 'above', rate: number) => replayRun(label, rate, 'd', result({ failed: ['onTimeShare = 0.93, expected >= 0.99'] }));
    expect(judgeReplay(2, 1_000, [pass('found', 1_000), fail('above', 1_300)])).toMatchObject({ confirmed: true, summary: expect.stringMatching(/^confirmed/) });
    expect(judgeReplay(2, 1_000, [pass('found', 1_000), pass('above', 1_300)])).toMatchObject({ confirmed: false, summary: expect.stringMatching(/also passes/) });
    expect(judgeReplay(2, 1_000, [fail('found', 1_000), fail('above', 1_300)])).toMatchObject({ confirmed: false, summary: expect.stringMatching(/failed as a plain run/) });
    expect(judgeReplay(2, 1_000, [pass('found', 1_000)])).toMatchObject({ confirmed: false, summary: expect.stringMatching(/^incomplete/) });
  });
});
