import type { AnalyticsEvent } from '../../../../src/workload/event.js';
import type { EventSinkPort, SinkRecord } from '../../../../src/pipeline/collector/ports.js';

/** A valid v1 event; `seq` picks the identity, the rest is fixed. */
export function validEvent(seq: number, overrides: Partial<AnalyticsEvent> = {}): AnalyticsEvent {
  return {
    schemaVersion: 1,
    eventId: `g1:${seq}`,
    generatorId: 'g1',
    seq,
    userId: `u-${String(seq % 7).padStart(6, '0')}`,
    sessionId: 'u-000001-s0',
    type: 'page_view',
    page: '/home',
    device: 'desktop',
    country: 'DE',
    value: null,
    eventTime: 1_700_000_000_000 + seq,
    intendedAt: 1_700_000_000_000 + seq,
    ...overrides,
  };
}

/**
 * The Kafka side, in memory: records every batch it "acks". `failNext` makes sends reject;
 * `backpressured` flips isBackpressured(); `hold` keeps sends pending until released.
 */
export class InMemorySink implements EventSinkPort {
  readonly batches: SinkRecord[][] = [];
  backpressured = false;
  failWith: Error | undefined;
  sendCalls = 0;

  isBackpressured(): boolean {
    return this.backpressured;
  }

  async send(records: SinkRecord[]): Promise<void> {
    this.sendCalls += 1;
    if (this.failWith) throw this.failWith;
    this.batches.push(records);
  }

  get records(): SinkRecord[] {
    return this.batches.flat();
  }
}
