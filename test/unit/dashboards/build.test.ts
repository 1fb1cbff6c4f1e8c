import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildDashboards, renderDashboard } from '../../../src/dashboards/build.js';
import { dashboardExpressions, flatPanels } from '../../../src/dashboards/lint.js';
import { catalogSeriesNames, referencedMetricNames } from '../../../src/dashboards/promql.js';
import { LATENCY_STAGES } from '../../../src/dashboards/stages.js';
import { METRICS } from '../../../src/metrics/catalog.js';

const DASHBOARDS_DIR = fileURLToPath(new URL('../../../dashboards/', import.meta.url));

describe('dashboards build', () => {
  it('the committed JSON equals a fresh build (run `npm run dashboards` if not)', () => {
    const built = buildDashboards();
    expect(readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort()).toEqual(built.map((b) => b.fileName).sort());
    for (const { fileName, dashboard } of built) {
      expect(readFileSync(`${DASHBOARDS_DIR}${fileName}`, 'utf8'), fileName).toBe(renderDashboard(dashboard));
    }
  });

  it('is deterministic and ends files with one newline', () => {
    const a = buildDashboards().map((b) => renderDashboard(b.dashboard));
    const b = buildDashboards().map((d) => renderDashboard(d.dashboard));
    expect(a).toEqual(b);
    for (const text of a) expect(text.endsWith('}\n')).toBe(true);
  });

  it('every query (panels, variables, annotations) reads only catalog metrics', () => {
    const known = catalogSeriesNames();
    let checked = 0;
    for (const { dashboard } of buildDashboards()) {
      for (const { where, expr } of dashboardExpressions(dashboard)) {
        const names = referencedMetricNames(expr);
        expect(names.length, `${where} names a metric`).toBeGreaterThan(0);
        for (const name of names) expect(known.has(name), `${where}: ${name}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('has the datasource, scenario and run_id variables, and phase/fault annotations', () => {
    for (const { dashboard } of buildDashboards()) {
      expect((dashboard.templating.list ?? []).map((v) => [v.name, v.type])).toEqual([
        ['datasource', 'datasource'],
        ['scenario', 'query'],
        ['run_id', 'query'],
      ]);
      expect((dashboard.annotations.list ?? []).map((a) => a.expr)).toEqual([
        `${METRICS.runPhaseInfo.name}{run_id=~"$run_id",scenario=~"$scenario"} == 1`,
        `${METRICS.runFaultInfo.name}{run_id=~"$run_id",scenario=~"$scenario"} == 1`,
      ]);
    }
  });

  it('numbers panels 1..n in layout order', () => {
    for (const { dashboard } of buildDashboards()) {
      const ids = (dashboard.panels ?? []).map((p) => p.id);
      expect(ids).toEqual(ids.map((_, i) => i + 1));
    }
  });

  it('the overview has a p99 line and a heatmap for every latency stage', () => {
    const overview = buildDashboards().find((b) => b.fileName === 'overview.json')?.dashboard;
    const panels = flatPanels(overview ?? { schemaVersion: 0, templating: {}, annotations: {} });
    const p99 = panels.find((p) => p.title === 'p99 by stage');
    expect((p99?.targets ?? []).map((t) => (t as unknown as { legendFormat: string }).legendFormat)).toEqual(LATENCY_STAGES.map((s) => s.label));
    const heatmaps = panels.filter((p) => p.type === 'heatmap').map((p) => p.title);
    expect(heatmaps).toEqual(LATENCY_STAGES.map((s) => s.title));
  });

  it('the drill-down has one row per latency stage', () => {
    const drilldown = buildDashboards().find((b) => b.fileName === 'stage-drilldown.json')?.dashboard;
    const rows = (drilldown?.panels ?? []).filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(LATENCY_STAGES.map((s) => s.title));
  });
});
