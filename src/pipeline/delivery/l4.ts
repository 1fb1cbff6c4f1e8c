import { createHash } from 'node:crypto';

/**
 * L4 delivery latency (docs/results.md, measurement model): object visible in S3 − result visible in processed-events.
 * Pure: joins what the sink reported (results accepted by Firehose, with the time each became
 * visible to the sink's read_committed consumer) with the S3 objects a reader saw (each with the
 * time of the listing that first showed it). Either side may arrive first.
 *
 * A result is identified by its content: window results carry `key` (`userId|windowStartMs`) and
 * `revision`, so `key#revision` names one emission; anything else is named by a hash of its bytes.
 * Duplicates (Firehose is at-least-once; the sink re-sends after ambiguous failures) are counted,
 * and only the first S3 copy counts for latency.
 */

export interface AcceptedResult {
  value: Uint8Array;
  /** Epoch ms the result became visible in processed-events. */
  visibleAtMs: number;
}

export interface SeenObject {
  key: string;
  /** Epoch ms of the first listing that showed the object. */
  firstSeenAtMs: number;
  /** The object's NDJSON records, without their '\n'. */
  records: readonly Uint8Array[];
}

export interface L4Sample {
  identity: string;
  visibleAtMs: number;
  seenAtMs: number;
  /** seenAtMs − visibleAtMs. */
  latencyMs: number;
  /** The S3 object holding the first copy. */
  objectKey: string;
}

export interface L4Summary {
  objectsSeen: number;
  s3Records: number;
  /** Distinct results the sink reported accepted. */
  resultsAccepted: number;
  /** Results with a latency sample (accepted and seen in S3). */
  samples: number;
  /** S3 copies beyond the first of each result. */
  duplicateCopies: number;
  /** Accepted results with no copy in S3 (yet). */
  notSeen: number;
  /** S3 records of results the sink never reported (e.g. delivered by an earlier run). */
  unexplainedRecords: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** `r:<key>#<revision>` for a window result, else `h:<sha256 of the bytes, 128 bits>`. */
export function resultIdentity(value: Uint8Array): string {
  try {
    const parsed: unknown = JSON.parse(decoder.decode(value));
    if (typeof parsed === 'object' && parsed !== null) {
      const { key, revision } = parsed as { key?: unknown; revision?: unknown };
      if (typeof key === 'string' && typeof revision === 'number' && Number.isInteger(revision)) return `r:${key}#${revision}`;
    }
  } catch {
    // Not JSON: identified by its bytes.
  }
  return `h:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
}

interface Tracked {
  visibleAtMs: number | null;
  seenAtMs: number | null;
  objectKey: string | null;
  copies: number;
  sampled: boolean;
}

export class L4Join {
  readonly #results = new Map<string, Tracked>();
  readonly #objects = new Set<string>();
  #s3Records = 0;
  #duplicateCopies = 0;

  /** The sink reported these results accepted. Returns samples for results already seen in S3. */
  noteAccepted(results: readonly AcceptedResult[]): L4Sample[] {
    const samples: L4Sample[] = [];
    for (const result of results) {
      const identity = resultIdentity(result.value);
      const tracked = this.#track(identity);
      // A re-send carries a later visibility; the first one starts the clock.
      if (tracked.visibleAtMs === null || result.visibleAtMs < tracked.visibleAtMs) tracked.visibleAtMs = result.visibleAtMs;
      this.#maybeSample(identity, tracked, samples);
    }
    return samples;
  }

  /** A reader saw this object. Returns samples for results it holds first copies of. An object is counted once. */
  noteObject(object: SeenObject): L4Sample[] {
    const samples: L4Sample[] = [];
    if (this.#objects.has(object.key)) return samples;
    this.#objects.add(object.key);
    for (const record of object.records) {
      this.#s3Records += 1;
      const identity = resultIdentity(record);
      const tracked = this.#track(identity);
      tracked.copies += 1;
      if (tracked.seenAtMs === null || object.firstSeenAtMs < tracked.seenAtMs) {
        tracked.seenAtMs = object.firstSeenAtMs;
        tracked.objectKey = object.key;
      }
      if (tracked.copies > 1) this.#duplicateCopies += 1;
      this.#maybeSample(identity, tracked, samples);
    }
    return samples;
  }

  summary(): L4Summary {
    let resultsAccepted = 0;
    let samples = 0;
    let notSeen = 0;
    let unexplainedRecords = 0;
    for (const tracked of this.#results.values()) {
      if (tracked.visibleAtMs === null) {
        unexplainedRecords += tracked.copies;
        continue;
      }
      resultsAccepted += 1;
      if (tracked.sampled) samples += 1;
      if (tracked.copies === 0) notSeen += 1;
    }
    return {
      objectsSeen: this.#objects.size,
      s3Records: this.#s3Records,
      resultsAccepted,
      samples,
      duplicateCopies: this.#duplicateCopies,
      notSeen,
      unexplainedRecords,
    };
  }

  #track(identity: string): Tracked {
    let tracked = this.#results.get(identity);
    if (!tracked) {
      tracked = { visibleAtMs: null, seenAtMs: null, objectKey: null, copies: 0, sampled: false };
      this.#results.set(identity, tracked);
    }
    return tracked;
  }

  #maybeSample(identity: string, tracked: Tracked, into: L4Sample[]): void {
    if (tracked.sampled || tracked.visibleAtMs === null || tracked.seenAtMs === null || tracked.objectKey === null) return;
    tracked.sampled = true;
    into.push({
      identity,
      visibleAtMs: tracked.visibleAtMs,
      seenAtMs: tracked.seenAtMs,
      latencyMs: tracked.seenAtMs - tracked.visibleAtMs,
      objectKey: tracked.objectKey,
    });
  }
}
