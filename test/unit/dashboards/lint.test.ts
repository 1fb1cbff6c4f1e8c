import { describe, expect, it } from 'vitest';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards, renderDashboard } from '../../../src/dashboards/build.js';
import { lintDashboard } from '../../../src/dashboards/lint.js';

function overview(): dashboard.Dashboard {
  // Through JSON: the SDK's query objects carry a marker method that structuredClone refuses.
  return JSON.parse(renderDashboard((buildDashboards()[0] as { dashboard: dashboard.Dashboard }).dashboard)) as dashboard.Dashboard;
}

/** The first non-row panel and its first target. */
function firstPanel(d: dashboard.Dashboard): { panel: dashboard.Panel; target: { expr: string; refId: string } } {
  const panel = (d.panels ?? []).find((p) => p.type !== 'row') as dashboard.Panel;
  return { panel, target: (panel.targets ?? [])[0] as unknown as { expr: string; refId: string } };
}

describe('lintDashboard', () => {
  it('passes the built dashboards', () => {
    for (const { fileName, dashboard: d } of buildDashboards()) expect(lintDashboard(d), fileName).toEqual([]);
  });

  it('catches a metric outside the catalog and an undefined variable', () => {
    const d = overview();
    const { panel, target } = firstPanel(d);
    target.expr = 'sum(streamproof_producer_typo_total{run_id=~"$runid"})';
    expect(lintDashboard(d)).toEqual([
      `panel ${panel.id} "${panel.title}" A: streamproof_producer_typo_total is not a catalog metric (src/metrics/catalog.ts)`,
      `panel ${panel.id} "${panel.title}" A: variable $runid is not defined`,
    ]);
  });

  it('catches unbalanced brackets, overlaps, duplicate ids and refIds, and a hard-coded datasource', () => {
    const d = overview();
    const { panel, target } = firstPanel(d);
    target.expr = 'sum(rate(streamproof_producer_events_acked_total[$__rate_interval])';
    const second = (d.panels ?? [])[2] as dashboard.Panel;
    second.gridPos = { ...(panel.gridPos as dashboard.GridPos) };
    second.id = panel.id;
    second.datasource = { type: 'prometheus', uid: 'abc' };
    second.targets = [...(second.targets ?? []), ...(second.targets ?? [])];
    const problems = lintDashboard(d);
    expect(problems).toContain(`panel ${panel.id} "${panel.title}" A: unbalanced brackets or quotes in ${target.expr}`);
    expect(problems).toContain(`panel id ${panel.id} is used twice`);
    expect(problems).toContain(`panel ${panel.id} "${second.title}" overlaps panel ${panel.id}`);
    expect(problems).toContain(`panel ${panel.id} "${second.title}" does not query through the \${datasource} variable`);
    expect(problems).toContain(`panel ${panel.id} "${second.title}" needs unique refIds, got A,A`);
  });

  it('catches a panel leaving the 24-column grid', () => {
    const d = overview();
    const { panel } = firstPanel(d);
    panel.gridPos = { x: 20, y: 0, w: 8, h: 4 };
    expect(lintDashboard(d).some((p) => p.startsWith(`panel ${panel.id} "${panel.title}" leaves the grid`))).toBe(true);
  });
});
