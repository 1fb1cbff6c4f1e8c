/**
 * The metric naming rule, `streamproof_<stage>_<what>_<unit>`, as a parser: tests hold the
 * catalog to it, and anything that receives a metric name can tell stage and unit apart.
 */
export const METRIC_PREFIX = 'streamproof';

export const METRIC_STAGES = ['producer', 'ingest', 'http', 'processor', 'delivery', 'verifier', 'run'] as const;
export type MetricStage = (typeof METRIC_STAGES)[number];

/** Longest first, so `events_per_second` wins over a shorter suffix. */
export const METRIC_UNITS = ['events_per_second', 'seconds', 'records', 'messages', 'windows', 'events', 'total', 'info'] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

export interface ParsedMetricName {
  stage: MetricStage;
  what: string;
  unit: MetricUnit;
}

const WORD = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Returns the parts of a conforming name, or null when it does not follow the rule. */
export function parseMetricName(name: string): ParsedMetricName | null {
  const prefix = `${METRIC_PREFIX}_`;
  if (!name.startsWith(prefix)) return null;
  const rest = name.slice(prefix.length);
  const stage = METRIC_STAGES.find((s) => rest.startsWith(`${s}_`));
  if (!stage) return null;
  const afterStage = rest.slice(stage.length + 1);
  const unit = METRIC_UNITS.find((u) => afterStage.endsWith(`_${u}`));
  if (!unit) return null;
  const what = afterStage.slice(0, afterStage.length - unit.length - 1);
  if (!WORD.test(what)) return null;
  return { stage, what, unit };
}
