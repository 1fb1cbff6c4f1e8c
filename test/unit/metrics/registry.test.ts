import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { METRICS } from '../../../src/metrics/catalog.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';

const LABELS = 'run_id="run-1",scenario="smoke",instance_role="runner"';

function registry() {
  return createMetricsRegistry({ runId: 'run-1', scenario: 'smoke', instanceRole: 'runner' });
}

function sampleLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('metrics registry', () => {
  it('puts run_id, scenario and instance_role on every series', async () => {
    const r = registry();
    r.metrics.producerEventsSent.inc(3);
    r.metrics.httpRequests.inc({ status: 200 });
    r.metrics.processorOpenWindows.set(7);
    expect(sampleLines(await r.render())).toEqual([
      `streamproof_producer_events_sent_total{${LABELS}} 3`,
      `streamproof_http_requests_total{status="200",${LABELS}} 1`,
      `streamproof_processor_open_windows{${LABELS}} 7`,
    ]);
    expect(r.defaultLabels).toEqual({ run_id: 'run-1', scenario: 'smoke', instance_role: 'runner' });
  });

  it('registers a metric on first use of its handle, at zero', async () => {
    const r = registry();
    expect(await r.render()).toBe('\n');
    void r.metrics.producerEventsFailed; // taking the handle is enough
    expect(sampleLines(await r.render())).toEqual([`streamproof_producer_events_failed_total{${LABELS}} 0`]);
    expect(await r.render()).toContain(`# HELP ${METRICS.producerEventsFailed.name} ${METRICS.producerEventsFailed.help}`);
  });

  it('records durations in ms and exports seconds, with the boundary value in its bucket', async () => {
    const r = registry();
    r.metrics.producerAckLatency.observeMs(100);
    r.metrics.producerAckLatency.observeMs(250);
    const lines = sampleLines(await r.render());
    const name = 'streamproof_producer_ack_latency_seconds';
    expect(lines).toContain(`${name}_bucket{le="0.075",${LABELS}} 0`);
    expect(lines).toContain(`${name}_bucket{le="0.1",${LABELS}} 1`);
    expect(lines).toContain(`${name}_bucket{le="0.25",${LABELS}} 2`);
    expect(lines).toContain(`${name}_bucket{le="+Inf",${LABELS}} 2`);
    expect(lines).toContain(`${name}_sum{${LABELS}} 0.35`);
    expect(lines).toContain(`${name}_count{${LABELS}} 2`);
    expect(lines.filter((l) => l.startsWith(`${name}_bucket`))).toHaveLength(METRICS.producerAckLatency.buckets.length + 1);
  });

  it('observes size histograms in their own unit', async () => {
    const r = registry();
    r.metrics.deliveryPutBatchSize.observe(500);
    const lines = sampleLines(await r.render());
    expect(lines).toContain(`streamproof_delivery_put_batch_size_records_bucket{le="400",${LABELS}} 0`);
    expect(lines).toContain(`streamproof_delivery_put_batch_size_records_bucket{le="500",${LABELS}} 1`);
    expect(lines).toContain(`streamproof_delivery_put_batch_size_records_sum{${LABELS}} 500`);
  });

  it('presets the verifier gauge at 0 per invariant', async () => {
    const r = registry();
    r.metrics.verifierViolations.set({ invariant: 'I2' }, 4);
    expect(sampleLines(await r.render())).toEqual([
      `streamproof_verifier_violation_events{invariant="I1",${LABELS}} 0`,
      `streamproof_verifier_violation_events{invariant="I2",${LABELS}} 4`,
      `streamproof_verifier_violation_events{invariant="I3",${LABELS}} 0`,
    ]);
  });

  it('gauges with labels inc, dec and remove series', async () => {
    const r = registry();
    const lag = r.metrics.processorConsumerLag;
    lag.set({ partition: 0 }, 10);
    lag.inc({ partition: 1 }, 5);
    lag.dec({ partition: 1 }, 2);
    lag.remove({ partition: 0 });
    expect(sampleLines(await r.render())).toEqual([`streamproof_processor_consumer_lag_messages{partition="1",${LABELS}} 3`]);
  });

  it('keeps exactly one phase at 1 and marks faults', async () => {
    const r = registry();
    r.runInfo.setPhase('warmup');
    r.runInfo.setPhase('steady');
    r.runInfo.setPhase('steady');
    r.runInfo.faultStarted('broker-kill', 'broker-1');
    r.runInfo.faultEnded('broker-kill', 'broker-1');
    r.runInfo.faultStarted('latency', 'broker-2');
    expect(r.runInfo.phase).toBe('steady');
    expect(sampleLines(await r.render())).toEqual([
      `streamproof_run_phase_info{phase="warmup",${LABELS}} 0`,
      `streamproof_run_phase_info{phase="steady",${LABELS}} 1`,
      `streamproof_run_fault_info{fault="broker-kill",target="broker-1",${LABELS}} 0`,
      `streamproof_run_fault_info{fault="latency",target="broker-2",${LABELS}} 1`,
    ]);
    r.runInfo.endPhase();
    expect(sampleLines(await r.render())[1]).toBe(`streamproof_run_phase_info{phase="steady",${LABELS}} 0`);
  });

  it('keeps registries apart (one per process, several in tests)', async () => {
    const a = registry();
    const b = createMetricsRegistry({ runId: 'run-2', scenario: 'smoke', instanceRole: 'processor-0' });
    a.metrics.processorEventsIn.inc(1);
    b.metrics.processorEventsIn.inc(2);
    expect(sampleLines(await b.render())).toEqual([
      'streamproof_processor_events_in_total{run_id="run-2",scenario="smoke",instance_role="processor-0"} 2',
    ]);
  });

  it('refuses empty identity labels', () => {
    try {
      createMetricsRegistry({ runId: ' ', scenario: 'smoke', instanceRole: 'runner' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StreamproofError);
      expect((error as StreamproofError).code).toBe(ERROR_CODES.INVALID_ARGUMENT);
    }
  });

  it('renders in the Prometheus text format', () => {
    expect(registry().contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });
});
