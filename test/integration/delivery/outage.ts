import { setTimeout as delay } from 'node:timers/promises';
import { buildAwsClients } from '../../../src/aws/clients.js';
import { createFirehosePut } from '../../../src/aws/firehose-put.js';
import { provisionDelivery, type DeliveryTarget } from '../../../src/aws/provision.js';
import { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import { DeliverySink } from '../../../src/pipeline/delivery/sink.js';
import type { DeliveryStats } from '../../../src/pipeline/delivery/stats.js';
import type { AwsEndpoints } from '../../../src/base/endpoints.js';
import { InMemoryResultSource, abortableSleep, byteKey, readDelivered, seededRandom, systemClock, type S3Contents } from './support.js';

/**
 * Drives the delivery sink through an outage of its Firehose/S3 endpoint and reports what S3
 * holds afterwards. The endpoint is stopped and started through a ServiceControl, so the same
 * scenario runs against a private moto (today) or the stack's own service (a provider control).
 *
 * Decision on lost emulator state: the sink does NOT silently treat a missing stream as
 * transient. By default a ResourceNotFoundException stops it with DELIVERY_FAILED and a hint;
 * a run against an emulator passes `onStreamMissing`, which re-provisions (idempotently) and
 * retries the same records. This scenario passes that hook, so after a restart the sink itself
 * re-creates bucket and stream — nothing in the test races it.
 *
 * When start() brings the endpoint back empty (wipesState), whatever the old instance stored
 * is gone with it, so the scenario lets the sink go idle and snapshots S3 before stopping; the
 * records of the second part are pushed during the outage. When state survives (a freeze),
 * the second part is pushed right before the stop, so calls are in flight when it hits.
 */

export interface ServiceControl {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface OutageScenario {
  aws: AwsEndpoints;
  target: DeliveryTarget;
  control: ServiceControl;
  values: readonly Uint8Array[];
  outageMs: number;
  wipesState: boolean;
  /** Sink client request timeout: short, so a frozen endpoint shows up as timeouts. */
  requestTimeoutMs: number;
}

export interface OutageResult {
  stats: DeliveryStats;
  contents: S3Contents;
  /** Byte key → times the sink re-sent that record after an ambiguous failure. */
  ambiguousResends: Map<string, number>;
  /** Failed calls the sink made while the endpoint was down. */
  failedCallsDuringOutage: number;
}

export async function runSinkThroughOutage(scenario: OutageScenario): Promise<OutageResult> {
  const { aws, target, control, values } = scenario;
  const clients = buildAwsClients(aws, { requestTimeoutMs: scenario.requestTimeoutMs, connectionTimeoutMs: 1_000 });
  const ambiguousResends = new Map<string, number>();
  try {
    await provisionDelivery(aws, target, { clients });
    const source = new InMemoryResultSource();
    const sink = new DeliverySink({
      streamName: target.streamName,
      source,
      firehose: createFirehosePut(clients.firehose, clients.target),
      dlq: { send: async (_record, reason) => void Promise.reject(new Error(`unexpected DLQ: ${reason}`)) },
      clock: systemClock,
      sleep: abortableSleep,
      random: seededRandom(11),
      pollMaxRecords: 200,
      pollTimeoutMs: 100,
      retry: { baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 1_000, maxTotalMs: 120_000 },
      onStreamMissing: async () => void (await provisionDelivery(aws, target, { clients })),
      recorder: {
        recordsResent: (records, retry) => {
          if (!retry.ambiguous) return;
          for (const r of records) ambiguousResends.set(byteKey(r.value), (ambiguousResends.get(byteKey(r.value)) ?? 0) + 1);
        },
      },
    });
    const controller = new AbortController();
    let sinkFailure: unknown = null;
    const running = sink.run(controller.signal).catch((error: unknown) => {
      sinkFailure = error;
      return sink.stats();
    });
    const until = async (label: string, condition: () => boolean, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (sinkFailure) throw sinkFailure;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
        await delay(25);
      }
    };

    const third = Math.ceil(values.length / 3);
    const [first, second, last] = [values.slice(0, third), values.slice(third, 2 * third), values.slice(2 * third)];
    const reader = new S3DeliveryReader(clients.s3, { bucket: target.bucket, nowMs: () => Date.now(), target: clients.target });

    source.push(first);
    await until('the first part to be committed', () => source.committedCount === first.length, 60_000);
    const snapshot = scenario.wipesState ? await readDelivered(reader) : undefined;

    const failedBefore = sink.stats().failedCalls;
    if (!scenario.wipesState) source.push(second);
    await control.stop();
    if (scenario.wipesState) source.push(second);
    await until('the sink to hit the outage', () => sink.stats().failedCalls > failedBefore, 60_000);
    await delay(scenario.outageMs);
    const failedCallsDuringOutage = sink.stats().failedCalls - failedBefore;
    await control.start();

    source.push(last);
    await until('every record to be committed', () => source.committedCount === values.length, 120_000);
    controller.abort();
    const stats = await running;
    if (sinkFailure) throw sinkFailure;

    const contents = await readDelivered(reader, snapshot);
    return { stats, contents, ambiguousResends, failedCallsDuringOutage };
  } finally {
    clients.destroy();
  }
}

export interface CopyCheck {
  missing: number;
  unexpected: number;
  /** Extra copies in S3 beyond one per record. */
  duplicates: number;
  /** Extra copies of a record beyond the ambiguous re-sends the sink reported for it. */
  unexplainedDuplicates: number;
}

/** Compares S3 contents with what was sent: every record at least once, duplicates explained. */
export function checkCopies(values: readonly Uint8Array[], result: OutageResult): CopyCheck {
  const expected = new Set(values.map(byteKey));
  const check: CopyCheck = { missing: 0, unexpected: 0, duplicates: 0, unexplainedDuplicates: 0 };
  for (const key of expected) if (!result.contents.copies.has(key)) check.missing += 1;
  for (const [key, copies] of result.contents.copies) {
    if (!expected.has(key)) {
      check.unexpected += 1;
      continue;
    }
    const extra = copies - 1;
    check.duplicates += extra;
    check.unexplainedDuplicates += Math.max(0, extra - (result.ambiguousResends.get(key) ?? 0));
  }
  return check;
}
