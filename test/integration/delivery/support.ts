import type { Clock } from '../../../src/base/clock.js';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { DeliveryTarget } from '../../../src/aws/provision.js';
import type { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import type { ResultSource, Sleep, SourceRecord } from '../../../src/base/delivery-ports.js';

/** Shared by the delivery integration tests. Names are fresh per test; cleanup is registered by each test. */

export function freshTarget(name: string): DeliveryTarget {
  const id = randomBytes(4).toString('hex');
  return { bucket: `it-${name}-${id}`, streamName: `it-${name}-${id}` };
}

export const systemClock: Clock = { epochMs: () => Date.now(), monoMs: () => performance.now() };

export const abortableSleep: Sleep = (ms, signal) =>
  delay(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);

/** Deterministic uniform [0, 1) generator (mulberry32), so jitter is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Window-result-like JSON records, unique by seq, sizes varying with seq. */
export function makeResults(count: number, padTo = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, seq) => {
    const base = { windowStartMs: 1_700_000_000_000 + (seq % 60) * 10_000, userId: seq % 50 === 0 ? `ü-ñ-🚀-${seq}` : `u-${seq % 97}`, count: seq % 13, seq };
    const pad = padTo > 0 ? 'x'.repeat((seq * 37) % padTo) : '';
    return new TextEncoder().encode(JSON.stringify({ ...base, pad }));
  });
}

/** Exact byte identity of a record, usable as a Map key. */
export const byteKey = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/**
 * The Kafka side of the sink, in memory: records are pushed by the test, polled by the sink,
 * committed after delivery. Implements the same port the Kafka source does; AWS stays real.
 */
export class InMemoryResultSource implements ResultSource {
  private readonly queue: SourceRecord[] = [];
  private wake: (() => void) | null = null;
  committedCount = 0;

  push(values: readonly Uint8Array[], visibleAtMs = Date.now()): void {
    for (const value of values) this.queue.push({ value, visibleAtMs });
    this.wake?.();
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<SourceRecord[]> {
    if (this.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.queue.splice(0, maxRecords);
  }

  async commit(records: readonly SourceRecord[]): Promise<void> {
    this.committedCount += records.length;
  }
}

/** Polls a condition every 50 ms until it holds; throws with the label after timeoutMs. */
export async function waitFor(label: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await delay(50);
  }
}

export interface S3Contents {
  objects: number;
  /** Byte key → copies found in S3. */
  copies: Map<string, number>;
  records: number;
  unterminatedObjects: number;
  compressedObjects: number;
}

/** Reads every delivered object (one body at a time) and counts each record's copies. */
export async function readDelivered(reader: S3DeliveryReader, into?: S3Contents): Promise<S3Contents> {
  const contents = into ?? { objects: 0, copies: new Map(), records: 0, unterminatedObjects: 0, compressedObjects: 0 };
  for await (const object of reader.readAll()) {
    contents.objects += 1;
    if (!object.terminated) contents.unterminatedObjects += 1;
    if (object.compressed) contents.compressedObjects += 1;
    for (const record of object.records) {
      const key = byteKey(record);
      contents.copies.set(key, (contents.copies.get(key) ?? 0) + 1);
      contents.records += 1;
    }
  }
  return contents;
}
