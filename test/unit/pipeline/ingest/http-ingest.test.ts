import { describe, expect, it } from 'vitest';
import { httpLedgerCallbacks } from '../../../../src/pipeline/ingest/http-ingest.js';
import { IngestLedger } from '../../../../src/pipeline/ingest/ingest-ledger.js';
import type { AnalyticsEvent } from '../../../../src/workload/event.js';

const events = (...seqs: number[]) => seqs.map((seq) => ({ generatorId: 'h', seq }) as AnalyticsEvent);

describe('httpLedgerCallbacks', () => {
  it('maps driver outcomes onto the ledger: certainly-absent reasons are refused, unknown ones failed', () => {
    const ledger = new IngestLedger();
    const callbacks = httpLedgerCallbacks(ledger);
    callbacks.onAccepted(events(0, 1), true);
    callbacks.onMalformedRejected?.([{ generatorId: 'h', seq: 2 }]);
    callbacks.onUnacknowledged?.(events(3), 'rejected');
    callbacks.onUnacknowledged?.(events(4), 'backpressured');
    callbacks.onUnacknowledged?.(events(5), 'not-sent');
    callbacks.onUnacknowledged?.(events(6), 'failed');
    callbacks.onUnacknowledged?.(events(7), 'no-response');
    expect([...ledger.acked.ids()]).toEqual(['h:0', 'h:1']);
    expect([...ledger.refused.ids()]).toEqual(['h:2', 'h:3', 'h:4', 'h:5']);
    expect([...ledger.failed.ids()]).toEqual(['h:6', 'h:7']);
    expect([...ledger.malformed.ids()]).toEqual(['h:2']);
    expect(ledger.counts()).toMatchObject({ sent: 8, unresolved: 0, outcomeConflicts: 0 });
  });
});
