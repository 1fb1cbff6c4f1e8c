import { describe, expect, it } from 'vitest';
import { DEFAULT_LABELS, INVARIANTS, METRICS, METRIC_KEYS, type MetricDef } from '../../../src/metrics/catalog.js';
import { parseMetricName } from '../../../src/metrics/naming.js';

const defs = METRIC_KEYS.map((key) => [key, METRICS[key] as MetricDef] as const);

describe('metric catalog', () => {
  it.each(defs)('%s follows streamproof_<stage>_<what>_<unit>', (_key, def) => {
    const parsed = parseMetricName(def.name);
    expect(parsed, def.name).not.toBeNull();
    if (def.type === 'counter') expect(parsed?.unit).toBe('total');
    else expect(parsed?.unit).not.toBe('total');
    if (def.type === 'histogram') expect(parsed?.unit).toBe(def.unit);
  });

  it('names are unique, and no name collides with a histogram series suffix', () => {
    const names = defs.map(([, d]) => d.name);
    expect(new Set(names).size).toBe(names.length);
    const series = defs.flatMap(([, d]) => (d.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => d.name + s) : [d.name]));
    expect(new Set(series).size).toBe(series.length);
  });

  it('labels are snake_case and never shadow default or reserved labels', () => {
    const reserved = new Set<string>([...DEFAULT_LABELS, 'le', 'quantile', 'job', 'instance']);
    for (const [, def] of defs) {
      for (const label of def.labels) {
        expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(reserved.has(label), `${def.name} label ${label}`).toBe(false);
      }
    }
  });

  it('info metrics are gauges named *_info', () => {
    const info = defs.filter(([, d]) => d.name.endsWith('_info')).map(([k, d]) => [k, d.type]);
    expect(info).toEqual([
      ['runPhaseInfo', 'gauge'],
      ['runFaultInfo', 'gauge'],
    ]);
  });

  it('covers every latency stage of the design with a seconds histogram', () => {
    const seconds = defs.filter(([, d]) => d.type === 'histogram' && d.unit === 'seconds').map(([, d]) => d.name);
    expect(seconds).toEqual(
      expect.arrayContaining([
        'streamproof_producer_ack_latency_seconds',
        'streamproof_ingest_visible_latency_seconds',
        'streamproof_processor_window_result_latency_seconds',
        'streamproof_processor_result_freshness_seconds',
        'streamproof_delivery_s3_visible_latency_seconds',
        'streamproof_http_ingest_latency_seconds',
      ]),
    );
  });

  it('presets the verifier gauge for every invariant', () => {
    expect(METRICS.verifierViolations.preset).toEqual(INVARIANTS.map((invariant) => ({ invariant })));
  });
});
