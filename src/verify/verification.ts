import { DEFAULT_EXAMPLE_LIMIT, ExampleList, positionText } from './examples.js';
import { ExpectedAccumulator, type RawRecord } from './expected-stream.js';
import { evaluateDelivery, evaluateIngest, evaluateProcessing, type IngestEvidence } from './invariants.js';
import { Pinpointer, type PinpointFindings } from './pinpoint.js';
import { parseDlqValue, parseLateValue } from './records.js';
import { Fingerprint } from './fingerprint.js';
import type { WindowResultLike } from './recompute.js';
import { ResultLedger, type ResultRecord } from './result-ledger.js';
import { checkFinalValues, type ValueFindings } from './values.js';
import type { KnownSettings } from './settings.js';
import { assembleVerdict, type VerifierVerdict } from './verdict.js';
import { analyseWindows, type WindowAnalysis } from './window-analysis.js';

/**
 * One verification, pure: records go in as the topics and S3 hand them over, a verdict comes
 * out. verifier.ts feeds it from Kafka and S3; tests and the bench feed it from memory.
 *
 * Order matters once: every late-events and DLQ record before the first raw-events record (each
 * raw record is classified against the sinks as it streams by). processed-events and S3 may come
 * at any point before `verdict()`.
 */

/** A topic record as the Kafka reader hands it over. */
export interface SourceTopicRecord extends RawRecord {
  topic?: string;
}

/** One S3 object: its key, whether it ended with '\n', its NDJSON lines. */
export interface DeliveredObjectInput {
  key: string;
  terminated: boolean;
  records: readonly (Uint8Array | string)[];
}

export interface VerdictOptions {
  /** null: no ingest ledger (a re-verification without the ledger file): I1 checks what raw-events alone shows. */
  ledger: IngestEvidence | null;
  /** false: I3 is not checked (and says so). */
  delivery: boolean;
  pinpoint?: PinpointFindings;
}

export type { KnownSettings };

export interface VerificationOptions {
  windowMs: number;
  exampleLimit?: number;
  settings?: KnownSettings;
  /** The processor emits no fingerprints: I2 decides by the recomputed values alone (weaker pinpointing). */
  valuesOnly?: boolean;
}

export class Verification {
  readonly expected: ExpectedAccumulator;
  readonly results: ResultLedger;
  readonly limit: number;
  readonly windowMs: number;
  readonly settings: KnownSettings;
  readonly valuesOnly: boolean;
  private readonly invalidSink: ExampleList;
  private analysisCache: WindowAnalysis | null = null;

  constructor(options: VerificationOptions) {
    this.limit = options.exampleLimit ?? DEFAULT_EXAMPLE_LIMIT;
    this.windowMs = options.windowMs;
    this.settings = options.settings ?? {};
    this.valuesOnly = options.valuesOnly ?? false;
    this.expected = new ExpectedAccumulator({ windowMs: options.windowMs, exampleLimit: this.limit, settings: this.settings });
    this.results = new ResultLedger({ exampleLimit: this.limit, windowMs: options.windowMs, valuesOnly: this.valuesOnly });
    this.invalidSink = new ExampleList(this.limit);
  }

  addLate(record: SourceTopicRecord): void {
    try {
      const late = parseLateValue(record.value ?? 'null');
      this.expected.addLate({ generatorId: late.generatorId, seq: late.seq, sourcePartition: late.sourcePartition, sourceOffset: late.sourceOffset, late });
    } catch (error) {
      this.invalidSinkRecord('late-events', record, error);
    }
  }

  addDlq(record: SourceTopicRecord): void {
    try {
      const dlq = parseDlqValue(record.value ?? 'null');
      this.expected.addDlq({ generatorId: dlq.generatorId, seq: dlq.seq, sourcePartition: dlq.sourcePartition, sourceOffset: dlq.sourceOffset, reasonCode: dlq.reasonCode, dlq });
    } catch (error) {
      this.invalidSinkRecord('dlq', record, error);
    }
  }

  addRaw(record: RawRecord): void {
    this.analysisCache = null;
    this.expected.addRaw(record);
  }

  addCommittedResult(record: ResultRecord): void {
    this.analysisCache = null;
    this.results.addCommitted(record);
  }

  addUncommittedResult(record: ResultRecord): void {
    this.results.addUncommitted(record);
  }

  addDeliveredObject(object: DeliveredObjectInput): void {
    this.results.addDeliveredObject(object.terminated);
    object.records.forEach((line, index) => this.results.addDelivered(line, `${object.key}#${index + 1}`));
  }

  /** The window-level reading of I2 (computed once the records are in). */
  analysis(): WindowAnalysis {
    this.analysisCache ??= analyseWindows(this.expected.recomputation, this.comparable());
    return this.analysisCache;
  }

  /** Every final result's fields against the recomputed values (values.ts). */
  values(): ValueFindings {
    const matched = new Set(this.analysis().comparison.matched);
    const expected = this.expected.recomputation.expected;
    const settings = { windowMs: this.windowMs, ...this.settings };
    return checkFinalValues(this.results.finalResults(), (key) => expected.get(key), matched, settings, this.expected.maxEventTimeMs, this.limit);
  }

  /**
   * Committed results as the fingerprint comparison reads them. A result without fingerprint
   * (values-only mode) stands for its window's expected events when its count is theirs — its
   * values are then compared field by field — and for some other events otherwise (a fingerprint
   * that cannot match: the window is miscounted, with no event to name).
   */
  private *comparable(): Generator<WindowResultLike> {
    const expected = this.expected.recomputation.expected;
    for (const v of this.results.committedVariants()) {
      if (v.fingerprint) {
        yield { key: v.key, revision: v.revision, fingerprint: v.fingerprint.toJSON() };
        continue;
      }
      const wanted = expected.get(v.key);
      const stand = wanted && wanted.count === v.result.count ? wanted : new Fingerprint(v.result.count, (wanted?.hashHi ?? 0) ^ 0x80000000, wanted?.hashLo ?? 0);
      yield { key: v.key, revision: v.revision, fingerprint: stand.toJSON() };
    }
  }

  /** A second-pass helper naming the events behind window-level violations; null when there are none. */
  pinpointer(): Pinpointer | null {
    const pinpointer = new Pinpointer(this.analysis(), this.expected.recomputation, this.limit);
    return pinpointer.active ? pinpointer : null;
  }

  verdict(options: VerdictOptions): VerifierVerdict {
    const recomputation = this.expected.recomputation;
    const matched = new Set(this.analysis().comparison.matched);
    return assembleVerdict([
      evaluateIngest(
        options.ledger,
        {
          occurrences: recomputation.ledgers.raw,
          stats: this.expected.stats,
          duplicateExamples: this.expected.duplicateExamples.items,
          unidentifiedExamples: this.expected.unidentifiedExamples.items,
        },
        this.limit,
      ),
      evaluateProcessing(
        {
          recomputation,
          analysis: this.analysis(),
          results: this.results.results((key) => matched.has(key)),
          stats: this.expected.stats,
          invalidSinkRecords: { count: this.invalidSink.total, examples: this.invalidSink.items },
          unjustifiedDlq: { count: this.expected.unjustifiedDlq.total, examples: this.expected.unjustifiedDlq.items },
          unjustifiedLate: { count: this.expected.unjustifiedLate.total, examples: this.expected.unjustifiedLate.items },
          values: this.values(),
          valuesOnly: this.valuesOnly,
          ...(options.pinpoint ? { pinpoint: options.pinpoint } : {}),
        },
        this.limit,
      ),
      evaluateDelivery(options.delivery ? this.results.delivery() : null, this.limit),
    ]);
  }

  /** Bytes held by the sequence bitmaps (the part of the state that grows with events). */
  get bitmapBytes(): number {
    const { raw, late, dlq } = this.expected.recomputation.ledgers;
    return raw.byteLength + late.byteLength + dlq.byteLength;
  }

  get windows(): number {
    return this.expected.recomputation.expected.size;
  }

  private invalidSinkRecord(topic: string, record: SourceTopicRecord, error: unknown): void {
    this.invalidSink.add(() => `${record.topic ?? topic} ${positionText(record.partition, record.offset)}: ${(error as Error).message.slice(0, 160)}`);
  }
}
