import { SequenceLedger } from '../../base/sequence-ledger.js';

/**
 * The ingest ledger (invariant I1's evidence): what became of every event identity
 * (generatorId, seq) the workload handed to a transport. One bit per seq per state, in
 * SequenceLedger bitmaps, never a Set of id strings.
 *
 * States of one identity, at most one outcome each:
 *  - acked: the broker acknowledged it (Kafka ack, or a 2xx from the collector): it must be in
 *    raw-events exactly once;
 *  - failed: the send was answered with an error, or never answered (the collector's 5xx or a
 *    timeout): unacknowledged, may or may not be in raw-events; reported apart, never counted
 *    as lost or delivered;
 *  - refused: refused before anything was produced (HTTP 4xx, backpressure 503, never sent):
 *    must be absent from raw-events;
 *  - unresolved: sent but without any answer when the run ended (drain timed out): like failed.
 * Independently, `malformed` lists identities sent malformed on purpose: those that reached
 * raw-events must end in the DLQ (I2).
 */
export interface IngestCounts {
  /** Identities handed to the transport (the union of the outcome states and unresolved ones). */
  sent: number;
  acked: number;
  failed: number;
  refused: number;
  /** Sent, with no outcome recorded (neither acked, failed nor refused). */
  unresolved: number;
  malformed: number;
  /** Malformed and acked: in raw-events, so the processor must route them to the DLQ. */
  malformedAcked: number;
  /** Outcomes recorded for an identity that already had a different one (a harness bug if > 0). */
  outcomeConflicts: number;
}

export interface GeneratorIngestCounts extends IngestCounts {
  generatorId: string;
}

type Outcome = 'acked' | 'failed' | 'refused';

export class IngestLedger {
  readonly sent = new SequenceLedger();
  readonly acked = new SequenceLedger();
  readonly failed = new SequenceLedger();
  readonly refused = new SequenceLedger();
  readonly malformed = new SequenceLedger();
  private readonly conflictsByGenerator = new Map<string, number>();

  /** The identity is going to the transport now; `malformed` when it was generated broken on purpose. */
  recordSent(generatorId: string, seq: number, malformed = false): void {
    this.sent.add(generatorId, seq);
    if (malformed) this.malformed.add(generatorId, seq);
  }

  recordMalformed(generatorId: string, seq: number): void {
    this.malformed.add(generatorId, seq);
  }

  recordAcked(generatorId: string, seq: number): void {
    this.recordOutcome('acked', generatorId, seq);
  }

  recordFailed(generatorId: string, seq: number): void {
    this.recordOutcome('failed', generatorId, seq);
  }

  recordRefused(generatorId: string, seq: number): void {
    this.recordOutcome('refused', generatorId, seq);
  }

  /** Sent without an outcome. */
  unresolved(): SequenceLedger {
    return this.sent.difference(this.acked).difference(this.failed).difference(this.refused);
  }

  /** Unacknowledged but possibly in raw-events: failed or unresolved. */
  maybePresent(): SequenceLedger {
    return this.failed.union(this.unresolved());
  }

  counts(): IngestCounts {
    return {
      sent: this.sent.count,
      acked: this.acked.count,
      failed: this.failed.count,
      refused: this.refused.count,
      unresolved: this.unresolved().count,
      malformed: this.malformed.count,
      malformedAcked: this.malformed.intersection(this.acked).count,
      outcomeConflicts: [...this.conflictsByGenerator.values()].reduce((a, b) => a + b, 0),
    };
  }

  /** Counts per generator, sorted by generator id. */
  perGenerator(): GeneratorIngestCounts[] {
    return this.sent.generators().map((generatorId) => {
      const only = (ledger: SequenceLedger): number => ledger.countFor(generatorId);
      const sent = only(this.sent);
      const acked = only(this.acked);
      const failed = only(this.failed);
      const refused = only(this.refused);
      const malformedBits = this.malformed.bitmapFor(generatorId);
      const ackedBits = this.acked.bitmapFor(generatorId);
      return {
        generatorId,
        sent,
        acked,
        failed,
        refused,
        // Outcomes are exclusive (a conflicting second one is only counted) and each implies sent.
        unresolved: sent - acked - failed - refused,
        malformed: malformedBits?.count ?? 0,
        malformedAcked: malformedBits && ackedBits ? malformedBits.intersection(ackedBits).count : 0,
        outcomeConflicts: this.conflictsByGenerator.get(generatorId) ?? 0,
      };
    });
  }

  /** Memory held by the bitmaps. */
  get byteLength(): number {
    return this.sent.byteLength + this.acked.byteLength + this.failed.byteLength + this.refused.byteLength + this.malformed.byteLength;
  }

  private recordOutcome(outcome: Outcome, generatorId: string, seq: number): void {
    this.sent.add(generatorId, seq);
    const target = outcome === 'acked' ? this.acked : outcome === 'failed' ? this.failed : this.refused;
    const conflicting =
      (outcome !== 'acked' && this.acked.has(generatorId, seq)) ||
      (outcome !== 'failed' && this.failed.has(generatorId, seq)) ||
      (outcome !== 'refused' && this.refused.has(generatorId, seq));
    // Keep the first outcome: a second, different one is a transport or harness bug, counted, not hidden.
    if (conflicting) this.conflictsByGenerator.set(generatorId, (this.conflictsByGenerator.get(generatorId) ?? 0) + 1);
    else target.add(generatorId, seq);
  }
}
