import { gzipSync } from 'node:zlib';

/**
 * What production Firehose would have done with the records a run delivered, and what the
 * emulator actually did. Emulators write one uncompressed object per PutRecordBatch call at
 * once; production buffers (5 MiB or 300 s, whichever first) and gzips. Capacity reports use
 * the model; run reports show both, so nobody mistakes emulator objects for production ones.
 *
 * Model of one Firehose buffer (per delivery stream):
 *  - a buffer opens with its first record; its interval clock starts then;
 *  - a record arriving at or after open + interval finds the buffer already flushed (interval
 *    trigger, at open + interval) and opens the next one;
 *  - a record that brings the buffer to ≥ sizeBytes flushes it at once with that record (size
 *    trigger); records are never split across objects;
 *  - after the last record, the open buffer flushes when its interval ends.
 */

export interface BufferingHints {
  sizeBytes: number;
  intervalS: number;
}

/** Production hints: SizeInMBs 5 (Firehose counts MiB), IntervalInSeconds 300. */
export const PRODUCTION_BUFFERING: Readonly<BufferingHints> = { sizeBytes: 5 * 1024 * 1024, intervalS: 300 };

export interface DeliveredRecordSample {
  /** Bytes as delivered (framed: the record and its '\n'). */
  sizeBytes: number;
  /** Epoch ms when Firehose accepted it. */
  atMs: number;
}

export interface ModelledFlush {
  trigger: 'size' | 'interval';
  openedAtMs: number;
  flushedAtMs: number;
  records: number;
  rawBytes: number;
  gzipBytes: number;
}

export interface Spread {
  mean: number;
  max: number;
}

export interface LatencySummaryMs {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface BufferingModel {
  hints: BufferingHints;
  /** Compressed / raw bytes assumed for gzip. */
  gzipRatio: number;
  records: number;
  rawBytes: number;
  objects: number;
  sizeTriggered: number;
  intervalTriggered: number;
  /** First record accepted → last modelled flush. */
  spanMs: number;
  /** objects / span; null when the span is 0. */
  objectsPerHour: number | null;
  objectRawBytes: Spread | null;
  objectGzipBytes: Spread | null;
  /** Time each record waits in the buffer (accepted → its object written). */
  addedLatencyMs: LatencySummaryMs | null;
  flushes: ModelledFlush[];
}

const HOUR_MS = 3_600_000;

export function modelFirehoseBuffering(
  samples: readonly DeliveredRecordSample[],
  options: { hints?: BufferingHints; gzipRatio: number },
): BufferingModel {
  const hints = options.hints ?? PRODUCTION_BUFFERING;
  if (!(options.gzipRatio > 0)) throw new RangeError(`gzipRatio must be > 0, got ${options.gzipRatio}`);
  if (!(hints.sizeBytes > 0) || !(hints.intervalS > 0)) throw new RangeError('buffering hints must be > 0');
  const intervalMs = hints.intervalS * 1000;
  const ordered = [...samples].sort((a, b) => a.atMs - b.atMs); // stable: equal times keep input order

  const flushes: ModelledFlush[] = [];
  const latencies: number[] = [];
  let openArrivals: number[] = [];
  let openedAtMs = 0;
  let openBytes = 0;
  const flush = (flushedAtMs: number, trigger: ModelledFlush['trigger']) => {
    for (const arrival of openArrivals) latencies.push(flushedAtMs - arrival);
    flushes.push({
      trigger,
      openedAtMs,
      flushedAtMs,
      records: openArrivals.length,
      rawBytes: openBytes,
      gzipBytes: Math.round(openBytes * options.gzipRatio),
    });
    openArrivals = [];
    openBytes = 0;
  };

  let rawBytes = 0;
  for (const sample of ordered) {
    rawBytes += sample.sizeBytes;
    if (openArrivals.length > 0 && sample.atMs >= openedAtMs + intervalMs) flush(openedAtMs + intervalMs, 'interval');
    if (openArrivals.length === 0) openedAtMs = sample.atMs;
    openArrivals.push(sample.atMs);
    openBytes += sample.sizeBytes;
    if (openBytes >= hints.sizeBytes) flush(sample.atMs, 'size');
  }
  if (openArrivals.length > 0) flush(openedAtMs + intervalMs, 'interval');

  const first = ordered[0];
  const last = flushes[flushes.length - 1];
  const spanMs = first && last ? last.flushedAtMs - first.atMs : 0;
  return {
    hints: { ...hints },
    gzipRatio: options.gzipRatio,
    records: ordered.length,
    rawBytes,
    objects: flushes.length,
    sizeTriggered: flushes.filter((f) => f.trigger === 'size').length,
    intervalTriggered: flushes.filter((f) => f.trigger === 'interval').length,
    spanMs,
    objectsPerHour: spanMs > 0 ? (flushes.length * HOUR_MS) / spanMs : null,
    objectRawBytes: spread(flushes.map((f) => f.rawBytes)),
    objectGzipBytes: spread(flushes.map((f) => f.gzipBytes)),
    addedLatencyMs: summarise(latencies),
    flushes,
  };
}

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  let sum = 0;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return { mean: sum / values.length, max };
}

/** Exact nearest-rank percentiles. */
function summarise(values: number[]): LatencySummaryMs | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return { p50: rank(50), p99: rank(99), max: sorted[sorted.length - 1] as number, mean: total / sorted.length };
}

/**
 * Gzip ratio (compressed / raw) of a sample of records framed as one NDJSON object, which is what
 * Firehose compresses. Deterministic for a given sample.
 */
export function measureGzipRatio(records: readonly Uint8Array[]): number {
  const raw = Buffer.concat(records.flatMap((r) => [r, Buffer.from('\n')]));
  if (raw.length === 0) throw new RangeError('cannot measure a gzip ratio on an empty sample');
  return gzipSync(raw).length / raw.length;
}

export interface ObservedObject {
  /** Stored bytes (as listed in S3). */
  sizeBytes: number;
  /** Bytes after gunzip (equal to sizeBytes when uncompressed). */
  rawBytes: number;
  recordCount: number;
  compressed: boolean;
}

export interface ObservedDelivery {
  objects: number;
  records: number;
  recordsPerObject: { mean: number; min: number; max: number } | null;
  storedBytes: { total: number; mean: number; max: number } | null;
  rawBytes: number;
  compression: 'none' | 'gzip' | 'mixed' | 'no-objects';
  /** stored / raw over gzip objects; null without any. */
  observedGzipRatio: number | null;
  /** objects / PutRecordBatch calls when the call count is known: 1 means one object per call (emulator). */
  objectsPerPutCall: number | null;
}

/** What the endpoint actually did with a run's records. */
export function describeObservedDelivery(objects: Iterable<ObservedObject>, putCalls?: number): ObservedDelivery {
  // One pass, no spread into Math.min/max: a run can have tens of thousands of objects.
  let count = 0;
  let records = 0;
  let stored = 0;
  let raw = 0;
  let minRecords = Infinity;
  let maxRecords = 0;
  let maxStored = 0;
  let gzipCount = 0;
  let gzipStored = 0;
  let gzipRaw = 0;
  for (const o of objects) {
    count += 1;
    records += o.recordCount;
    stored += o.sizeBytes;
    raw += o.rawBytes;
    minRecords = Math.min(minRecords, o.recordCount);
    maxRecords = Math.max(maxRecords, o.recordCount);
    maxStored = Math.max(maxStored, o.sizeBytes);
    if (o.compressed) {
      gzipCount += 1;
      gzipStored += o.sizeBytes;
      gzipRaw += o.rawBytes;
    }
  }
  const compression = count === 0 ? 'no-objects' : gzipCount === 0 ? 'none' : gzipCount === count ? 'gzip' : 'mixed';
  return {
    objects: count,
    records,
    recordsPerObject: count === 0 ? null : { mean: records / count, min: minRecords, max: maxRecords },
    storedBytes: count === 0 ? null : { total: stored, mean: stored / count, max: maxStored },
    rawBytes: raw,
    compression,
    observedGzipRatio: gzipRaw > 0 ? gzipStored / gzipRaw : null,
    objectsPerPutCall: putCalls !== undefined && putCalls > 0 ? count / putCalls : null,
  };
}
