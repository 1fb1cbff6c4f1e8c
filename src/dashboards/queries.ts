import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { buildDashboards, type BuiltDashboard } from './build.js';
import { flatPanels } from './lint.js';
import { referencedMetricNames } from './promql.js';

/**
 * Every panel query of the built dashboards, made runnable against Prometheus' HTTP API
 * (`/api/v1/query_range`) the way Grafana would run it for one run: interval macros and
 * template variables substituted. An integration test runs each after a smoke run and
 * asserts it returns data.
 */
export interface QueryContext {
  runId: string;
  scenario: string;
  /** query_range step = Grafana's $__interval. */
  stepS: number;
  /** Length of the queried time range = Grafana's $__range. */
  rangeS: number;
  /** Scrape interval configured on the datasource (Prometheus scrapes every 1 s). */
  scrapeIntervalS?: number;
}

export interface PanelQuery {
  dashboardUid: string;
  fileName: string;
  panelId: number;
  panelTitle: string;
  refId: string;
  /** As committed, with macros and variables. */
  rawExpr: string;
  /** Ready for query_range. */
  expr: string;
  /** Catalog series the query reads. */
  metrics: string[];
}

/** RE2 metacharacters escaped, then backslashes doubled for a PromQL double-quoted string. */
export function promRegexLiteral(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Grafana's substitutions for a Prometheus datasource:
 * $__interval = step; $__rate_interval = max(step + scrape interval, 4 × scrape interval);
 * $__range = range; $run_id/$scenario = the values, regex-escaped (all our matchers are =~).
 * Throws if anything `$`-prefixed is left, so a new macro cannot slip through unsubstituted.
 */
export function substituteMacros(expr: string, ctx: QueryContext): string {
  const scrapeS = ctx.scrapeIntervalS ?? 1;
  const rateIntervalS = Math.max(ctx.stepS + scrapeS, 4 * scrapeS);
  const values: Record<string, string> = {
    __rate_interval: `${rateIntervalS}s`,
    __interval_ms: `${ctx.stepS * 1000}`,
    __interval: `${ctx.stepS}s`,
    __range_s: `${ctx.rangeS}`,
    __range: `${ctx.rangeS}s`,
    run_id: promRegexLiteral(ctx.runId),
    scenario: promRegexLiteral(ctx.scenario),
  };
  const out = expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    const value = values[name];
    if (value === undefined) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no substitution for ${match} in dashboard query: ${expr}`, {
        hint: 'add it to substituteMacros() in src/dashboards/queries.ts',
      });
    }
    return value;
  });
  return out;
}

export function listPanelQueries(ctx: QueryContext, dashboards: readonly BuiltDashboard[] = buildDashboards()): PanelQuery[] {
  const queries: PanelQuery[] = [];
  for (const { fileName, dashboard } of dashboards) {
    for (const panel of flatPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const t = target as unknown as { refId: string; expr: string };
        queries.push({
          dashboardUid: dashboard.uid ?? '',
          fileName,
          panelId: panel.id ?? 0,
          panelTitle: panel.title ?? '',
          refId: t.refId,
          rawExpr: t.expr,
          expr: substituteMacros(t.expr, ctx),
          metrics: referencedMetricNames(t.expr),
        });
      }
    }
  }
  return queries;
}
