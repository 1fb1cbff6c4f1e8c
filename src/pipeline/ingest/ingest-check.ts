import type { DuplicateLedger, SequenceLedger } from '../../base/sequence-ledger.js';
import type { IngestLedger } from './ingest-ledger.js';

/**
 * Invariant I1 for one run: the ingest ledger against what a read_committed read of raw-events
 * found (every sighting, duplicates included). Pure: the caller reads the topic.
 *
 * Holds when every acked identity is present exactly once, no refused identity is present, and
 * nothing is present that was never sent. Failed or unresolved sends found in the topic are
 * allowed and reported (`unackedPresent`): their producer never heard back, so they are neither
 * lost nor delivered in the ledger.
 */
export interface IngestCheck {
  ok: boolean;
  /** Acked identities found (each at least once). */
  ackedPresent: number;
  /** Acked identities not found: lost acknowledged writes. */
  ackedMissing: number;
  /** Sightings beyond the first, over all identities (idempotence should make this 0). */
  duplicateOccurrences: number;
  /** Failed or unresolved sends that are in the topic anyway (allowed; reported). */
  unackedPresent: number;
  /** Refused events that are in the topic (must be 0). */
  refusedPresent: number;
  /** Identities in the topic that were never sent (must be 0). */
  unexpected: number;
  /** Records whose value carries no identity (must be 0: every generated record has one). */
  unidentified: number;
  /** Malformed identities present (the processor must route each to the DLQ). */
  malformedPresent: number;
  /** A few ids per problem, for the failure message. */
  samples: { missing: string[]; duplicated: string[]; unexpected: string[]; refusedPresent: string[] };
}

const SAMPLE_SIZE = 5;

const sample = (ledger: SequenceLedger): string[] => [...ledger.ids(SAMPLE_SIZE)];

export function checkIngest(ledger: IngestLedger, observed: DuplicateLedger, unidentified = 0): IngestCheck {
  const seen = observed.seen;
  const missing = ledger.acked.difference(seen);
  const unexpected = seen.difference(ledger.sent);
  const refusedPresent = ledger.refused.intersection(seen);
  const ackedMissing = missing.count;
  const result: IngestCheck = {
    ok: false,
    ackedPresent: ledger.acked.count - ackedMissing,
    ackedMissing,
    duplicateOccurrences: observed.extraOccurrences,
    unackedPresent: ledger.maybePresent().intersection(seen).count,
    refusedPresent: refusedPresent.count,
    unexpected: unexpected.count,
    unidentified,
    malformedPresent: ledger.malformed.intersection(seen).count,
    samples: {
      missing: sample(missing),
      duplicated: sample(observed.repeated),
      unexpected: sample(unexpected),
      refusedPresent: sample(refusedPresent),
    },
  };
  result.ok =
    result.ackedMissing === 0 && result.duplicateOccurrences === 0 && result.refusedPresent === 0 && result.unexpected === 0 && result.unidentified === 0;
  return result;
}
