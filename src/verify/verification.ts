import { DEFAULT_EXAMPLE_LIMIT, ExampleList, positionText } from './examples.js';
import { ExpectedAccumulator, type RawRecord } from './expected-stream.js';
import { evaluateDelivery, evaluateIngest, evaluateProcessing, type IngestEvidence } from './invariants.js';
import { Pinpointer, type PinpointFindings } from './pinpoint.js';
import { parseDlqValue, parseLateValue } from './records.js';
import { ResultLedger, type ResultRecord } from './result-ledger.js';
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
  ledger: IngestEvidence;
  /** false: I3 is not checked (and says so). */
  delivery: boolean;
  pinpoint?: PinpointFindings;
}

export class Verification {
  readonly expected: ExpectedAccumulator;
  readonly results: ResultLedger;
  readonly limit: number;
  private readonly invalidSink: ExampleList;
  private analysisCache: WindowAnalysis | null = null;

  constructor(options: { windowMs: number; exampleLimit?: number }) {
    this.limit = options.exampleLimit ?? DEFAULT_EXAMPLE_LIMIT;
    this.expected = new ExpectedAccumulator({ windowMs: options.windowMs, exampleLimit: this.limit });
    this.results = new ResultLedger({ exampleLimit: this.limit, windowMs: options.windowMs });
    this.invalidSink = new ExampleList(this.limit);
  }

  addLate(record: SourceTopicRecord): void {
    try {
      const late = parseLateValue(record.value ?? 'null');
      this.expected.addLate({ generatorId: late.generatorId, seq: late.seq, sourcePartition: late.sourcePartition, sourceOffset: late.sourceOffset });
    } catch (error) {
      this.invalidSinkRecord('late-events', record, error);
    }
  }

  addDlq(record: SourceTopicRecord): void {
    try {
      const dlq = parseDlqValue(record.value ?? 'null');
      this.expected.addDlq({ generatorId: dlq.generatorId, seq: dlq.seq, sourcePartition: dlq.sourcePartition, sourceOffset: dlq.sourceOffset, reasonCode: dlq.reasonCode });
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
    this.analysisCache ??= analyseWindows(this.expected.recomputation, this.results.committedResults());
    return this.analysisCache;
  }

  /** A second-pass helper naming the events behind window-level violations; null when there are none. */
  pinpointer(): Pinpointer | null {
    const pinpointer = new Pinpointer(this.analysis(), this.expected.recomputation, this.limit);
    return pinpointer.active ? pinpointer : null;
  }

  verdict(options: VerdictOptions): VerifierVerdict {
    const recomputation = this.expected.recomputation;
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
          results: this.results.results(),
          stats: this.expected.stats,
          invalidSinkRecords: { count: this.invalidSink.total, examples: this.invalidSink.items },
          unjustifiedDlq: { count: this.expected.unjustifiedDlq.total, examples: this.expected.unjustifiedDlq.items },
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
