import { describe, expect, it } from 'vitest';
import { durationMs, formatDurationMs, parseDurationText, toDurationMs } from '../../../src/base/duration.js';

describe('parseDurationText', () => {
  it('reads every unit and compound forms', () => {
    expect(parseDurationText('500ms')).toBe(500);
    expect(parseDurationText('30s')).toBe(30_000);
    expect(parseDurationText('2m')).toBe(120_000);
    expect(parseDurationText('1h30m')).toBe(5_400_000);
    expect(parseDurationText('7d')).toBe(604_800_000);
    expect(parseDurationText('1.5s')).toBe(1_500);
    expect(parseDurationText('1m30s250ms')).toBe(90_250);
  });

  it('rejects text that is not a duration', () => {
    for (const text of ['', '30', 's', '30 s', '-1s', '1x', '1s ', 'abc']) expect(parseDurationText(text)).toBeUndefined();
  });

  it('toDurationMs accepts non-negative numbers and strings only', () => {
    expect(toDurationMs(250)).toBe(250);
    expect(toDurationMs('2s')).toBe(2_000);
    expect(toDurationMs(-1)).toBeUndefined();
    expect(toDurationMs(true)).toBeUndefined();
  });
});

describe('formatDurationMs', () => {
  it('writes the same syntax it reads', () => {
    expect(formatDurationMs(0)).toBe('0s');
    expect(formatDurationMs(500)).toBe('500ms');
    expect(formatDurationMs(90_000)).toBe('1m30s');
    expect(formatDurationMs(604_800_000)).toBe('7d');
    for (const ms of [1, 999, 1_000, 61_001, 3_600_000, 90_061_001]) expect(parseDurationText(formatDurationMs(ms))).toBe(ms);
  });
});

describe('durationMs schema', () => {
  it('turns strings into ms and keeps numbers', () => {
    expect(durationMs().parse('2m')).toBe(120_000);
    expect(durationMs().parse(1_234)).toBe(1_234);
  });

  it('enforces bounds with readable messages', () => {
    const schema = durationMs({ minMs: 1_000, maxMs: 60_000 });
    expect(schema.safeParse('500ms').error?.issues[0]?.message).toBe('must be at least 1s');
    expect(schema.safeParse('2m').error?.issues[0]?.message).toBe('must be at most 1m');
    expect(durationMs({ positive: true }).safeParse(0).error?.issues[0]?.message).toBe('must be greater than 0');
    expect(durationMs().safeParse('soon').error?.issues[0]?.message).toMatch(/^expected a duration/);
    expect(durationMs().safeParse(true).error?.issues[0]?.message).toMatch(/^expected a duration/);
  });
});
