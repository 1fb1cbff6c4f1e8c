import { describe, expect, it } from 'vitest';
import { parseMetricName } from '../../../src/metrics/naming.js';

describe('parseMetricName', () => {
  it('splits stage, what and unit', () => {
    expect(parseMetricName('streamproof_producer_ack_latency_seconds')).toEqual({ stage: 'producer', what: 'ack_latency', unit: 'seconds' });
    expect(parseMetricName('streamproof_run_target_rate_events_per_second')).toEqual({ stage: 'run', what: 'target_rate', unit: 'events_per_second' });
    expect(parseMetricName('streamproof_verifier_violation_events')).toEqual({ stage: 'verifier', what: 'violation', unit: 'events' });
  });

  it('rejects names that break the rule', () => {
    expect(parseMetricName('producer_ack_latency_seconds')).toBeNull(); // no prefix
    expect(parseMetricName('streamproof_kafka_ack_latency_seconds')).toBeNull(); // unknown stage
    expect(parseMetricName('streamproof_producer_ack_latency_ms')).toBeNull(); // unknown unit
    expect(parseMetricName('streamproof_producer_seconds')).toBeNull(); // no "what"
    expect(parseMetricName('streamproof_producer_Ack_seconds')).toBeNull(); // not snake_case
    expect(parseMetricName('streamproof_producer__ack_seconds')).toBeNull(); // empty word
  });
});
