import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, eventIdOf, type AnalyticsEvent, type EventType } from './event.js';
import { parseGeneratorConfig, type GeneratorConfig, type GeneratorConfigInput } from './generator-config.js';
import { createPadBlock, PAD_OFFSETS, poolsFrom, type PoolData } from './generator-pools.js';
import { createKeySampler } from './key-distribution.js';
import { createRandom } from './random.js';

export * from './generator-config.js';

/**
 * The event generator: a pure function of (config, sequence of intendedAt values). It owns the
 * sequence numbers: every next() consumes exactly one seq, starting at 0, whether the record is a
 * valid event or a malformed one, so the verifier can account for every seq.
 *
 * Per event, in this order: timing class (malformed / late / out-of-order / on-time) → user →
 * session → type → page → value → defect or time shift → pad offset. All draws come from one PRNG seeded by
 * (seed, generatorId); JSON key order is fixed, so the output is byte-identical for a given seed,
 * generatorId and @faker-js/faker version.
 */

export type EventTiming = 'on-time' | 'out-of-order' | 'late';

/** How a malformed record breaks the schema; identity fields always stay valid. */
export const MALFORMED_DEFECTS = ['unknown-type', 'missing-user-id', 'negative-value', 'negative-event-time'] as const;
export type MalformedDefect = (typeof MALFORMED_DEFECTS)[number];

export interface GeneratedEvent {
  readonly kind: 'event';
  readonly event: AnalyticsEvent;
  /** Kafka key: the userId. */
  readonly key: string;
  readonly json: string;
  readonly timing: EventTiming;
}

export interface GeneratedMalformed {
  readonly kind: 'malformed';
  readonly generatorId: string;
  readonly seq: number;
  readonly key: string;
  readonly json: string;
  readonly defect: MalformedDefect;
}

export type GeneratedRecord = GeneratedEvent | GeneratedMalformed;

export interface EventGenerator {
  readonly generatorId: string;
  readonly config: GeneratorConfig;
  /** The seq the next call to next() will use. */
  readonly nextSeq: number;
  /** Builds the next record for an event intended at `intendedAtMs` (epoch ms; floored). */
  next(intendedAtMs: number): GeneratedRecord;
}

/** `u-000123`: zero-padded to at least 6 digits, and to the width of the largest index. */
export function userIdOf(userIndex: number, users: number): string {
  const width = Math.max(6, String(users - 1).length);
  return `u-${String(userIndex).padStart(width, '0')}`;
}

export function sessionIdOf(userId: string, sessionIndex: number): string {
  return `${userId}-s${sessionIndex}`;
}

/** The `,"pad":""` that padding adds around the filler. */
const PAD_OVERHEAD = 9;

/**
 * The generator over pool data built beforehand (pool-data.ts): what a load worker runs, so it
 * never loads faker. Same output as createGenerator for the same config and pool data.
 */
export function createGeneratorFromPools(input: GeneratorConfigInput | GeneratorConfig, poolData: PoolData): EventGenerator {
  const config = parseGeneratorConfig(input);
  const { generatorId, users } = config;
  const random = createRandom(`${config.seed}|${generatorId}|events`);
  const pools = poolsFrom(poolData, config.seed);
  const keys = createKeySampler(config.keyDistribution, users);
  const padBlock = createPadBlock(createRandom(`${config.seed}|${generatorId}|pad`), config.payloadBytes);
  const userWidth = Math.max(6, String(users - 1).length);

  const mixTypes: EventType[] = [];
  const mixCumulative: number[] = [];
  let mixTotal = 0;
  for (const type of EVENT_TYPES) {
    const weight = config.mix[type] ?? 0;
    if (weight <= 0) continue;
    mixTotal += weight;
    mixTypes.push(type);
    mixCumulative.push(mixTotal);
  }
  const malformedBelow = config.malformedFraction;
  const lateBelow = malformedBelow + config.lateFraction;
  const outOfOrderBelow = lateBelow + config.outOfOrderFraction;

  let seq = 0;

  function pickType(): EventType {
    const u = random.nextFloat() * mixTotal;
    for (let k = 0; k < mixTypes.length - 1; k += 1) if (u < mixCumulative[k]!) return mixTypes[k]!;
    return mixTypes[mixTypes.length - 1]!;
  }

  function pageFor(type: EventType): string {
    if (type === 'checkout') return '/checkout';
    if (type === 'purchase') return '/checkout/confirmation';
    return pools.pages[random.nextInt(pools.pages.length)]!;
  }

  /** Purchase amount 1.00–500.00 in cents, so the JSON number is short and exact. */
  function amount(): number {
    return Math.round(100 + random.nextFloat() * 49_900) / 100;
  }

  /** Appends the pad field so the JSON is exactly payloadBytes long (when it is not already longer). */
  function padded(json: string): { json: string; pad: string | undefined } {
    const padLength = config.payloadBytes - json.length - PAD_OVERHEAD;
    if (padLength <= 0) return { json, pad: undefined };
    const offset = random.nextInt(PAD_OFFSETS);
    const pad = padBlock.slice(offset, offset + padLength);
    return { json: `${json.slice(0, -1)},"pad":"${pad}"}`, pad };
  }

  function next(intendedAtMs: number): GeneratedRecord {
    if (!(Number.isFinite(intendedAtMs) && intendedAtMs >= 0)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `intendedAtMs must be a finite epoch ms ≥ 0, got ${intendedAtMs}`, {
        hint: 'pass the scheduled send time (start epoch + schedule offset)',
      });
    }
    const intendedAt = Math.floor(intendedAtMs);
    const mySeq = seq;
    seq += 1;
    const timingDraw = random.nextFloat();
    const userIndex = keys.sample(random);
    const userId = `u-${String(userIndex).padStart(userWidth, '0')}`; // = userIdOf(), width precomputed
    const sessionId = sessionIdOf(userId, random.nextInt(config.sessionsPerUser));
    const type = pickType();
    const page = pageFor(type);
    const value = type === 'purchase' ? amount() : null;
    const device = pools.deviceOf(userIndex);
    const country = pools.countryOf(userIndex);
    const eventId = eventIdOf(generatorId, mySeq);

    if (timingDraw < malformedBelow) {
      const defect = MALFORMED_DEFECTS[random.nextInt(MALFORMED_DEFECTS.length)]!;
      const broken: Record<string, unknown> = {
        schemaVersion: EVENT_SCHEMA_VERSION,
        eventId,
        generatorId,
        seq: mySeq,
        userId: defect === 'missing-user-id' ? undefined : userId,
        sessionId,
        type: defect === 'unknown-type' ? 'teleport' : defect === 'negative-value' ? 'purchase' : type,
        page,
        device,
        country,
        value: defect === 'negative-value' ? -(value ?? amount()) : value,
        eventTime: defect === 'negative-event-time' ? -1 : intendedAt,
        intendedAt,
      };
      return { kind: 'malformed', generatorId, seq: mySeq, key: userId, json: padded(JSON.stringify(broken)).json, defect };
    }

    let timing: EventTiming = 'on-time';
    let eventTime = intendedAt;
    if (timingDraw < lateBelow) {
      timing = 'late';
      eventTime = Math.max(0, intendedAt - config.lateDelayMs);
    } else if (timingDraw < outOfOrderBelow) {
      timing = 'out-of-order';
      eventTime = Math.max(0, intendedAt - 1 - random.nextInt(config.outOfOrderMaxMs));
    }

    // Key order here is the wire order; `pad` (if any) is appended last by padded().
    const event: AnalyticsEvent = {
      schemaVersion: EVENT_SCHEMA_VERSION,
      eventId,
      generatorId,
      seq: mySeq,
      userId,
      sessionId,
      type,
      page,
      device,
      country,
      value,
      eventTime,
      intendedAt,
    };
    const { json, pad } = padded(JSON.stringify(event));
    if (pad !== undefined) event.pad = pad;
    return { kind: 'event', event, key: userId, json, timing };
  }

  return {
    generatorId,
    config,
    get nextSeq() {
      return seq;
    },
    next,
  };
}
