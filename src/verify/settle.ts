import { setTimeout as delay } from 'node:timers/promises';
import { KafkaAdmin } from '../kafka/admin.js';
import type { KafkaEndpoints } from '../base/endpoints.js';

/**
 * Waits until no transaction is pending on the given topics: every partition's last stable
 * offset (the read_committed end) equals its high watermark. Until then a read_committed read
 * stops short of records whose transaction is committed but whose markers are not yet written
 * (seen for a second after a commit on a busy machine), and a transaction still open looks aborted.
 *
 * A transaction left open by a dead producer resolves within its transaction timeout (20 s for
 * the processor), so the wait is bounded; if it runs out the caller proceeds and reports the
 * partitions still pending, rather than hanging.
 */

export interface PendingPartition {
  topic: string;
  partition: number;
  lastStableOffset: bigint;
  highWatermark: bigint;
}

export interface SettleOutcome {
  settled: boolean;
  pending: PendingPartition[];
  polls: number;
}

export interface SettleOptions {
  timeoutMs: number;
  pollMs?: number;
  /** Monotonic ms clock, injected. */
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export async function awaitSettledTopics(kafka: KafkaEndpoints, topics: readonly string[], options: SettleOptions): Promise<SettleOutcome> {
  const nowMs = options.nowMs ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const admin = new KafkaAdmin(kafka, 'streamproof-verifier-settle');
  try {
    const partitions = new Map<string, number>();
    for (const topic of topics) partitions.set(topic, (await admin.describeTopic(topic, []))?.partitions ?? 0);
    const deadlineMs = nowMs() + options.timeoutMs;
    let polls = 0;
    for (;;) {
      polls += 1;
      const pending: PendingPartition[] = [];
      for (const [topic, count] of partitions) {
        if (count === 0) continue;
        const stable = await admin.endOffsets(topic, count, true);
        const high = await admin.endOffsets(topic, count, false);
        stable.forEach((lastStableOffset, partition) => {
          const highWatermark = high[partition] ?? lastStableOffset;
          if (lastStableOffset < highWatermark) pending.push({ topic, partition, lastStableOffset, highWatermark });
        });
      }
      if (pending.length === 0) return { settled: true, pending, polls };
      if (nowMs() >= deadlineMs) return { settled: false, pending, polls };
      await sleep(options.pollMs ?? 200);
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}
