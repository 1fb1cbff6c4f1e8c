import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { buildOverview } from './overview.js';
import { buildStageDrilldown } from './stage-drilldown.js';

/** The generated dashboards and the files they are committed as (under dashboards/). */
export interface BuiltDashboard {
  fileName: string;
  dashboard: dashboard.Dashboard;
}

export function buildDashboards(): BuiltDashboard[] {
  return [
    { fileName: 'overview.json', dashboard: buildOverview() },
    { fileName: 'stage-drilldown.json', dashboard: buildStageDrilldown() },
  ];
}

/** Stable text: the SDK's key order, 2-space indent, trailing newline (diff-friendly). */
export function renderDashboard(d: dashboard.Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}
