import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { DEFAULT_LABELS, METRICS, METRIC_KEYS, PROCESS_METRICS_PREFIX, type MetricDef, type MetricKey } from './catalog.js';
import type { HandleFor } from './handles.js';
import { RunInfo } from './run-info.js';

/**
 * One prom-client registry per process, exposing the catalog through typed handles.
 *
 * Metrics are registered on first access of their handle: a process exports only what it
 * uses (a processor does not export producer counters at 0, which would skew min/avg panels),
 * and components take their handles at start-up so their metrics exist, at 0, from then on.
 */
export type CatalogMetrics = { readonly [K in MetricKey]: HandleFor<(typeof METRICS)[K]> };

export interface MetricsRegistryOptions {
  runId: string;
  scenario: string;
  /** Which process this is: `runner`, `processor-0`, `collector` ... */
  instanceRole: string;
  /** Also export Node process metrics (CPU, memory, event-loop lag): the dashboards' "Resources" row. The runner and every processor turn it on. */
  processMetrics?: boolean;
}

export interface MetricsSource {
  /** Prometheus text exposition of every registered metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsRegistry extends MetricsSource {
  readonly metrics: CatalogMetrics;
  /** Phase and fault info metrics of the run (the runner's; registered on first access). */
  readonly runInfo: RunInfo;
  readonly defaultLabels: Readonly<Record<(typeof DEFAULT_LABELS)[number], string>>;
}

type AnyLabels = Record<string, string | number>;

// prom-client's overloads differ between "labels first" and "value first"; the handle types
// (handles.ts) already guarantee which form each metric gets, so one adapter serves both.
function labelled(args: unknown[]): [AnyLabels | undefined, number | undefined] {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) return [first as AnyLabels, second as number | undefined];
  return [undefined, first as number | undefined];
}

function createHandle(def: MetricDef, registry: Registry): unknown {
  const common = { name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] };
  switch (def.type) {
    case 'counter': {
      const c = new Counter(common);
      return {
        inc: (...args: unknown[]) => {
          const [labels, by] = labelled(args);
          if (labels) c.inc(labels, by ?? 1);
          else c.inc(by ?? 1);
        },
      };
    }
    case 'gauge': {
      const g = new Gauge(common);
      for (const labels of def.preset ?? []) g.set(labels, 0);
      const step = (sign: 1 | -1) => (...args: unknown[]) => {
        const [labels, by] = labelled(args);
        if (labels) g.inc(labels, sign * (by ?? 1));
        else g.inc(sign * (by ?? 1));
      };
      return {
        set: (...args: unknown[]) => {
          if (args.length >= 2) g.set(args[0] as AnyLabels, args[1] as number);
          else g.set(args[0] as number);
        },
        inc: step(1),
        dec: step(-1),
        remove: (labels: AnyLabels) => g.remove(labels),
      };
    }
    case 'histogram': {
      const h = new Histogram({ ...common, buckets: [...def.buckets] });
      // Divide (not multiply by 0.001): 100 ms must become exactly 0.1 s, the le="0.1" boundary.
      const observe = (divisor: number) => (...args: unknown[]) => {
        if (args.length >= 2) h.observe(args[0] as AnyLabels, (args[1] as number) / divisor);
        else h.observe((args[0] as number) / divisor);
      };
      return def.unit === 'seconds' ? { observeMs: observe(1000) } : { observe: observe(1) };
    }
  }
}

function requireLabelValue(name: string, value: string): string {
  if (value.trim() === '') {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `metrics label ${name} must not be empty`, {
      hint: 'every series carries run_id, scenario and instance_role; pass them when creating the registry',
    });
  }
  return value;
}

export function createMetricsRegistry(options: MetricsRegistryOptions): MetricsRegistry {
  const defaultLabels = {
    run_id: requireLabelValue('run_id', options.runId),
    scenario: requireLabelValue('scenario', options.scenario),
    instance_role: requireLabelValue('instance_role', options.instanceRole),
  };
  const registry = new Registry();
  registry.setDefaultLabels(defaultLabels);
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: PROCESS_METRICS_PREFIX });

  const handles = new Map<MetricKey, unknown>();
  const metrics = {} as CatalogMetrics;
  for (const key of METRIC_KEYS) {
    Object.defineProperty(metrics, key, {
      enumerable: true,
      get: () => {
        if (!handles.has(key)) handles.set(key, createHandle(METRICS[key], registry));
        return handles.get(key);
      },
    });
  }
  let runInfo: RunInfo | undefined;

  return {
    metrics,
    get runInfo() {
      runInfo ??= new RunInfo(metrics.runPhaseInfo, metrics.runFaultInfo);
      return runInfo;
    },
    defaultLabels,
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
