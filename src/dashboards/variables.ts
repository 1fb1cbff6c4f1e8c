import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../metrics/catalog.js';
import { RUN_SELECTOR } from './promql.js';

/**
 * Dashboard variables and annotations shared by both dashboards.
 *
 * The Prometheus datasource is provisioned with a fixed uid (stack/grafana/provisioning/
 * datasources/prometheus.yaml); the `datasource` variable defaults to it but can point at any
 * Prometheus (e.g. one scraping an external run).
 */
export const DATASOURCE_UID = 'streamproof-prometheus';
export const DATASOURCE_VARIABLE = 'datasource';

/** Panels and variables query through the variable, never a hard-coded uid. */
export const DATASOURCE_REF = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` } as const;

/** Every run emits its phase info from start to end, so it is where runs are discovered. */
const RUN_DISCOVERY_METRIC = METRICS.runPhaseInfo.name;

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Prometheus')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: DATASOURCE_UID });
}

/** Scenario first (All = every scenario), then the runs of the chosen scenario(s). */
export function scenarioVariable(): dashboard.QueryVariableBuilder {
  const query = `label_values(${RUN_DISCOVERY_METRIC}, scenario)`;
  return new dashboard.QueryVariableBuilder('scenario')
    .label('Scenario')
    .datasource(DATASOURCE_REF)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** Newest run first, assuming run ids start with a sortable timestamp. */
export function runIdVariable(): dashboard.QueryVariableBuilder {
  const query = `label_values(${RUN_DISCOVERY_METRIC}{scenario=~"$scenario"}, run_id)`;
  return new dashboard.QueryVariableBuilder('run_id')
    .label('Run')
    .datasource(DATASOURCE_REF)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalDesc)
    .includeAll(false);
}

export function variables(): cog.Builder<dashboard.VariableModel>[] {
  return [datasourceVariable(), scenarioVariable(), runIdVariable()];
}

/** Run phases and injected faults as annotation regions on every time-series panel. */
export function annotations(): dashboard.AnnotationQueryBuilder[] {
  return [
    new dashboard.AnnotationQueryBuilder()
      .name('Run phases')
      .datasource(DATASOURCE_REF)
      .enable(true)
      .iconColor('blue')
      .expr(`${METRICS.runPhaseInfo.name}{${RUN_SELECTOR}} == 1`)
      .step('5s')
      .titleFormat('{{phase}}')
      .textFormat('phase {{phase}} of {{run_id}}')
      .tagKeys('phase'),
    new dashboard.AnnotationQueryBuilder()
      .name('Faults')
      .datasource(DATASOURCE_REF)
      .enable(true)
      .iconColor('red')
      .expr(`${METRICS.runFaultInfo.name}{${RUN_SELECTOR}} == 1`)
      .step('5s')
      .titleFormat('fault: {{fault}}')
      .textFormat('{{fault}} on {{target}}')
      .tagKeys('fault,target'),
  ];
}
