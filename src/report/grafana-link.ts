/**
 * The Grafana link of a run: the overview dashboard (uid streamproof-overview, src/dashboards/)
 * with the run's scenario and run_id variables and its time range (from start − 10 s to end +
 * 10 s, so the first and last scrapes are in view). The compose stack serves Grafana at
 * 127.0.0.1:13000; STREAMPROOF_GRAFANA_URL (read by the runner) points the link elsewhere.
 * A link, never a request: the report itself loads nothing.
 */
export const DEFAULT_GRAFANA_URL = 'http://127.0.0.1:13000';
/** Kept equal to OVERVIEW_UID of src/dashboards/overview.ts (a unit test checks it). */
export const OVERVIEW_DASHBOARD_UID = 'streamproof-overview';

export function grafanaLink(result: { runId: string; scenario: { name: string }; startedAt: string; endedAt: string }, grafanaUrl: string = DEFAULT_GRAFANA_URL): string | null {
  const from = Date.parse(result.startedAt) - 10_000;
  const to = Date.parse(result.endedAt) + 10_000;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const query = new URLSearchParams({ from: String(from), to: String(to), 'var-scenario': result.scenario.name, 'var-run_id': result.runId });
  return `${grafanaUrl.replace(/\/$/, '')}/d/${OVERVIEW_DASHBOARD_UID}?${query.toString()}`;
}
