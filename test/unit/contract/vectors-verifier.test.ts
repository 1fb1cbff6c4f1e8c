import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../../../src/contract/window-result.js';
import { SequenceLedger } from '../../../src/base/sequence-ledger.js';
import { isEndOfInput } from '../../../src/verify/control.js';
import { decodeRawValue } from '../../../src/verify/expected-stream.js';
import { Fingerprint } from '../../../src/verify/fingerprint.js';
import type { VerifierVerdict } from '../../../src/verify/verdict.js';
import { Verification } from '../../../src/verify/verification.js';
import { loadVectors, type Vector } from './vectors.js';

/**
 * The verifier's pure logic against the contract's vectors: the expected outputs of every vector
 * must be accepted with no I2 violation, and each kind of mutation of them must be reported.
 * The ingest ledger is every identity the raw records carry (the vectors have no producer), so
 * I1 may only report the records that carry none (`unidentified`).
 */

type Outputs = Vector['expected'];

function clone(outputs: Outputs): Outputs {
  return JSON.parse(JSON.stringify(outputs)) as Outputs;
}

function verify(vector: Vector, outputs: Outputs): VerifierVerdict {
  const verification = new Verification({ windowMs: vector.config.windowMs });
  const at = (i: number) => ({ partition: 0, offset: i });
  outputs.late.forEach((late, i) => verification.addLate({ key: late.key, value: JSON.stringify({ reason: 'vector', ...late.value }), ...at(i) }));
  outputs.dlq.forEach((dlq, i) => verification.addDlq({ key: dlq.key, value: JSON.stringify({ reason: 'vector', ...dlq.value }), ...at(i) }));
  const acked = new SequenceLedger();
  for (const record of vector.records) {
    verification.addRaw(record);
    const identity = record.value === null ? null : decodeRawValue(record.value).identity;
    if (identity) acked.add(identity.generatorId, identity.seq);
  }
  outputs.results.forEach((result, i) => verification.addCommittedResult({ key: result.key, value: JSON.stringify(result), ...at(i) }));
  return verification.verdict({ ledger: { acked }, delivery: false });
}

function violations(verdict: VerifierVerdict, id: 'I1' | 'I2'): Record<string, number> {
  const found = verdict.invariants.find((inv) => inv.id === id);
  const out: Record<string, number> = {};
  for (const kind of found?.violationKinds ?? []) if ((found?.counts[kind] ?? 0) > 0) out[kind] = found?.counts[kind] as number;
  return out;
}

/** The valid, on-time events a result counts, as the vector's raw records hold them (its key and events). */
function countedEvent(vector: Vector, result: WindowResult) {
  for (const record of vector.records) {
    if (record.value === null) continue;
    const { event } = decodeRawValue(record.value);
    if (!event || record.key !== event.userId || event.userId !== result.userId) continue;
    if (event.eventTime < result.windowStartMs || event.eventTime >= result.windowEndMs) continue;
    return { record, event };
  }
  throw new Error(`no event for ${result.key}`);
}

/** Every event a result counts: its window's valid events keyed by their user, not in a sink. */
function countedEvents(vector: Vector, outputs: Outputs, result: WindowResult) {
  const diverted = new Set([...outputs.late, ...outputs.dlq].map((r) => `${r.value.sourcePartition}@${r.value.sourceOffset}`));
  return vector.records.flatMap((record) => {
    if (record.value === null || diverted.has(`${record.partition}@${record.offset}`)) return [];
    const { event } = decodeRawValue(record.value);
    const inWindow = event && record.key === event.userId && event.userId === result.userId && event.eventTime >= result.windowStartMs && event.eventTime < result.windowEndMs;
    return inWindow ? [event] : [];
  });
}

/** The final result of a key with at least two events (so one can be taken out). */
function roomyResult(outputs: Outputs): WindowResult | undefined {
  const finals = outputs.results.filter((r) => !outputs.results.some((o) => o.key === r.key && o.revision > r.revision));
  return finals.find((r) => r.count >= 2 && r.revision === 0);
}

describe('contract vectors: verifier', () => {
  const vectors = loadVectors();

  for (const vector of vectors) {
    describe(vector.name, () => {
      // Records that are neither an end-of-input record nor carry an identity: I1 reports them.
      const unidentified = vector.records.filter((r) => !isEndOfInput(r.key, r.value) && (r.value === null || decodeRawValue(r.value).identity === null)).length;

      it('accepts the expected outputs', () => {
        const verdict = verify(vector, vector.expected);
        expect(violations(verdict, 'I2')).toEqual({});
        expect(violations(verdict, 'I1')).toEqual(unidentified > 0 ? { unidentified } : {});
      });

      it('reports a result whose count is off by one', () => {
        const outputs = clone(vector.expected);
        const first = outputs.results[0] as WindowResult;
        first.count += 1;
        const final = !outputs.results.some((r) => r.key === first.key && r.revision > first.revision);
        // A final result is checked field by field (its count is wrong); a superseded one for
        // consistency (and its count may now equal the next revision's: revisionsUnexplained too).
        const found = violations(verify(vector, outputs), 'I2');
        if (final) expect(found).toEqual({ valueMismatches: 1 });
        else expect(found).toMatchObject({ inconsistentResults: 1 });
      });

      it('reports a missing result', () => {
        const outputs = clone(vector.expected);
        const key = (outputs.results[0] as WindowResult).key;
        outputs.results = outputs.results.filter((r) => r.key !== key);
        expect(violations(verify(vector, outputs), 'I2').missing).toBeGreaterThan(0);
      });

      it('reports a counted event that is also in the DLQ', () => {
        const outputs = clone(vector.expected);
        const { record, event } = countedEvent(vector, outputs.results[0] as WindowResult);
        // A reason a valid event can have: only the double accounting is wrong.
        outputs.dlq.push({ key: record.key ?? '', value: { schemaVersion: 1, reasonCode: 'partition-changed', sourcePartition: record.partition, sourceOffset: String(record.offset), generatorId: event.generatorId, seq: event.seq, raw: record.value } });
        const { unjustifiedDlq, ...found } = violations(verify(vector, outputs), 'I2');
        // `multiple` when the window diverted nothing else; with other diverted events in the window
        // the result matches no explanation (docs/verification.md, Limits): `miscounted`.
        expect(Object.keys(found)).toHaveLength(1);
        expect(found.multiple ?? found.miscounted).toBe(1);
        // And the reason is refuted by the log: the window counts no event from another partition.
        expect(unjustifiedDlq).toBe(1);
      });

      it('reports a valid event moved from its result to the DLQ as invalid', () => {
        const outputs = clone(vector.expected);
        const result = roomyResult(outputs);
        if (!result) return; // every final result of this vector counts one event
        const { record, event } = countedEvent(vector, result);
        // The window's result re-derived without the event, every field consistent with what is left.
        const rest = countedEvents(vector, outputs, result).filter((e) => e.eventId !== event.eventId);
        result.count -= 1;
        result.countsByType[event.type] -= 1;
        if (event.value !== null) result.revenueCents -= Math.round(event.value * 100);
        result.distinctSessions = new Set(rest.map((e) => e.sessionId)).size;
        result.firstEventTimeMs = Math.min(...rest.map((e) => e.eventTime));
        result.lastEventTimeMs = Math.max(...rest.map((e) => e.eventTime));
        result.maxIntendedAtMs = Math.max(...rest.map((e) => e.intendedAt));
        result.fingerprint = Fingerprint.parse(result.fingerprint).minus(Fingerprint.of([event.eventId])).toJSON();
        outputs.dlq.push({ key: record.key ?? '', value: { schemaVersion: 1, reasonCode: 'invalid-event', sourcePartition: record.partition, sourceOffset: String(record.offset), generatorId: event.generatorId, seq: event.seq, raw: record.value } });
        expect(violations(verify(vector, outputs), 'I2')).toEqual({ unjustifiedDlq: 1 });
      });

      it('reports a dropped late or DLQ record', () => {
        const outputs = clone(vector.expected);
        if (outputs.late.length > 0) outputs.late.pop();
        else if (outputs.dlq.length > 0) outputs.dlq.pop();
        else return;
        const found = violations(verify(vector, outputs), 'I2');
        // An invalid record is then in no place (`missing`); a valid event's window result lacks it (`miscounted`).
        expect(Object.keys(found)).toHaveLength(1);
        expect(found.missing ?? found.miscounted).toBe(1);
      });
    });
  }
});
