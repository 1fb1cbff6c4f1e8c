import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WindowResult } from '../../../src/pipeline/processor/aggregate.js';
import { encodeLateValue } from '../../../src/pipeline/processor/outputs.js';
import { parseLateValue } from '../../../src/verify/records.js';
import { windowKey, windowStartMs } from '../../../src/pipeline/processor/windows.js';
import type { StackEndpoints } from '../../../src/base/endpoints.js';
import type { Topology } from '../../../src/contract/topology.js';
import { Fingerprint } from '../../../src/verify/fingerprint.js';
import type { IngestEvidence } from '../../../src/verify/invariants.js';
import { SequenceLedger } from '../../../src/base/sequence-ledger.js';
import { describeVerdict, type VerifierVerdict } from '../../../src/verify/verdict.js';
import { verifyRun } from '../../../src/verify/verifier.js';
import type { AnalyticsEvent } from '../../../src/workload/event.js';
import { endpoints } from '../support.js';
import {
  GENERATOR_ID,
  Resources,
  SETTINGS,
  VERIFIER_SETTINGS,
  WINDOW_MS,
  buildCleanRun,
  freshDelivery,
  freshTopic,
  onTimeSeq,
  writeTransaction,
  type CleanRun,
  type ResultRow,
} from './support.js';

/**
 * The verifier's self-test (issue 6): a clean run through the real stack verifies with zero
 * violations; then each kind of defect is planted in a copy of it (a fresh topic or bucket for
 * the layer it touches, the rest of the clean run reused) and the verifier must report exactly
 * that defect, with the right count and an example naming the planted id or key, and nothing else.
 */

const EVENTS = 2_000;
const WITHHELD = onTimeSeq(EVENTS / 2, EVENTS);

/** Non-zero violation counts per invariant: `{}` for a clean run. */
function violationsOf(verdict: VerifierVerdict): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const inv of verdict.invariants) {
    for (const kind of inv.violationKinds) if ((inv.counts[kind] ?? 0) > 0) (out[inv.id] ??= {})[kind] = inv.counts[kind] as number;
  }
  return out;
}

function inv(verdict: VerifierVerdict, id: 'I1' | 'I2' | 'I3') {
  return verdict.invariants.find((i) => i.id === id) as VerifierVerdict['invariants'][number];
}

describe('planted defects against the real stack', () => {
  let stack: StackEndpoints;
  let resources: Resources;
  let run: CleanRun;
  let plain: ResultRow;
  let plainEvents: AnalyticsEvent[];

  const verify = async (layers: { processed?: string; late?: string; dlq?: string; delivery?: Topology['delivery'] } = {}, ledger: IngestEvidence = run.ledger) => {
    const topology = {
      names: {
        ...run.topology.names,
        ...(layers.processed ? { processed: layers.processed } : {}),
        ...(layers.late ? { late: layers.late } : {}),
        ...(layers.dlq ? { dlq: layers.dlq } : {}),
      },
      delivery: layers.delivery ?? run.topology.delivery,
    };
    const report = await verifyRun({ endpoints: stack, topology, ledger, windowMs: WINDOW_MS, settings: VERIFIER_SETTINGS, delivery: true, exampleLimit: 5, readTimeoutMs: 60_000 });
    console.log(describeVerdict(report.verdict).join('\n'));
    expect(report.pendingTransactions).toEqual([]);
    return report.verdict;
  };
  const rawJson = (seq: number) => (run.generated.find((g) => g.kind === 'event' && g.event.seq === seq) as { json: string }).json;
  const committedRows = (rows: ResultRow[], topic: string) => rows.map((r) => ({ topic, key: r.key, value: r.value }));

  beforeAll(async () => {
    stack = await endpoints();
    resources = new Resources(stack);
    run = await buildCleanRun(resources, 'base', { events: EVENTS, withhold: WITHHELD });
    // A window emitted once, with several events and none of them late: defects there stay isolated.
    const lateWindows = new Set(run.lateValues.map((l) => parseLateValue(l.value).windowKey));
    const emissions = (key: string) => run.results.filter((r) => r.key === key).length;
    plain = run.results.find((r) => emissions(r.key) === 1 && r.result.count >= 3 && !lateWindows.has(r.key)) as ResultRow;
    plainEvents = run.generated.flatMap((g) => (g.kind === 'event' && windowKey(g.event.userId, windowStartMs(g.event.eventTime, WINDOW_MS)) === plain.key ? [g.event] : []));
  });
  afterAll(async () => {
    await resources?.cleanup();
  });

  it('verifies the clean run with zero violations', async () => {
    const verdict = await verify();
    expect(violationsOf(verdict)).toEqual({});
    expect(verdict.pass).toBe(true);
    const i2 = inv(verdict, 'I2').counts;
    expect(i2.events).toBe(EVENTS - 1);
    expect(i2.inResults! + i2.late! + i2.dlq!).toBe(EVENTS - 1);
    expect(i2.late).toBeGreaterThan(0);
    expect(i2.dlq).toBeGreaterThan(0);
    expect(i2.abortedResults).toBe(0);
    expect(i2.results).toBeGreaterThan(i2.finalResults!); // some windows were re-emitted (revision 1): updates, not duplicates
    expect(inv(verdict, 'I3').counts).toMatchObject({ finalResults: i2.finalResults, delivered: i2.finalResults, duplicates: 0 });
    expect(plainEvents.length).toBe(plain.result.count);
  });

  it('a dropped event: acked, never in raw-events → I1 lost 1', async () => {
    const acked = run.ledger.acked.union(new SequenceLedger());
    acked.add(GENERATOR_ID, WITHHELD);
    const verdict = await verify({}, { acked, failed: run.ledger.failed, sent: run.ledger.sent.union(acked) });
    expect(violationsOf(verdict)).toEqual({ I1: { lost: 1 } });
    expect(inv(verdict, 'I1').examples).toEqual([`lost: ${GENERATOR_ID}:${WITHHELD}`]);
  });

  it('a duplicated event in raw-events → I1 duplicated 1 (the processor counted both copies)', async () => {
    const seq = onTimeSeq(300, 1_000);
    const dupRun = await buildCleanRun(resources, 'dup', { events: 1_000, duplicate: seq });
    const verdict = await verifyRun({ endpoints: stack, topology: dupRun.topology, ledger: dupRun.ledger, windowMs: WINDOW_MS, settings: VERIFIER_SETTINGS, delivery: true, readTimeoutMs: 60_000 }).then((r) => r.verdict);
    expect(violationsOf(verdict)).toEqual({ I1: { duplicated: 1 } });
    expect(inv(verdict, 'I1').examples).toHaveLength(1);
    expect(inv(verdict, 'I1').examples[0]).toMatch(new RegExp(`^duplicated: ${GENERATOR_ID}:${seq} again at p\\d@\\d+$`));
  });

  it('a result emitted twice → I2 emittedMoreThanOnce 1', async () => {
    const processed = await freshTopic(resources, run, 'processed', 'twice');
    await writeTransaction(stack, 'twice', committedRows(run.results, processed), { commit: [{ topic: processed, key: plain.key, value: plain.value }] });
    const verdict = await verify({ processed });
    expect(violationsOf(verdict)).toEqual({ I2: { emittedMoreThanOnce: 1 } });
    expect(inv(verdict, 'I2').examples).toHaveLength(1);
    expect(inv(verdict, 'I2').examples[0]).toMatch(new RegExp(`^emitted twice: ${plain.key.replace('|', '\\|')} rev 0 again at `));
  });

  it('a wrong count (one event left out of a result) → I2 miscounted 1, naming the event', async () => {
    const dropped = plainEvents[1] as AnalyticsEvent;
    const tampered: WindowResult = {
      ...plain.result,
      count: plain.result.count - 1,
      // The rest of the result agrees with the lower count, so only the fingerprint tells.
      countsByType: { ...plain.result.countsByType, [dropped.type]: plain.result.countsByType[dropped.type] - 1 },
      revenueCents: plain.result.revenueCents - Math.round((dropped.value ?? 0) * 100),
      distinctSessions: Math.min(plain.result.distinctSessions, plain.result.count - 1),
      fingerprint: Fingerprint.parse(plain.result.fingerprint).minus(Fingerprint.of([dropped.eventId])).toJSON(),
    };
    const rows = run.results.map((r) => (r === plain ? { ...r, value: JSON.stringify(tampered) } : r));
    const processed = await freshTopic(resources, run, 'processed', 'count');
    await writeTransaction(stack, 'count', committedRows(rows, processed));
    const delivery = await freshDelivery(resources, 'count', [rows.map((r) => r.value)]); // the sink delivers what was committed
    const verdict = await verify({ processed, delivery });
    expect(violationsOf(verdict)).toEqual({ I2: { miscounted: 1 } });
    expect(inv(verdict, 'I2').counts).toMatchObject({ windowsMismatched: 1, countDelta: 1 });
    expect(inv(verdict, 'I2').examples[0]).toMatch(new RegExp(`^miscounted: ${dropped.eventId} \\(p\\d@\\d+\\) is missing from result ${plain.key.replace('|', '\\|')} rev 0$`));
  });

  it('an aborted transaction\'s result → excluded and counted, not a violation', async () => {
    const bogus = { ...plain.result, revision: 1, count: 999, fingerprint: Fingerprint.of(['bogus:1']).toJSON() };
    const processed = await freshTopic(resources, run, 'processed', 'abort');
    await writeTransaction(stack, 'abort', committedRows(run.results, processed), { abort: [{ topic: processed, key: plain.key, value: JSON.stringify(bogus) }] });
    const verdict = await verify({ processed });
    expect(violationsOf(verdict)).toEqual({});
    expect(inv(verdict, 'I2').counts.abortedResults).toBe(1);
    expect(inv(verdict, 'I2').examples).toHaveLength(1);
    expect(inv(verdict, 'I2').examples[0]).toMatch(new RegExp(`^aborted \\(excluded, not a violation\\): ${plain.key.replace('|', '\\|')} rev 1 count 999 `));
  });

  it('a final result missing from S3 → I3 missing 1', async () => {
    const delivery = await freshDelivery(resources, 'miss', [run.results.filter((r) => r !== plain).map((r) => r.value)]);
    const verdict = await verify({ delivery });
    expect(violationsOf(verdict)).toEqual({ I3: { missing: 1 } });
    expect(inv(verdict, 'I3').examples).toEqual([`missing from S3: ${plain.key} rev 0`]);
  });

  it('a result delivered twice to S3 → de-duplicated and counted (1), not missing, not a violation', async () => {
    const delivery = await freshDelivery(resources, 'dups3', [run.results.map((r) => r.value), [plain.value]]);
    const verdict = await verify({ delivery });
    expect(violationsOf(verdict)).toEqual({});
    expect(inv(verdict, 'I3').counts).toMatchObject({ duplicates: 1, missing: 0, unexpected: 0, objects: 2 });
    expect(inv(verdict, 'I3').examples).toEqual([`duplicate in S3 (de-duplicated, not a violation): ${plain.key} rev 0 ×2`]);
  });

  it('an event both in a result and in late-events → I2 multiple 1, naming the event', async () => {
    const event = plainEvents[0] as AnalyticsEvent;
    // At its raw record's position, with a watermark past the close: yet the log refutes it too — its
    // partition had not seen event times that far when the event came (it was counted on time).
    const at = run.positions.get(event.seq) as { partition: number; offset: bigint };
    const planted = encodeLateValue({
      key: event.userId, value: rawJson(event.seq), partition: at.partition, offset: at.offset, reason: 'planted by the verifier self-test',
      eventId: event.eventId, generatorId: event.generatorId, seq: event.seq, windowKey: plain.key, windowEndMs: plain.result.windowEndMs, watermarkMs: plain.result.windowEndMs + SETTINGS.allowedLatenessMs,
    });
    const late = await freshTopic(resources, run, 'late', 'both');
    await writeTransaction(stack, 'both', [...run.lateValues.map((l) => ({ topic: late, ...l })), { topic: late, key: event.userId, value: planted }]);
    const verdict = await verify({ late });
    expect(violationsOf(verdict)).toEqual({ I2: { multiple: 1, unjustifiedLate: 1 } });
    expect(inv(verdict, 'I2').examples.find((e) => e.startsWith('unjustified late'))).toMatch(new RegExp(`^unjustified late: ${event.eventId} \\(p\\d@\\d+\\) was judged late at watermark \\d+, but its partition had seen event times only up to \\d+`));
    expect(inv(verdict, 'I2').counts.late).toBe(run.lateValues.length);
    expect(inv(verdict, 'I2').examples[0]).toMatch(new RegExp(`^multiple: ${event.eventId} \\(p\\d@\\d+\\) is counted in result ${plain.key.replace('|', '\\|')} and is in late-events$`));
  });

  it('revenue one cent off, count and fingerprint untouched → I2 valueMismatches 1, by field, naming the key', async () => {
    const target = run.results.find((r) => r.result.countsByType.purchase > 0 && run.results.filter((o) => o.key === r.key).length === 1) as ResultRow;
    expect(target).toBeDefined();
    const tampered = JSON.stringify({ ...target.result, revenueCents: target.result.revenueCents + 1 });
    const rows = run.results.map((r) => (r === target ? { ...r, value: tampered } : r));
    const processed = await freshTopic(resources, run, 'processed', 'cent');
    await writeTransaction(stack, 'cent', committedRows(rows, processed));
    const delivery = await freshDelivery(resources, 'cent', [rows.map((r) => r.value)]);
    const verdict = await verify({ processed, delivery });
    expect(violationsOf(verdict)).toEqual({ I2: { valueMismatches: 1 } });
    expect(inv(verdict, 'I2').counts['wrong.revenueCents']).toBe(1);
    expect(inv(verdict, 'I2').examples).toEqual([`wrong value: ${target.key} rev 0 revenueCents: expected ${target.result.revenueCents}, actual ${target.result.revenueCents + 1}`]);
  });

  it('an S3 object with a line cut mid-JSON → I3 unexpected 1 naming the object and line, and its result missing 1', async () => {
    const lines = run.results.map((r) => r.value);
    const cut = lines.indexOf(plain.value);
    const torn = lines.map((line, i) => (i === cut ? line.slice(0, Math.floor(line.length / 2)) : line));
    const delivery = await freshDelivery(resources, 'torn', [torn]);
    const verdict = await verify({ delivery });
    expect(violationsOf(verdict)).toEqual({ I3: { unexpected: 1, missing: 1 } });
    expect(inv(verdict, 'I3').counts.unparsableLines).toBe(1);
    const examples = inv(verdict, 'I3').examples;
    expect(examples).toContain(`missing from S3: ${plain.key} rev 0`);
    expect(examples.find((e) => e.startsWith('unexpected in S3: '))).toMatch(new RegExp(`^unexpected in S3: raw-data/\\S+#${cut + 1}: not JSON \\(\\d+ characters, a result cut short\\?`));
  });

  it('a valid event moved to the DLQ, its window\'s result made consistent → I2 unjustifiedDlq 1, naming the event', async () => {
    const seq = onTimeSeq(600, 1_000);
    const movedRun = await buildCleanRun(resources, 'moved', { events: 1_000, moveToDlq: { seq, code: 'event-time-ahead' } });
    const verdict = (await verifyRun({ endpoints: stack, topology: movedRun.topology, ledger: movedRun.ledger, windowMs: WINDOW_MS, settings: VERIFIER_SETTINGS, delivery: true, readTimeoutMs: 60_000 })).verdict;
    console.log(describeVerdict(verdict).join('\n'));
    expect(violationsOf(verdict)).toEqual({ I2: { unjustifiedDlq: 1 } });
    expect(inv(verdict, 'I2').examples).toEqual([`unjustified dlq: ${GENERATOR_ID}:${seq} (p${movedRun.positions.get(seq)?.partition}@${movedRun.positions.get(seq)?.offset}) says event-time-ahead, but the processor has no event-time limit`]);
  });
});
