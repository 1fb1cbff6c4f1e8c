import type { AnalyticsEvent, EventType } from '../../../../src/workload/event.js';
import type { SourceRecord } from '../../../../src/pipeline/processor/outputs.js';

/** Epoch ms of a minute boundary, so 60 s windows start at T0. */
export const T0 = 1_700_000_040_000;

export interface EventSpec {
  seq: number;
  userId: string;
  eventTime: number;
  generatorId?: string;
  type?: EventType;
  value?: number | null;
  sessionId?: string;
  intendedAt?: number;
}

/** A valid v1 event; purchases default to value 19.99. */
export function makeEvent(spec: EventSpec): AnalyticsEvent {
  const generatorId = spec.generatorId ?? 'gen-1';
  const type = spec.type ?? 'page_view';
  return {
    schemaVersion: 1,
    eventId: `${generatorId}:${spec.seq}`,
    generatorId,
    seq: spec.seq,
    userId: spec.userId,
    sessionId: spec.sessionId ?? `${spec.userId}-s1`,
    type,
    page: '/home',
    device: 'desktop',
    country: 'DE',
    value: spec.value !== undefined ? spec.value : type === 'purchase' ? 19.99 : null,
    eventTime: spec.eventTime,
    intendedAt: spec.intendedAt ?? spec.eventTime + 10,
  };
}

/** Partition of a user: u0, u3, ... on 0; u1, u4, ... on 1; u2, ... on 2 (a stand-in partitioner). */
export function partitionOf(userId: string, partitions = 3): number {
  return Number(userId.replace(/\D/g, '')) % partitions;
}

/** A raw-events record of `event` (key = userId) or of an arbitrary value. */
export function recordOf(event: AnalyticsEvent, offset: number, partitions = 3): SourceRecord {
  return { partition: partitionOf(event.userId, partitions), offset: BigInt(offset), key: event.userId, value: JSON.stringify(event) };
}

export function rawRecord(partition: number, offset: number, key: string | null, value: string | null): SourceRecord {
  return { partition, offset: BigInt(offset), key, value };
}
