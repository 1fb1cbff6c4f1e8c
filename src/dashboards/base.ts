import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { annotations, variables } from './variables.js';

/** What both dashboards share: tag, time window, refresh, variables, annotations, links. */
export const DASHBOARD_TAG = 'streamproof';

export function newDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DASHBOARD_TAG])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-15m', to: 'now' })
    // Prometheus scrapes every second; 5 s keeps the browser and a 2-core laptop calm.
    .refresh('5s')
    .variables(variables())
    .annotations(annotations())
    .link(
      new dashboard.DashboardLinkBuilder('streamproof dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

/**
 * Builds and numbers panels 1..n in layout order (rows included). The SDK leaves ids unset;
 * Grafana would assign them on load, which makes the committed JSON differ from what users
 * export. Stable ids also keep panel links (`viewPanel=`) working across rebuilds.
 */
export function finalize(builder: dashboard.DashboardBuilder): dashboard.Dashboard {
  const built = builder.build();
  let nextId = 1;
  for (const panel of built.panels ?? []) {
    panel.id = nextId++;
    if (panel.type === 'row') for (const inner of (panel as dashboard.RowPanel).panels) inner.id = nextId++;
  }
  return built;
}
