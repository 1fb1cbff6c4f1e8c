import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import { buildDashboards } from '../../../src/dashboards/build.js';
import { flatPanels } from '../../../src/dashboards/lint.js';
import { catalogSeriesNames } from '../../../src/dashboards/promql.js';
import { listPanelQueries, promRegexLiteral, substituteMacros } from '../../../src/dashboards/queries.js';
import { BROKER_METRICS, BROKER_METRICS_JOB } from '../../../src/metrics/catalog.js';

const CTX = { runId: '20240101T000000Z-ab.c', scenario: 'smoke', stepS: 2, rangeS: 600 };

describe('substituteMacros', () => {
  it('replaces Grafana interval macros and the run variables', () => {
    expect(substituteMacros('rate(x{run_id=~"$run_id",scenario=~"${scenario}"}[$__rate_interval]) $__interval $__range $__interval_ms $__range_s', CTX)).toBe(
      'rate(x{run_id=~"20240101T000000Z-ab\\\\.c",scenario=~"smoke"}[4s]) 2s 600s 2000 600',
    );
  });

  it('derives $__rate_interval as max(step + scrape, 4 × scrape)', () => {
    expect(substituteMacros('$__rate_interval', { ...CTX, stepS: 1 })).toBe('4s');
    expect(substituteMacros('$__rate_interval', { ...CTX, stepS: 10 })).toBe('11s');
    expect(substituteMacros('$__rate_interval', { ...CTX, stepS: 10, scrapeIntervalS: 15 })).toBe('60s');
  });

  it('refuses anything it cannot substitute', () => {
    expect(() => substituteMacros('x[$__auto]', CTX)).toThrow(StreamproofError);
    expect(() => substituteMacros('x{a=~"$instance"}', CTX)).toThrow(StreamproofError);
  });
});

describe('promRegexLiteral', () => {
  it('escapes RE2 metacharacters, then backslashes and quotes for a PromQL string', () => {
    expect(promRegexLiteral('a.b*c')).toBe('a\\\\.b\\\\*c');
    expect(promRegexLiteral('q"x')).toBe('q\\"x');
    expect(promRegexLiteral('plain-id_1')).toBe('plain-id_1');
  });
});

describe('listPanelQueries', () => {
  it('lists every panel target once, fully substituted', () => {
    const dashboards = buildDashboards();
    const targets = dashboards.flatMap((d) => flatPanels(d.dashboard).flatMap((p) => p.targets ?? []));
    const queries = listPanelQueries(CTX, dashboards);
    expect(queries).toHaveLength(targets.length);
    const known = catalogSeriesNames();
    const brokerNames = new Set(Object.values(BROKER_METRICS).map((d) => d.name));
    expect(queries.filter((q) => q.metrics.some((m) => brokerNames.has(m))).length).toBeGreaterThanOrEqual(6);
    for (const q of queries) {
      expect(q.expr, `${q.panelTitle} ${q.refId}`).not.toContain('$');
      // Run series are selected by the run; broker series (no run labels) by their scrape job.
      const brokerOnly = q.metrics.every((m) => brokerNames.has(m));
      expect(q.expr).toContain(brokerOnly ? `{job="${BROKER_METRICS_JOB}"}` : 'run_id=~"20240101T000000Z-ab\\\\.c"');
      expect(q.metrics.length).toBeGreaterThan(0);
      for (const m of q.metrics) expect(known.has(m)).toBe(true);
    }
    const keys = queries.map((q) => `${q.dashboardUid}/${q.panelId}/${q.refId}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps the committed form beside the runnable one', () => {
    const [first] = listPanelQueries(CTX);
    expect(first?.rawExpr).toBe('sum(streamproof_run_target_rate_events_per_second{run_id=~"$run_id",scenario=~"$scenario"})');
    expect(first?.expr).toBe('sum(streamproof_run_target_rate_events_per_second{run_id=~"20240101T000000Z-ab\\\\.c",scenario=~"smoke"})');
    expect([first?.fileName, first?.dashboardUid, first?.panelTitle, first?.refId]).toEqual(['overview.json', 'streamproof-overview', 'Target rate', 'A']);
  });
});
