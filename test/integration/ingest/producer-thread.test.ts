import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRODUCER_TUNING } from '../../../src/kafka/producer.js';
import { createSystemClock } from '../../../src/base/clock.js';
import { checkIngest } from '../../../src/pipeline/ingest/ingest-check.js';
import { runKafkaIngest } from '../../../src/pipeline/ingest/kafka-ingest.js';
import { readIngested } from '../../../src/pipeline/ingest/read-back.js';
import { constantSchedule } from '../../../src/workload/schedule.js';
import { createThreadedProducerPool } from '../../../src/pipeline/ingest/threaded-producer-pool.js';
import { deleteTopics, endpoints } from '../support.js';
import { freshRawTopic } from './support.js';

/**
 * The producers on their own thread (threaded-producer-pool.ts) against the real 3-broker stack:
 * every group handed over is answered once, the records land once each in send order per
 * partition, and an unreachable cluster or a closed pool is an error the sending thread sees.
 */
const stack = await endpoints();
const created: string[] = [];
afterAll(() => deleteTopics(stack, created));

const record = (seq: number) => ({ key: `user-${seq % 97}`, value: JSON.stringify({ generatorId: 'it-thread', seq, pad: 'x'.repeat(200) }) });

describe('the producer thread', () => {
  it('acknowledges every group and single send, and the topic holds each record once, in order per partition', { timeout: 120_000 }, async () => {
    const { topic } = await freshRawTopic(stack, 'producer-thread');
    created.push(topic);
    const pool = createThreadedProducerPool(stack.kafka, { producers: 1, clientId: 'it-producer-thread', tuning: DEFAULT_PRODUCER_TUNING });
    try {
      await pool.connect();
      const groups: Array<Promise<{ failed: unknown[] }>> = [];
      let seq = 0;
      for (let g = 0; g < 200; g += 1) {
        const records = Array.from({ length: 1 + (g % 50) }, () => record(seq++));
        groups.push(pool.producer.sendMany!(topic, records));
      }
      const singles = Array.from({ length: 20 }, () => {
        const r = record(seq++);
        return pool.producer.send(topic, r.key, r.value);
      });
      expect(pool.producer.pendingRecords).toBeGreaterThan(0);
      const outcomes = await Promise.all(groups);
      await Promise.all(singles);
      expect(outcomes.flatMap((o) => o.failed)).toEqual([]);
      expect(pool.producer.pendingRecords).toBe(0);

      const readBack = await readIngested(stack.kafka, topic);
      expect(readBack.records).toBe(seq);
      expect(readBack.observed.distinctCount).toBe(seq);
      expect(readBack.observed.extraOccurrences).toBe(0);
      expect(readBack.orderViolations).toBe(0);
      expect(readBack.keyOrderViolations).toBe(0);
    } finally {
      await pool.close();
    }
    // Closed: a later send fails at once with a reason, never hangs.
    const late = await pool.producer.sendMany!(topic, [record(0)]);
    expect(late.failed).toHaveLength(1);
    expect(String((late.failed[0] as { error: Error }).error.message)).toMatch(/closed/);
  });

  it('a failure in the thread reaches the sending thread per record, with its reason', { timeout: 120_000 }, async () => {
    const pool = createThreadedProducerPool(stack.kafka, { producers: 1, clientId: 'it-producer-thread-missing', tuning: DEFAULT_PRODUCER_TUNING });
    try {
      await pool.connect();
      const missing = `it-no-such-topic-${Date.now()}`;
      const outcome = await pool.producer.sendMany!(missing, [record(1), record(2), record(3)]);
      expect(outcome.failed.map((f) => f.index)).toEqual([0, 1, 2]);
      for (const f of outcome.failed) expect((f.error as Error).message.length).toBeGreaterThan(0);
      console.log(`send to a missing topic: ${(outcome.failed[0]?.error as Error).message}`);
      expect(pool.producer.pendingRecords).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('an open-loop ingest run with producerThread lands exactly the acked events, once each, in order', { timeout: 120_000 }, async () => {
    const { topic } = await freshRawTopic(stack, 'producer-thread-ingest');
    created.push(topic);
    const summary = await runKafkaIngest({
      endpoints: stack,
      topic,
      schedule: constantSchedule(1_000, 10_000),
      generatorConfig: { generatorId: 'it-thread-ingest', seed: 7, users: 5_000, payloadBytes: 256, malformedFraction: 0.01 },
      clock: createSystemClock(),
      producerThread: true,
    });
    expect(summary.state).toBe('completed');
    expect(summary.counts.sent).toBe(10_000);
    expect(summary.counts.acked).toBe(10_000);
    expect(summary.histograms.ackLatency.count).toBe(10_000);
    expect(summary.ackedBytes).toBeGreaterThan(10_000 * 256);
    const readBack = await readIngested(stack.kafka, topic);
    const check = checkIngest(summary.ledger, readBack.observed, readBack.unidentified);
    expect(check).toMatchObject({ ok: true, ackedMissing: 0, duplicateOccurrences: 0, unexpected: 0 });
    expect(readBack.orderViolations).toBe(0);
  });
});
