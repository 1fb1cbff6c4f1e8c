import { isEndOfInput } from './control.js';
import { ExampleList, positionText } from './examples.js';
import { decodeRawValue, type RawRecord } from './expected-stream.js';
import { Fingerprint, hashEventId } from './fingerprint.js';
import type { Recomputation } from './recompute.js';
import type { MismatchedWindow, WindowAnalysis } from './window-analysis.js';
import { eventWindowKey, splitWindowKey } from './windows.js';

/**
 * Names the events behind window-level I2 violations, for examples only (counts never depend on
 * it). The first pass keeps fingerprints, not ids, so this is a second pass over raw-events that
 * looks only at records of up to `limit` offending windows per kind:
 *  - a window with no result: its events are in no result;
 *  - a result that counted events it also sent to a sink: those events (found in the sink ledgers);
 *  - a result off by exactly one event: expected − actual is that event's hash, so the event whose
 *    hash equals it is the one missing (or, when actual has one more, the one counted twice).
 * Records are skipped by Kafka key (the userId) before any parsing, so the pass costs a topic read.
 */

export interface PinpointFindings {
  missing: readonly string[];
  multiple: readonly string[];
  miscounted: readonly string[];
}

type Target =
  | { kind: 'missing' }
  | { kind: 'multiple' }
  | { kind: 'miscounted'; window: MismatchedWindow; hashHi: number; hashLo: number };

export class Pinpointer {
  private readonly targets = new Map<string, Target>();
  private readonly users = new Set<string>();
  private readonly found: { missing: ExampleList; multiple: ExampleList; miscounted: ExampleList };

  constructor(
    analysis: WindowAnalysis,
    private readonly recomputation: Recomputation,
    limit: number,
  ) {
    this.found = { missing: new ExampleList(limit), multiple: new ExampleList(limit), miscounted: new ExampleList(limit) };
    for (const { key } of analysis.missing.slice(0, limit)) this.target(key, { kind: 'missing' });
    for (const { key } of analysis.divertedAndCounted.slice(0, limit)) this.target(key, { kind: 'multiple' });
    // Only a difference of exactly one event has a single hash to look for.
    for (const window of analysis.mismatched.filter((w) => Math.abs(w.countDelta) === 1).slice(0, limit)) {
      // difference = expected − actual: the missing event's hash, or minus the extra one's.
      const difference = window.countDelta === -1 ? window.difference : new Fingerprint().minus(window.difference);
      this.target(window.key, { kind: 'miscounted', window, hashHi: difference.hashHi, hashLo: difference.hashLo });
    }
  }

  /** True when there is something to look for (otherwise skip the second read). */
  get active(): boolean {
    return this.targets.size > 0;
  }

  private target(key: string, target: Target): void {
    this.targets.set(key, target);
    // Keys come from the verifier's own recomputation or from parsed results; a key that does not
    // split names no user whose records could be read.
    const split = splitWindowKey(key);
    if (split) this.users.add(split.userId);
  }

  addRaw(record: RawRecord): void {
    if (record.value === null || record.key === null || !this.users.has(record.key) || isEndOfInput(record.key, record.value)) return;
    const { event } = decodeRawValue(record.value);
    if (!event) return;
    const key = eventWindowKey(event.userId, event.eventTime, this.recomputation.windowMs);
    const target = this.targets.get(key);
    if (!target) return;
    const where = `${event.eventId} (${positionText(record.partition, record.offset)})`;
    const { late, dlq } = this.recomputation.ledgers;
    if (target.kind === 'missing') {
      this.found.missing.add(() => `${where} is in no result: window ${key} has none`);
    } else if (target.kind === 'multiple') {
      const inLate = late.has(event.generatorId, event.seq);
      if (inLate || dlq.has(event.generatorId, event.seq)) {
        this.found.multiple.add(() => `${where} is counted in result ${key} and is in ${inLate ? 'late-events' : 'the DLQ'}`);
      }
    } else {
      const hash = hashEventId(event.eventId);
      if (hash.hi !== target.hashHi || hash.lo !== target.hashLo) return;
      const { window } = target;
      const sink = late.has(event.generatorId, event.seq) ? 'late-events' : dlq.has(event.generatorId, event.seq) ? 'the DLQ' : null;
      const what = window.countDelta === -1 ? 'is missing from' : sink ? `is in ${sink} and also counted in` : 'is counted twice in';
      this.found.miscounted.add(() => `${where} ${what} result ${key} rev ${window.revision}`);
    }
  }

  findings(): PinpointFindings {
    return { missing: this.found.missing.items, multiple: this.found.multiple.items, miscounted: this.found.miscounted.items };
  }
}
