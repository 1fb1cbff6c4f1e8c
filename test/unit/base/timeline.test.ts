import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/base/clock.js';
import { Timeline } from '../../../src/base/timeline.js';

describe('Timeline', () => {
  it('records spans and instants at the clock’s time, in start order', () => {
    const clock = new FakeClock(1_000_000);
    const timeline = new Timeline(() => clock.epochMs());
    const setup = timeline.begin('setup', 'setup');
    clock.advance(1_500);
    setup.end();
    timeline.add('phase', 'steady', 1_003_000, 1_008_000);
    timeline.mark('abort', 'gate failed', 1_002_000);
    expect(timeline.events()).toEqual([
      { kind: 'setup', label: 'setup', startEpochMs: 1_000_000, endEpochMs: 1_001_500 },
      { kind: 'abort', label: 'gate failed', startEpochMs: 1_002_000, endEpochMs: null },
      { kind: 'phase', label: 'steady', startEpochMs: 1_003_000, endEpochMs: 1_008_000 },
    ]);
  });

  it('ends a span once, never before it began', () => {
    const clock = new FakeClock(5_000);
    const timeline = new Timeline(() => clock.epochMs());
    const span = timeline.begin('phase', 'ramp', 6_000);
    span.end(5_500);
    span.end(9_000);
    expect(timeline.events()[0]).toEqual({ kind: 'phase', label: 'ramp', startEpochMs: 6_000, endEpochMs: 6_000 });
  });

  it('names the innermost open span of the given kinds', () => {
    const clock = new FakeClock(0);
    const timeline = new Timeline(() => clock.epochMs());
    timeline.begin('load', 'load', 0);
    const ramp = timeline.begin('phase', 'ramp', 0);
    clock.advance(2_000);
    ramp.end();
    timeline.begin('phase', 'steady', 2_000);
    clock.advance(500);
    expect(timeline.current(['phase'])?.label).toBe('steady');
    expect(timeline.current(['phase'], 1_000)?.label).toBe('ramp');
    expect(timeline.current(['drain'])).toBeNull();
  });

  it('tells listeners of every event as it is added', () => {
    const timeline = new Timeline(() => 42);
    const seen: string[] = [];
    timeline.onEvent((e) => seen.push(`${e.kind}:${e.label}`));
    timeline.begin('warm-up', 'warm-up');
    timeline.mark('fault', 'broker-1 down');
    expect(seen).toEqual(['warm-up:warm-up', 'fault:broker-1 down']);
  });
});
