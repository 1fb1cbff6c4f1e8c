import type { CounterDef, GaugeDef, HistogramDef } from './catalog.js';

/**
 * Typed handles for catalog metrics. A metric without extra labels takes none; a metric with
 * labels requires all of them on every call (prom-client would silently accept a partial set
 * and create a series that no dashboard selects).
 */
export type LabelValues<L extends string> = { readonly [K in L]: string | number };

type Unlabelled<L extends string> = [L] extends [never] ? true : false;

export type CounterHandle<L extends string> =
  Unlabelled<L> extends true ? { inc(by?: number): void } : { inc(labels: LabelValues<L>, by?: number): void };

export type GaugeHandle<L extends string> =
  Unlabelled<L> extends true
    ? { set(value: number): void; inc(by?: number): void; dec(by?: number): void }
    : {
        set(labels: LabelValues<L>, value: number): void;
        inc(labels: LabelValues<L>, by?: number): void;
        dec(labels: LabelValues<L>, by?: number): void;
        /** Drops the series (e.g. a partition no longer assigned to this process). */
        remove(labels: LabelValues<L>): void;
      };

/** A histogram in its catalog unit (e.g. records per batch). */
export type HistogramHandle<L extends string> =
  Unlabelled<L> extends true ? { observe(value: number): void } : { observe(labels: LabelValues<L>, value: number): void };

/** A duration histogram: exported in seconds, recorded in ms (what the Clock returns). */
export type DurationHandle<L extends string> =
  Unlabelled<L> extends true ? { observeMs(ms: number): void } : { observeMs(labels: LabelValues<L>, ms: number): void };

export type HandleFor<D> =
  D extends CounterDef<infer L>
    ? CounterHandle<L>
    : D extends GaugeDef<infer L>
      ? GaugeHandle<L>
      : D extends HistogramDef<infer L, 'seconds'>
        ? DurationHandle<L>
        : D extends HistogramDef<infer L, 'records'>
          ? HistogramHandle<L>
          : never;
