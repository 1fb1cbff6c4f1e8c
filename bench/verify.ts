/**
 * Speed and memory of the verifier's pure path (no Kafka): N synthetic events through the
 * streaming recompute (sequence bitmaps + per-window fingerprints and values), then the window
 * comparison, the per-field check of every final result and the verdict. Goals (issue 6): ≥ 1 M events/s verified, ≤ 2 bytes of retained memory per
 * event at 10 M events. Prints figures; asserts nothing (timings are not tests).
 *
 *   npm run bench:verify [-- <events>]      (node --expose-gc, so memory is measured after a full GC)
 *
 * Two paths are timed: "decoded" (events already parsed: identity, window, fingerprint, bitmaps:
 * the verifier's own work) and "raw JSON" (the same from value strings: JSON.parse and validation
 * included, as when reading raw-events). Memory = retained heap + array buffers after GC, minus
 * the baseline. For scale, the naive design (a Set of event-id strings) is measured on 1 M events
 * in the same process and extrapolated.
 */
import { Fingerprint } from '../src/verify/fingerprint.js';
import { ExpectedAccumulator } from '../src/verify/expected-stream.js';
import { Verification } from '../src/verify/verification.js';
import { SequenceLedger } from '../src/base/sequence-ledger.js';
import { CONTROL_KEY, formatEndOfInput } from '../src/contract/control.js';
import type { AnalyticsEvent } from '../src/workload/event.js';

const EVENTS = Number(process.argv[2] ?? 10_000_000);
const USERS = 10_000;
const WINDOW_MS = 60_000;
const RATE_PER_S = 50_000; // intended send rate: 10 M events span 200 s, ~4 windows per user
const LATE_EVERY = 100; // 1 % late (in late-events), 0.1 % DLQ
const DLQ_EVERY = 1_000;
const T0 = 1_700_000_040_000;
const GENERATOR = 'bench-1';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc (npm run bench:verify does)');
  process.exit(2);
}

function retainedBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const userIds = Array.from({ length: USERS }, (_, i) => `u-${String(i).padStart(6, '0')}`);
const eventTimeOf = (seq: number) => T0 + Math.floor((seq * 1000) / RATE_PER_S);
const userOf = (seq: number) => userIds[(seq * 7919) % USERS] as string;

/** The wire form of event `seq` (what raw-events holds). */
function eventJson(seq: number): string {
  const userId = userOf(seq);
  const t = eventTimeOf(seq);
  return `{"schemaVersion":1,"eventId":"${GENERATOR}:${seq}","generatorId":"${GENERATOR}","seq":${seq},"userId":"${userId}","sessionId":"${userId}-s1","type":"page_view","page":"/home","device":"desktop","country":"DE","value":null,"eventTime":${t},"intendedAt":${t}}`;
}

function freshAccumulator(): ExpectedAccumulator {
  const acc = new ExpectedAccumulator({ windowMs: WINDOW_MS });
  for (let seq = LATE_EVERY - 1; seq < EVENTS; seq += LATE_EVERY) acc.addLate({ generatorId: GENERATOR, seq });
  for (let seq = DLQ_EVERY - 3; seq < EVENTS; seq += DLQ_EVERY) acc.addDlq({ generatorId: GENERATOR, seq });
  return acc;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function decodedPath(): { ms: number; bytes: number; windows: number; acc: ExpectedAccumulator } {
  const base = retainedBytes();
  const acc = freshAccumulator();
  // One mutable event, as a decoder handing events over one at a time would.
  const event: AnalyticsEvent = JSON.parse(eventJson(0)) as AnalyticsEvent;
  const position = { partition: 0, offset: 0 };
  const start = performance.now();
  for (let seq = 0; seq < EVENTS; seq += 1) {
    event.seq = seq;
    event.eventId = `${GENERATOR}:${seq}`;
    event.userId = userOf(seq);
    event.eventTime = eventTimeOf(seq);
    position.offset = seq;
    acc.addEvent(event, position);
  }
  // End of input as a run writes it: the watermark every result carries is then one the log proves.
  acc.addRaw({ key: CONTROL_KEY, value: formatEndOfInput(eventTimeOf(EVENTS) + 2 * WINDOW_MS), partition: 0, offset: EVENTS });
  const ms = performance.now() - start;
  return { ms, bytes: retainedBytes() - base, windows: acc.recomputation.expected.size, acc };
}

function rawPath(events: number): { ms: number; generateMs: number } {
  let start = performance.now();
  let length = 0;
  for (let seq = 0; seq < events; seq += 1) length += eventJson(seq).length;
  const generateMs = performance.now() - start;
  const acc = new ExpectedAccumulator({ windowMs: WINDOW_MS });
  const record = { key: '', value: '', partition: 0, offset: 0 };
  start = performance.now();
  for (let seq = 0; seq < events; seq += 1) {
    record.value = eventJson(seq);
    record.offset = seq;
    acc.addRaw(record);
  }
  if (length === 0) console.log(''); // keep the generation loop from being optimised away
  return { ms: performance.now() - start, generateMs };
}

/**
 * The window comparison, the per-field value check of every final result and the verdict over a
 * finished accumulator, against results whose every field is right (the verdict must pass: every
 * value was compared).
 */
function evaluation(acc: ExpectedAccumulator): { ms: number; results: number; valuesChecked: number } {
  const verification = new Verification({ windowMs: WINDOW_MS, settings: { outOfOrdernessMs: 0, allowedLatenessMs: 0 } });
  Object.assign(verification, { expected: acc });
  let offset = 0;
  for (const [key, window] of acc.recomputation.expected) {
    const bar = key.lastIndexOf('|');
    const startMs = Number(key.slice(bar + 1));
    const value = JSON.stringify({
      schemaVersion: 1, key, userId: key.slice(0, bar), windowStartMs: startMs, windowEndMs: startMs + WINDOW_MS, sourcePartition: window.partition,
      count: window.count, countsByType: window.countsByType(), revenueCents: window.revenueCents, distinctSessions: window.distinctSessions,
      firstEventTimeMs: startMs + window.firstOffsetMs, lastEventTimeMs: startMs + window.lastOffsetMs, fingerprint: window.toJSON(),
      maxIntendedAtMs: startMs + window.intendedOffsetMs, revision: 0, closeAtMs: startMs + WINDOW_MS, watermarkMs: startMs + WINDOW_MS,
    });
    verification.addCommittedResult({ key, value, partition: 0, offset: offset++ });
  }
  const acked = new SequenceLedger();
  for (let seq = 0; seq < EVENTS; seq += 1) acked.add(GENERATOR, seq);
  const start = performance.now();
  const verdict = verification.verdict({ ledger: { acked }, delivery: false });
  const ms = performance.now() - start;
  if (!verdict.invariants.filter((i) => i.status !== 'not-checked').every((i) => i.pass)) {
    // Figures of a verification that fails measure the wrong thing: say so and exit non-zero.
    console.error('bench verdict unexpectedly failed:', JSON.stringify(verdict.invariants.map((i) => [i.id, i.violations, i.examples.slice(0, 3)])));
    process.exitCode = 1;
  }
  const valuesChecked = verdict.invariants.find((i) => i.id === 'I2')?.counts.valuesChecked ?? 0;
  if (valuesChecked !== offset) {
    console.error(`bench checked the values of ${valuesChecked} of ${offset} results`);
    process.exitCode = 1;
  }
  return { ms, results: offset, valuesChecked };
}

function naiveSet(events: number): { ms: number; bytes: number } {
  const base = retainedBytes();
  const ids = new Set<string>();
  const start = performance.now();
  for (let seq = 0; seq < events; seq += 1) ids.add(`${GENERATOR}:${seq}`);
  const ms = performance.now() - start;
  const bytes = retainedBytes() - base;
  if (ids.size !== events) console.log('');
  return { ms, bytes };
}

console.log(`verifier bench: ${EVENTS.toLocaleString('en-US')} events, ${USERS.toLocaleString('en-US')} users, ${WINDOW_MS / 1000} s windows, 1 % late, 0.1 % DLQ (node ${process.version})`);
// Warm the JIT on a small run of both paths.
new ExpectedAccumulator({ windowMs: WINDOW_MS }).addEvent(JSON.parse(eventJson(1)) as AnalyticsEvent, { partition: 0, offset: 0 });
rawPath(200_000);
Fingerprint.of(['warm']);

const decoded = decodedPath();
const perEvent = decoded.bytes / EVENTS;
console.log(`decoded path: ${rate(EVENTS, decoded.ms)} events/s (${(decoded.ms / 1000).toFixed(2)} s); retained ${mib(decoded.bytes)} = ${perEvent.toFixed(2)} bytes/event`);
const ledgers = decoded.acc.recomputation.ledgers;
const bitmapBytes = ledgers.raw.byteLength + ledgers.late.byteLength + ledgers.dlq.byteLength;
console.log(`  of which sequence bitmaps ${mib(bitmapBytes)} (${(bitmapBytes / EVENTS).toFixed(2)} B/event), ${decoded.windows.toLocaleString('en-US')} windows' fingerprints and keys the rest (${((decoded.bytes - bitmapBytes) / decoded.windows).toFixed(0)} B/window)`);
const evaluated = evaluation(decoded.acc);
console.log(`window comparison + per-field value check + verdict: ${evaluated.ms.toFixed(0)} ms for ${evaluated.results.toLocaleString('en-US')} results (${evaluated.valuesChecked.toLocaleString('en-US')} checked field by field)`);

const rawEvents = Math.min(EVENTS, 1_000_000);
const raw = rawPath(rawEvents);
console.log(`raw JSON path (JSON.parse + validation + the above), ${rawEvents.toLocaleString('en-US')} events: ${rate(rawEvents, raw.ms)} events/s incl. building the strings; strings alone ${rate(rawEvents, raw.generateMs)}/s → verify ${rate(rawEvents, raw.ms - raw.generateMs)} events/s`);

const naiveEvents = Math.min(EVENTS, 1_000_000);
const naive = naiveSet(naiveEvents);
console.log(`naive reference, Set<string> of event ids, ${naiveEvents.toLocaleString('en-US')} events: ${rate(naiveEvents, naive.ms)} events/s, ${(naive.bytes / naiveEvents).toFixed(1)} bytes/event → ${mib((naive.bytes / naiveEvents) * EVENTS)} for ${EVENTS.toLocaleString('en-US')} events (${((naive.bytes / naiveEvents) / perEvent).toFixed(0)}× the verifier's retained memory, and it only detects duplicates)`);
const decodedRate = EVENTS / (decoded.ms / 1000);
const naiveRate = naiveEvents / (naive.ms / 1000);
console.log(`relative (same process, same load): decoded path ${(decodedRate / naiveRate).toFixed(2)}× the naive Set's event rate, at 1/${((naive.bytes / naiveEvents) / perEvent).toFixed(0)} of its memory per event`);
console.log(`goals: ≥ 1,000,000 events/s → ${decodedRate >= 1_000_000 ? 'met' : 'NOT met (this machine is shared: compare the relative line)'} (decoded path); ≤ 2 bytes/event → ${perEvent <= 2 ? 'met' : 'NOT met'}`);
