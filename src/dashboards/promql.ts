import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { CounterDef, GaugeDef, HistogramDef, MetricDef } from '../metrics/catalog.js';
import { BROKER_METRICS, BROKER_METRICS_JOB, METRICS, PROCESS_METRICS } from '../metrics/catalog.js';

/**
 * PromQL for the dashboards, built only from catalog definitions (never from metric-name
 * strings), so every query names a metric the registry really exports.
 *
 * Every selector filters on the dashboard's `run_id` and `scenario` variables. Regex matchers
 * (`=~`) let the scenario variable's "All" (`.*`) work.
 */
export const RUN_SELECTOR = 'run_id=~"$run_id",scenario=~"$scenario"';

/** Grafana picks a window of at least 4 scrapes (scrape interval 1 s, set on the datasource). */
const RATE_WINDOW = '$__rate_interval';

function selector(def: MetricDef, suffix = '', extraMatchers: string[] = []): string {
  return `${def.name}${suffix}{${[RUN_SELECTOR, ...extraMatchers].join(',')}}`;
}

/** `sum(x)`, or `sum by (a, b) (x)` when some labels are kept. */
function aggregate(aggregation: string, by: readonly string[], inner: string): string {
  return by.length === 0 ? `${aggregation}(${inner})` : `${aggregation} by (${by.join(', ')}) (${inner})`;
}

/** Per-second rate of a counter, summed over processes (optionally kept apart by labels). */
export function rate(def: CounterDef, by: readonly string[] = []): string {
  return aggregate('sum', by, `rate(${selector(def)}[${RATE_WINDOW}])`);
}

/** How much a counter grew over the whole dashboard range (for stat panels). */
export function increaseOverRange(def: CounterDef): string {
  return `sum(increase(${selector(def)}[$__range]))`;
}

export function gauge(def: GaugeDef, aggregation: 'sum' | 'max' | 'min', by: readonly string[] = []): string {
  return aggregate(aggregation, by, selector(def));
}

/** Quantile `q` (0..1) of a histogram over the rate window, merged over processes. */
export function quantile(q: number, def: HistogramDef, by: readonly string[] = []): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (rate(${selector(def, '_bucket')}[${RATE_WINDOW}])))`;
}

/** Observations per second per bucket, for heatmap panels (format=heatmap, no calculation). */
export function bucketRates(def: HistogramDef): string {
  return `sum by (le) (rate(${selector(def, '_bucket')}[${RATE_WINDOW}]))`;
}

export function observationRate(def: HistogramDef): string {
  return `sum(rate(${selector(def, '_count')}[${RATE_WINDOW}]))`;
}

export function mean(def: HistogramDef): string {
  return `sum(rate(${selector(def, '_sum')}[${RATE_WINDOW}])) / sum(rate(${selector(def, '_count')}[${RATE_WINDOW}]))`;
}

/**
 * Matcher for the bucket boundary `value`. prom-client writes `le="1"` while Prometheus 3
 * normalises it to `le="1.0"` on ingestion; the regex accepts both spellings.
 */
export function leMatcher(value: number): string {
  const text = String(value).replace('.', '\\\\.');
  return Number.isInteger(value) ? `le=~"${text}(\\\\.0)?"` : `le=~"${text}"`;
}

/** Share of observations at or below `boundarySeconds` (must be a bucket boundary: exact). */
export function fractionWithin(def: HistogramDef, boundarySeconds: number): string {
  if (!def.buckets.includes(boundarySeconds)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${boundarySeconds} s is not a bucket boundary of ${def.name}`, {
      hint: 'pick an SLO from SLO_CANDIDATE_SECONDS (src/metrics/buckets.ts), or add the boundary there',
    });
  }
  return `sum(rate(${selector(def, '_bucket', [leMatcher(boundarySeconds)])}[${RATE_WINDOW}])) / sum(rate(${selector(def, '_count')}[${RATE_WINDOW}]))`;
}

/**
 * Broker series (BROKER_METRICS) have no run labels, only `broker` (and e.g. `request`): they
 * are selected by their scrape job, per broker.
 */
function brokerSelector(def: MetricDef): string {
  return `${def.name}{job="${BROKER_METRICS_JOB}"}`;
}

/** Per-second rate of a broker counter, one series per broker (and any extra label kept). */
export function brokerRate(def: CounterDef, by: readonly string[] = ['broker']): string {
  return aggregate('sum', by, `rate(${brokerSelector(def)}[${RATE_WINDOW}])`);
}

export function brokerGauge(def: GaugeDef, aggregation: 'sum' | 'max' | 'min', by: readonly string[] = ['broker']): string {
  return aggregate(aggregation, by, brokerSelector(def));
}

/** `a / b` of two already-aggregated expressions (both single series). */
export function ratio(numerator: string, denominator: string): string {
  return `(${numerator}) / (${denominator})`;
}

/** Every series name the catalog produces (histograms expand to _bucket, _sum, _count). */
export function catalogSeriesNames(): Set<string> {
  const names = new Set<string>();
  for (const def of [...Object.values(METRICS), ...Object.values(PROCESS_METRICS), ...Object.values(BROKER_METRICS)] as MetricDef[]) {
    if (def.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${def.name}${suffix}`);
    else names.add(def.name);
  }
  return names;
}

/** Metric names an expression refers to (every identifier with the streamproof_ or kafka_ prefix). */
export function referencedMetricNames(expr: string): string[] {
  return [...new Set(expr.match(/\b(?:streamproof|kafka)_[a-z0-9_]+/g) ?? [])];
}
