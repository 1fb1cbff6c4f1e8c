import { afterAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../../src/base/clock.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import { checkIngest } from '../../../src/pipeline/ingest/ingest-check.js';
import { runKafkaIngest } from '../../../src/pipeline/ingest/kafka-ingest.js';
import { readIngested } from '../../../src/pipeline/ingest/read-back.js';
import { validateEvent } from '../../../src/workload/event.js';
import { constantSchedule } from '../../../src/workload/schedule.js';
import { deleteTopics, endpoints } from '../support.js';
import { freshRawTopic, metricValue } from './support.js';

/**
 * Issue 3, invariant I1 on the real 3-broker stack: what the producer ingest acked is exactly
 * what a read_committed read of raw-events finds, identity by identity (ledger bitmaps against
 * read-back bitmaps). Rates are modest: the machine has 2 cores shared with the brokers.
 */
const stack = await endpoints();
const created: string[] = [];
afterAll(() => deleteTopics(stack, created));

describe('producer ingest into raw-events', () => {
  it('a 20 s run at 1,000 events/s lands exactly the acked events, once each, in send order per partition', { timeout: 180_000 }, async () => {
    const { topic } = await freshRawTopic(stack, 'ingest-kafka');
    created.push(topic);
    const summary = await runKafkaIngest({
      endpoints: stack,
      topic,
      schedule: constantSchedule(1_000, 20_000),
      generatorConfig: { generatorId: 'it-ingest', seed: 42, users: 5_000, payloadBytes: 256 },
      clock: createSystemClock(),
    });

    expect(summary.state).toBe('completed');
    expect(summary.counts.scheduled).toBe(20_000);
    expect(summary.counts.sent).toBe(20_000);
    // Every send has exactly one outcome (or is unresolved), and the ledger agrees with the counters.
    expect(summary.counts.acked + summary.counts.failed + summary.counts.unresolved).toBe(20_000);
    expect(summary.ledger.counts()).toMatchObject({
      sent: 20_000,
      acked: summary.counts.acked,
      failed: summary.counts.failed,
      unresolved: summary.counts.unresolved,
      malformed: 0,
      outcomeConflicts: 0,
    });
    expect(summary.histograms.scheduleLag.count).toBe(20_000);
    expect(summary.histograms.ackLatency.count).toBe(summary.counts.acked);
    expect(summary.rate.slice(0, 20).map((p) => p.targetEvents)).toEqual(new Array(20).fill(1_000));
    expect(summary.rate.reduce((n, p) => n + p.sentEvents, 0)).toBe(20_000);
    expect(summary.rate.reduce((n, p) => n + p.ackedEvents, 0)).toBe(summary.counts.acked);

    const readBack = await readIngested(stack.kafka, topic);
    const check = checkIngest(summary.ledger, readBack.observed, readBack.unidentified);
    console.log(
      `kafka ingest: acked ${summary.counts.acked}, failed ${summary.counts.failed}, unresolved ${summary.counts.unresolved}; ` +
        `read back ${readBack.records}; L1 p99 ${summary.histograms.ackLatency.percentileMs(99)} ms, lag p99 ${summary.histograms.scheduleLag.percentileMs(99)} ms`,
    );
    expect(check).toMatchObject({ ok: true, ackedMissing: 0, duplicateOccurrences: 0, unexpected: 0, refusedPresent: 0, unidentified: 0 });
    expect(check.ackedPresent).toBe(summary.counts.acked);
    // Nothing else: the topic holds the acked events plus, at most, failed sends that landed anyway.
    expect(readBack.records).toBe(summary.counts.acked + check.unackedPresent);
    expect(readBack.orderViolations).toBe(0);
    expect(readBack.keyOrderViolations).toBe(0);
  });

  it('malformed events go to raw-events too, are listed in the ledger, and the metrics count them', { timeout: 120_000 }, async () => {
    const { topic } = await freshRawTopic(stack, 'ingest-malformed');
    created.push(topic);
    const registry = createMetricsRegistry({ runId: 'it-ingest', scenario: 'it', instanceRole: 'runner' });
    const summary = await runKafkaIngest({
      endpoints: stack,
      topic,
      schedule: constantSchedule(500, 4_000),
      generatorConfig: { generatorId: 'it-malformed', seed: 7, users: 1_000, malformedFraction: 0.1 },
      clock: createSystemClock(),
      metrics: registry.metrics,
    });
    expect(summary.state).toBe('completed');
    expect(summary.counts.sent).toBe(2_000);
    expect(summary.counts.malformed).toBeGreaterThan(0);
    expect(summary.ledger.malformed.count).toBe(summary.counts.malformed);

    // Every record that fails validation must be one the ledger lists as malformed, and vice versa.
    let invalidSeen = 0;
    let invalidNotInLedger = 0;
    let validButListed = 0;
    const readBack = await readIngested(stack.kafka, topic, {
      onRecord: (record, identity) => {
        const valid = validateEvent(JSON.parse(record.value ?? 'null')).ok;
        const listed = identity !== null && summary.ledger.malformed.has(identity.generatorId, identity.seq);
        if (!valid) invalidSeen += 1;
        if (!valid && !listed) invalidNotInLedger += 1;
        if (valid && listed) validButListed += 1;
      },
    });
    const check = checkIngest(summary.ledger, readBack.observed, readBack.unidentified);
    expect(check).toMatchObject({ ok: true, ackedMissing: 0, duplicateOccurrences: 0, unexpected: 0, unidentified: 0 });
    expect(check.malformedPresent).toBe(summary.ledger.counts().malformedAcked);
    expect(invalidSeen).toBe(check.malformedPresent);
    expect(invalidNotInLedger).toBe(0);
    expect(validButListed).toBe(0);

    const text = await registry.render();
    expect(metricValue(text, 'streamproof_producer_events_scheduled_total')).toBe(2_000);
    expect(metricValue(text, 'streamproof_producer_events_sent_total')).toBe(2_000);
    expect(metricValue(text, 'streamproof_producer_events_acked_total')).toBe(summary.counts.acked);
    expect(metricValue(text, 'streamproof_producer_events_malformed_total')).toBe(summary.counts.malformed);
    expect(metricValue(text, 'streamproof_producer_ack_latency_seconds_count')).toBe(summary.counts.acked);
    expect(metricValue(text, 'streamproof_producer_schedule_lag_seconds_count')).toBe(2_000);
  });
});
