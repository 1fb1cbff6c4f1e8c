/**
 * The small interfaces the collector talks to. The Kafka side (an idempotent producer behind an
 * adapter in src/kafka/) implements EventSinkPort; metrics (src/metrics/) implement the recorders.
 * Measurement stays outside the sink port: the collector takes every timing itself, so no sink can bias it.
 */

/** One Kafka record as the collector hands it over: string key, JSON value. */
export interface SinkRecord {
  key: string;
  value: string;
}

export interface EventSinkPort {
  /**
   * Produces every record. Resolves only when the broker has acknowledged all of them (acks=all),
   * so that a 2xx from the collector means durable. Rejects if any record could not be produced;
   * some of the others may still have been written (their fate is then unknown to the client).
   */
  send(records: SinkRecord[]): Promise<void>;
  /** True while the producer is saturated (e.g. in-flight records over a limit): shed load now. */
  isBackpressured(): boolean;
}

/** A latency sink in milliseconds (e.g. src/metrics/histogram.ts LatencyHistogram). */
export interface LatencyRecorder {
  record(ms: number): void;
}

/**
 * What happened to each event the collector saw:
 *  - accepted: produced and acknowledged by the broker;
 *  - invalid: failed the event schema;
 *  - rejected-with-batch: valid, but refused because another event of its request was invalid;
 *  - send-failed: valid, but the sink rejected the send (may or may not be in Kafka).
 */
export const EVENT_OUTCOMES = ['accepted', 'invalid', 'rejected-with-batch', 'send-failed'] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

export interface CollectorStats {
  /** Called once per HTTP request with the status it was answered with. */
  countRequest(status: number): void;
  countEvents(outcome: EventOutcome, count: number): void;
}

export interface CollectorCountersSnapshot {
  requestsByStatus: Record<string, number>;
  events: Record<EventOutcome, number>;
}

/** Plain in-memory counters, for tests and for summaries when no metrics registry is wired. */
export function createCollectorCounters(): CollectorStats & { snapshot(): CollectorCountersSnapshot } {
  const requestsByStatus = new Map<number, number>();
  const events: Record<EventOutcome, number> = { accepted: 0, invalid: 0, 'rejected-with-batch': 0, 'send-failed': 0 };
  return {
    countRequest(status) {
      requestsByStatus.set(status, (requestsByStatus.get(status) ?? 0) + 1);
    },
    countEvents(outcome, count) {
      events[outcome] += count;
    },
    snapshot() {
      const byStatus: Record<string, number> = {};
      for (const [status, count] of [...requestsByStatus].sort((a, b) => a[0] - b[0])) byStatus[String(status)] = count;
      return { requestsByStatus: byStatus, events: { ...events } };
    },
  };
}

export const noopCollectorStats: CollectorStats = { countRequest: () => {}, countEvents: () => {} };
