import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { HistogramDef } from '../metrics/catalog.js';
import { bucketRates } from './promql.js';
import { DATASOURCE_REF } from './variables.js';

/**
 * Panel shapes used by both dashboards. Sizes are in grid units (24 columns); the dashboard
 * builder places panels left to right and wraps. Panel ids are assigned after building
 * (build.ts), in layout order, so they are stable.
 */
export interface Series {
  expr: string;
  /** Grafana legend template, e.g. `{{instance_role}}` or a fixed name. */
  legend: string;
}

export interface PanelSize {
  w: number;
  h?: number;
}

/** Grafana unit ids used here. */
export const UNITS = {
  seconds: 's',
  eventsPerSecond: 'suffix: ev/s',
  perSecond: 'suffix: /s',
  ratio: 'percentunit',
  count: 'short',
  records: 'short',
  bytes: 'bytes',
  bytesPerSecond: 'Bps',
  milliseconds: 'ms',
} as const;

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function targets(series: readonly Series[]): prometheus.DataqueryBuilder[] {
  return series.map((s, i) =>
    new prometheus.DataqueryBuilder()
      .refId(REF_IDS[i] ?? `Q${i}`)
      .expr(s.expr)
      .legendFormat(s.legend)
      .range()
      .editorMode(prometheus.QueryEditorMode.Code),
  );
}

export function timeseriesPanel(
  title: string,
  description: string,
  unit: string,
  series: readonly Series[],
  size: PanelSize,
  options: { min?: number; max?: number } = {},
): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE_REF)
    .targets(targets(series))
    .unit(unit)
    .span(size.w)
    .height(size.h ?? 8)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  return panel;
}

/** Latency distribution over time from the classic buckets (no client-side re-bucketing). */
export function heatmapPanel(title: string, description: string, def: HistogramDef, size: PanelSize): heatmap.PanelBuilder {
  return new heatmap.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE_REF)
    .targets([
      new prometheus.DataqueryBuilder()
        .refId('A')
        .expr(bucketRates(def))
        .legendFormat('{{le}}')
        .format(prometheus.PromQueryFormat.Heatmap)
        .range()
        .editorMode(prometheus.QueryEditorMode.Code),
    ])
    .calculate(false)
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
    .yAxis(new heatmap.YAxisConfigBuilder().unit(def.unit === 'seconds' ? UNITS.seconds : UNITS.records))
    .cellGap(1)
    .showLegend()
    .span(size.w)
    .height(size.h ?? 8);
}

export function statPanel(
  title: string,
  description: string,
  unit: string,
  series: Series,
  size: PanelSize,
  thresholds?: readonly dashboard.Threshold[],
): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE_REF)
    .targets(targets([series]))
    .unit(unit)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(thresholds ? common.BigValueColorMode.Background : common.BigValueColorMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .span(size.w)
    .height(size.h ?? 4);
  if (thresholds) {
    panel.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([...thresholds]));
  }
  return panel;
}

/** Green at 0, red from 1: for counts that must stay zero (violations, failures). */
export const MUST_BE_ZERO: readonly dashboard.Threshold[] = [
  { value: null, color: 'green' },
  { value: 1, color: 'red' },
];
