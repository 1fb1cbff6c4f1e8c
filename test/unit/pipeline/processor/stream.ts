import { EVENT_TYPES, type AnalyticsEvent } from '../../../../src/workload/event.js';
import { createRandom } from '../../../../src/workload/random.js';
import { ProcessorCore, type ProcessorOutputs } from '../../../../src/pipeline/processor/core.js';
import type { SourceRecord } from '../../../../src/pipeline/processor/outputs.js';
import { T0, makeEvent, partitionOf } from './fixtures.js';

/**
 * A small deterministic raw-events stream across 3 partitions: on-time, out-of-order (within 5 s),
 * a little late (5–25 s behind), very late (70–130 s behind) and malformed records, cut into
 * batches in arrival order.
 */

export const STREAM_NOW = T0 + 10_000_000;
export const STREAM_PARTITIONS = [0, 1, 2];
export const STREAM_CONFIG = { windowMs: 60_000, outOfOrdernessMs: 5_000, idleTimeoutMs: 1_000_000_000 };

export interface Stream {
  batches: SourceRecord[][];
  /** Valid events in arrival order (malformed records excluded). */
  events: AnalyticsEvent[];
  records: SourceRecord[];
}

export function makeStream(options: { seed: number; count: number; users: number; batchSize: number }): Stream {
  const random = createRandom(options.seed);
  const offsets = [0, 0, 0];
  const records: SourceRecord[] = [];
  const events: AnalyticsEvent[] = [];
  for (let i = 0; i < options.count; i += 1) {
    const baseMs = T0 + i * 100;
    const userId = `u${random.nextInt(options.users)}`;
    const roll = random.nextFloat();
    let eventTime = baseMs;
    if (roll < 0.05) eventTime = baseMs - 70_000 - random.nextInt(60_000);
    else if (roll < 0.1) eventTime = baseMs - 5_000 - random.nextInt(20_000); // late unless allowed lateness
    else if (roll < 0.35) eventTime = baseMs - random.nextInt(4_900);
    const type = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)] as (typeof EVENT_TYPES)[number];
    const event = makeEvent({
      seq: i,
      userId,
      eventTime,
      type,
      value: type === 'purchase' ? random.nextInt(100_000) / 100 : null,
      sessionId: `${userId}-s${random.nextInt(3)}`,
      intendedAt: baseMs,
    });
    const partition = partitionOf(userId);
    const offset = BigInt(offsets[partition] as number);
    offsets[partition] = (offsets[partition] as number) + 1;
    let key: string | null = userId;
    let value: string | null = JSON.stringify(event);
    const malformed = random.nextFloat() < 0.04 ? random.nextInt(4) : -1;
    if (malformed === 0) value = value.slice(0, 60); // truncated JSON
    else if (malformed === 1) value = JSON.stringify({ ...event, type: 'teleport' });
    else if (malformed === 2) key = `${userId}x`; // key does not match userId
    else if (malformed === 3) value = 'garbage';
    else events.push(event);
    records.push({ partition, offset, key, value });
  }
  const batches: SourceRecord[][] = [];
  for (let i = 0; i < records.length; i += options.batchSize) batches.push(records.slice(i, i + options.batchSize));
  return { batches, events, records };
}

export function emptyOutputs(): ProcessorOutputs {
  return { results: [], late: [], dlq: [], changelog: [] };
}

export function append(into: ProcessorOutputs, more: ProcessorOutputs): ProcessorOutputs {
  into.results.push(...more.results);
  into.late.push(...more.late);
  into.dlq.push(...more.dlq);
  into.changelog.push(...more.changelog);
  return into;
}

/** Batch i runs at STREAM_NOW + i * 100 ms. */
export function runBatches(core: ProcessorCore, batches: SourceRecord[][], firstIndex = 0): ProcessorOutputs {
  const all = emptyOutputs();
  batches.forEach((batch, i) => append(all, core.processBatch(batch, STREAM_NOW + (firstIndex + i) * 100)));
  return all;
}
