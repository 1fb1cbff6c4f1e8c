import { afterAll, describe, expect, it } from 'vitest';
import { createSystemClock } from '../../../src/base/clock.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import { runHttpIngest } from '../../../src/pipeline/ingest/http-ingest.js';
import { checkIngest } from '../../../src/pipeline/ingest/ingest-check.js';
import { readIngested } from '../../../src/pipeline/ingest/read-back.js';
import { validateEvent } from '../../../src/workload/event.js';
import { constantSchedule } from '../../../src/workload/schedule.js';
import { deleteTopics, endpoints } from '../support.js';
import { freshRawTopic, metricValue } from './support.js';

/**
 * Issue 3, HTTP path on the real stack: autocannon driver → collector on 127.0.0.1 → idempotent
 * producer → raw-events. Exactly the events the collector accepted (2xx) land, once each; the
 * malformed requests are refused with 400 and none of their events is in the topic.
 */
const stack = await endpoints();
const created: string[] = [];
afterAll(() => deleteTopics(stack, created));

describe('HTTP ingest into raw-events', () => {
  it('lands exactly the accepted events; malformed requests get 400 and nothing of them lands', { timeout: 120_000 }, async () => {
    const { topic } = await freshRawTopic(stack, 'ingest-http');
    created.push(topic);
    const registry = createMetricsRegistry({ runId: 'it-http', scenario: 'it', instanceRole: 'collector' });
    const summary = await runHttpIngest({
      endpoints: stack,
      topic,
      schedule: constantSchedule(400, 5_000),
      generatorConfig: { generatorId: 'it-http', seed: 11, users: 2_000, malformedFraction: 0.05 },
      clock: createSystemClock(),
      metrics: registry.metrics,
      batchSize: 20,
      connections: 4,
    });
    const { driver, ledger } = summary;
    console.log(
      `http ingest: requests ${JSON.stringify(driver.requests)}; accepted ${driver.events.accepted}, malformed rejected ${driver.events.rejectedMalformed}; ` +
        `latency p99 ${summary.histograms.ingestLatency.percentileMs(99)} ms`,
    );
    expect(summary.state).toBe('completed');
    expect(driver.events.sent).toBe(2_000);
    expect(driver.events.accepted).toBeGreaterThan(0);
    expect(driver.events.rejectedMalformed).toBeGreaterThan(0);
    expect(driver.events.malformedAccepted).toBe(0);
    expect(driver.events.malformedOther).toBe(0);
    // Every malformed request, and nothing else, was answered 400.
    expect(driver.requests.status4xx).toBe(summary.collector.requestsByStatus['400'] ?? 0);
    expect(summary.collector.events.invalid).toBe(driver.events.rejectedMalformed);
    expect(ledger.counts()).toMatchObject({
      acked: driver.events.accepted,
      malformed: driver.events.rejectedMalformed,
      malformedAcked: 0,
      outcomeConflicts: 0,
    });
    expect(summary.histograms.ingestLatency.count).toBe(driver.requests.status2xx);

    let invalidValues = 0;
    const readBack = await readIngested(stack.kafka, topic, {
      onRecord: (record) => {
        if (!validateEvent(JSON.parse(record.value ?? 'null')).ok) invalidValues += 1;
      },
    });
    const check = checkIngest(ledger, readBack.observed, readBack.unidentified);
    expect(check).toMatchObject({ ok: true, ackedMissing: 0, duplicateOccurrences: 0, unexpected: 0, refusedPresent: 0, malformedPresent: 0 });
    expect(check.ackedPresent).toBe(driver.events.accepted);
    expect(readBack.records).toBe(driver.events.accepted + check.unackedPresent);
    expect(invalidValues).toBe(0);

    const text = await registry.render();
    expect(metricValue(text, 'streamproof_http_events_accepted_total')).toBe(driver.events.accepted);
    expect(metricValue(text, 'streamproof_http_ingest_latency_seconds_count')).toBe(driver.requests.status2xx);
  });
});
