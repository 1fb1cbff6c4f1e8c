import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import { METRICS } from '../../../src/metrics/catalog.js';
import {
  catalogSeriesNames,
  fractionWithin,
  gauge,
  leMatcher,
  quantile,
  rate,
  referencedMetricNames,
} from '../../../src/dashboards/promql.js';

const SEL = 'run_id=~"$run_id",scenario=~"$scenario"';

describe('promql builders', () => {
  it('rate sums a counter over processes, optionally by label', () => {
    expect(rate(METRICS.producerEventsAcked)).toBe(`sum(rate(streamproof_producer_events_acked_total{${SEL}}[$__rate_interval]))`);
    expect(rate(METRICS.httpRequests, ['status'])).toBe(`sum by (status) (rate(streamproof_http_requests_total{${SEL}}[$__rate_interval]))`);
  });

  it('quantile merges buckets across processes, keeping le', () => {
    expect(quantile(0.99, METRICS.producerAckLatency, ['instance_role'])).toBe(
      `histogram_quantile(0.99, sum by (le, instance_role) (rate(streamproof_producer_ack_latency_seconds_bucket{${SEL}}[$__rate_interval])))`,
    );
  });

  it('gauge aggregates', () => {
    expect(gauge(METRICS.processorWatermarkLag, 'max', ['instance_role'])).toBe(`max by (instance_role) (streamproof_processor_watermark_lag_seconds{${SEL}})`);
  });

  it('matches bucket boundaries in both prom-client and Prometheus 3 spellings', () => {
    expect(leMatcher(0.25)).toBe('le=~"0\\\\.25"');
    expect(leMatcher(1)).toBe('le=~"1(\\\\.0)?"');
    // What Prometheus' regex engine sees after PromQL unescapes the string:
    const regex = (m: string) => new RegExp(`^(?:${m.slice(5, -1).replace(/\\\\/g, '\\')})$`);
    expect(regex(leMatcher(1)).test('1')).toBe(true);
    expect(regex(leMatcher(1)).test('1.0')).toBe(true);
    expect(regex(leMatcher(1)).test('10')).toBe(false);
    expect(regex(leMatcher(0.25)).test('0.25')).toBe(true);
    expect(regex(leMatcher(0.25)).test('0x25')).toBe(false);
  });

  it('fractionWithin divides the boundary bucket by the count, and only at real boundaries', () => {
    expect(fractionWithin(METRICS.producerAckLatency, 0.1)).toBe(
      `sum(rate(streamproof_producer_ack_latency_seconds_bucket{${SEL},le=~"0\\\\.1"}[$__rate_interval])) / sum(rate(streamproof_producer_ack_latency_seconds_count{${SEL}}[$__rate_interval]))`,
    );
    expect(() => fractionWithin(METRICS.producerAckLatency, 0.11)).toThrow(StreamproofError);
  });

  it('names the series a query reads', () => {
    expect(referencedMetricNames(quantile(0.5, METRICS.producerAckLatency))).toEqual(['streamproof_producer_ack_latency_seconds_bucket']);
    expect(referencedMetricNames('a + streamproof_x_total / streamproof_x_total')).toEqual(['streamproof_x_total']);
  });

  it('expands histograms into their three series names', () => {
    const names = catalogSeriesNames();
    expect(names.has('streamproof_producer_ack_latency_seconds_bucket')).toBe(true);
    expect(names.has('streamproof_producer_ack_latency_seconds')).toBe(false);
    expect(names.has('streamproof_producer_events_acked_total')).toBe(true);
  });
});
