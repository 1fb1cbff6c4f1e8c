import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { EVENT_TYPES, validateEvent, type EventType } from '../../../src/workload/event.js';
import {
  createGenerator,
  MALFORMED_DEFECTS,
  userIdOf,
  type GeneratedRecord,
  type GeneratorConfigInput,
  type MalformedDefect,
} from '../../../src/workload/generator.js';
import { createKeySampler } from '../../../src/workload/key-distribution.js';

const EPOCH_MS = 1_700_000_000_000;
const SAMPLE = 200_000;

/**
 * Tolerance for fractions: a count of n Bernoulli(p) draws has σ = √(n·p·(1−p)). The seed is
 * pinned, so these tests are exact replays; the 5σ bound is what keeps them true for any other
 * seed too (a 5σ miss has probability ~6e-7 per check), so a re-seed never turns them flaky.
 */
function expectFraction(count: number, p: number, n: number): void {
  const sigma = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(count - n * p)).toBeLessThanOrEqual(5 * sigma);
}

const FULL: GeneratorConfigInput = {
  generatorId: 'gen-a',
  seed: 20240601,
  users: 50_000,
  keyDistribution: { kind: 'zipf', skew: 1.1 },
  sessionsPerUser: 4,
  mix: { page_view: 50, click: 30, add_to_cart: 10, checkout: 5, purchase: 5 },
  payloadBytes: 600,
  outOfOrderFraction: 0.1,
  outOfOrderMaxMs: 2000,
  lateFraction: 0.03,
  lateDelayMs: 90_000,
  malformedFraction: 0.02,
};

function generate(config: GeneratorConfigInput, n: number, stepMs = 1): GeneratedRecord[] {
  const generator = createGenerator(config);
  return Array.from({ length: n }, (_, i) => generator.next(EPOCH_MS + i * stepMs));
}

describe('determinism', () => {
  it('pins the stream for seed 42: first record and a hash of the first 1000', () => {
    const generator = createGenerator({ generatorId: 'gen-a', seed: 42, users: 1000 });
    const hash = createHash('sha256');
    for (let i = 0; i < 1000; i += 1) {
      const record = generator.next(EPOCH_MS + i);
      if (i === 0) {
        expect(record.json).toBe(
          '{"schemaVersion":1,"eventId":"gen-a:0","generatorId":"gen-a","seq":0,"userId":"u-000358","sessionId":"u-000358-s4",' +
            '"type":"click","page":"/sports/soft-metal-mouse","device":"mobile","country":"BQ","value":null,' +
            '"eventTime":1700000000000,"intendedAt":1700000000000}',
        );
      }
      hash.update(record.json).update('\n');
    }
    expect(hash.digest('hex')).toBe('599a163470b0ed14700c296063016ee3305e9e6b4436e0b4c6cd4b3a23c666c8');
  });

  it('same seed and generatorId → byte-identical stream (all features on)', () => {
    const a = generate(FULL, 20_000).map((r) => r.json);
    const b = generate(FULL, 20_000).map((r) => r.json);
    expect(a.join('\n') === b.join('\n')).toBe(true);
  });

  it('a different seed or generatorId gives a different stream, not just different ids', () => {
    const keysOf = (config: GeneratorConfigInput) => generate(config, 200).map((r) => r.key).join(',');
    expect(keysOf({ ...FULL, seed: 20240602 })).not.toBe(keysOf(FULL));
    expect(keysOf({ ...FULL, generatorId: 'gen-b' })).not.toBe(keysOf(FULL));
  });
});

describe('a 200k sample with every knob on', () => {
  let records: GeneratedRecord[];
  beforeAll(() => {
    records = generate(FULL, SAMPLE);
  });

  it('consumes one seq per call, from 0, valid or malformed', () => {
    const seqs = records.map((r) => (r.kind === 'event' ? r.event.seq : r.seq));
    expect(seqs.every((seq, i) => seq === i)).toBe(true);
  });

  it('valid events pass validateEvent and serialize in the fixed key order; key = userId', () => {
    let failures = 0;
    let mismatches = 0;
    // The first 20k records hold every type, timing class and pad length many times over; checking
    // them all with zod would only slow the suite down.
    for (const r of records.slice(0, 20_000)) {
      if (r.kind !== 'event') continue;
      if (!validateEvent(JSON.parse(r.json)).ok) failures += 1;
      if (JSON.stringify(r.event) !== r.json || r.key !== r.event.userId) mismatches += 1;
    }
    expect(failures).toBe(0);
    expect(mismatches).toBe(0);
  });

  it('malformed records fail validateEvent on their defect but keep a valid identity', () => {
    const fieldOf: Record<MalformedDefect, string> = {
      'unknown-type': 'type',
      'missing-user-id': 'userId',
      'negative-value': 'value',
      'negative-event-time': 'eventTime',
    };
    const seen = new Set<MalformedDefect>();
    let problems = 0;
    for (const r of records) {
      if (r.kind !== 'malformed') continue;
      seen.add(r.defect);
      const value = JSON.parse(r.json) as Record<string, unknown>;
      const result = validateEvent(value);
      const identityOk =
        value.schemaVersion === 1 && value.eventId === `gen-a:${r.seq}` && value.generatorId === 'gen-a' && value.seq === r.seq;
      if (result.ok || !result.reason.includes(`${fieldOf[r.defect]}:`) || result.reason.includes('eventId') || !identityOk) problems += 1;
    }
    expect(problems).toBe(0);
    expect([...seen].sort()).toEqual([...MALFORMED_DEFECTS].sort());
  });

  it('malformed, late and out-of-order fractions are within 5σ of the config', () => {
    const count = (pred: (r: GeneratedRecord) => boolean) => records.filter(pred).length;
    expectFraction(count((r) => r.kind === 'malformed'), 0.02, SAMPLE);
    expectFraction(count((r) => r.kind === 'event' && r.timing === 'late'), 0.03, SAMPLE);
    expectFraction(count((r) => r.kind === 'event' && r.timing === 'out-of-order'), 0.1, SAMPLE);
  });

  it('shifts event time exactly as configured for each timing class', () => {
    let wrong = 0;
    let outOfOrderShiftSum = 0;
    let outOfOrder = 0;
    for (const r of records) {
      if (r.kind !== 'event') continue;
      const shift = r.event.intendedAt - r.event.eventTime;
      if (r.timing === 'on-time' && shift !== 0) wrong += 1;
      if (r.timing === 'late' && shift !== 90_000) wrong += 1;
      if (r.timing === 'out-of-order') {
        if (!(Number.isInteger(shift) && shift >= 1 && shift <= 2000)) wrong += 1;
        outOfOrderShiftSum += shift;
        outOfOrder += 1;
      }
    }
    expect(wrong).toBe(0);
    // Shifts are uniform on {1..2000}: mean 1000.5, σ of the mean = √((2000²−1)/12 / count); 5σ.
    const sigmaOfMean = Math.sqrt((2000 ** 2 - 1) / 12 / outOfOrder);
    expect(Math.abs(outOfOrderShiftSum / outOfOrder - 1000.5)).toBeLessThan(5 * sigmaOfMean);
  });

  it('event types follow the mix; types without weight never appear', () => {
    const valid = records.filter((r): r is Extract<GeneratedRecord, { kind: 'event' }> => r.kind === 'event');
    const counts = new Map<EventType, number>(EVENT_TYPES.map((t) => [t, 0]));
    for (const r of valid) counts.set(r.event.type, counts.get(r.event.type)! + 1);
    const mix = FULL.mix as Partial<Record<EventType, number>>;
    for (const type of EVENT_TYPES) expectFraction(counts.get(type)!, (mix[type] ?? 0) / 100, valid.length);
    expect(counts.get('remove_from_cart')).toBe(0);
    expect(valid.every((r) => (r.event.type === 'purchase') === (r.event.value !== null))).toBe(true);
  });

  it('keys follow the zipf share of the hottest users', () => {
    const sampler = createKeySampler({ kind: 'zipf', skew: 1.1 }, 50_000);
    for (const k of [0, 1, 10]) {
      const id = userIdOf(k, 50_000);
      expectFraction(records.filter((r) => r.key === id).length, sampler.probability(k), SAMPLE);
    }
  });

  it('pads every record to exactly payloadBytes (UTF-8), with distinct filler', () => {
    expect(records.filter((r) => Buffer.byteLength(r.json, 'utf8') !== 600).length).toBe(0);
    const pads = records.slice(0, 1000).map((r) => (JSON.parse(r.json) as { pad: string }).pad);
    expect(new Set(pads).size).toBeGreaterThan(990);
  });

  it("keeps each user's country and device fixed, and sessions within sessionsPerUser", () => {
    const attributes = new Map<string, string>();
    let conflicts = 0;
    let badSessions = 0;
    const hotSessions = new Set<string>();
    for (const r of records) {
      if (r.kind !== 'event') continue;
      const e = r.event;
      const attr = `${e.country}/${e.device}`;
      if ((attributes.get(e.userId) ?? attr) !== attr) conflicts += 1;
      attributes.set(e.userId, attr);
      if (!/^-s[0-3]$/.test(e.sessionId.slice(e.userId.length)) || !e.sessionId.startsWith(e.userId)) badSessions += 1;
      if (e.userId === 'u-000000') hotSessions.add(e.sessionId);
    }
    expect(conflicts).toBe(0);
    expect(badSessions).toBe(0);
    expect(hotSessions.size).toBe(4);
    // Another generator with the same seed agrees on user attributes.
    for (const r of generate({ ...FULL, generatorId: 'gen-b' }, 5000)) {
      if (r.kind !== 'event' || !attributes.has(r.event.userId)) continue;
      expect(`${r.event.country}/${r.event.device}`).toBe(attributes.get(r.event.userId));
    }
  });
});

describe('shapes and edges', () => {
  it('does not cut events larger than payloadBytes and adds no pad to them', () => {
    const [record] = generate({ generatorId: 'g', seed: 1, payloadBytes: 100 }, 1);
    expect(record?.json.length).toBeGreaterThan(100);
    expect(record?.json).not.toContain('"pad"');
  });

  it('floors intendedAt to whole ms and never lets eventTime go below 0', () => {
    const generator = createGenerator({ generatorId: 'g', seed: 1, lateFraction: 1, lateDelayMs: 5000 });
    const record = generator.next(1234.9);
    expect(record.kind === 'event' && [record.event.intendedAt, record.event.eventTime, record.timing]).toEqual([1234, 0, 'late']);
    expect(() => generator.next(-1)).toThrow(StreamproofError);
    expect(generator.nextSeq).toBe(1);
  });

  it('widens userIds beyond a million users', () => {
    expect(userIdOf(123, 1000)).toBe('u-000123');
    expect(userIdOf(123, 10_000_000)).toBe('u-0000123');
  });

  it('rejects invalid configs listing every problem', () => {
    let caught: unknown;
    try {
      createGenerator({ generatorId: 'bad id', seed: 1, outOfOrderFraction: 0.6, malformedFraction: 0.6, mix: { click: 0 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamproofError);
    const error = caught as StreamproofError;
    expect(error.code).toBe(ERROR_CODES.INVALID_ARGUMENT);
    for (const field of ['generatorId', 'mix', 'malformedFraction', 'outOfOrderMaxMs']) expect(error.message).toContain(field);
  });
});
