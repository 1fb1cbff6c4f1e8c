import { KafkaAdmin } from '../kafka/admin.js';
import type { KafkaEndpoints } from '../base/endpoints.js';

/**
 * Samples the processor group's consumer lag on raw-events once a second: end offsets minus
 * committed offsets, summed over partitions. Committed offsets move only when a processor
 * transaction commits, so this is the exactly-once lag, not a fetch position.
 */
export interface LagSample {
  atEpochMs: number;
  lagEvents: number;
}

export class LagSampler {
  readonly samples: LagSample[] = [];
  readonly #admin: KafkaAdmin;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;

  constructor(
    kafka: KafkaEndpoints,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly groupId: string,
  ) {
    this.#admin = new KafkaAdmin(kafka, 'streamproof-lag-sampler');
  }

  async sampleOnce(): Promise<LagSample | null> {
    try {
      const [ends, committed] = await Promise.all([
        this.#admin.endOffsets(this.topic, this.partitions, true),
        this.#admin.groupOffsets(this.groupId, this.topic),
      ]);
      let lag = 0n;
      ends.forEach((end, partition) => {
        const done = committed.get(partition) ?? -1n;
        // The two reads are not atomic: a commit landing between them can put the group ahead
        // of the end offset just read. That is zero lag, not negative lag.
        const behind = end - (done >= 0n ? done : 0n);
        if (behind > 0n) lag += behind;
      });
      const sample = { atEpochMs: Date.now(), lagEvents: Number(lag) };
      this.samples.push(sample);
      return sample;
    } catch {
      return null; // a failed sample is a gap in the series, not a failed run
    }
  }

  get latest(): LagSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  start(intervalMs = 1_000): void {
    this.#timer = setInterval(() => {
      if (this.#inFlight) return;
      this.#inFlight = this.sampleOnce().then(() => {
        this.#inFlight = null;
      });
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#inFlight;
    await this.#admin.close().catch(() => undefined);
  }
}

/**
 * Seconds from the end of the peak (or last fault) until lag is back at or below its level
 * before it (with a small absolute allowance); null if it never recovered in the samples.
 */
export function lagRecoverySeconds(samples: readonly LagSample[], fromEpochMs: number, baselineEpochMs: number, allowanceEvents = 100): number | null {
  const before = samples.filter((s) => s.atEpochMs <= baselineEpochMs);
  const baseline = before.length ? Math.max(...before.slice(-5).map((s) => s.lagEvents)) : 0;
  const after = samples.filter((s) => s.atEpochMs >= fromEpochMs);
  const recovered = after.find((s) => s.lagEvents <= baseline + allowanceEvents);
  return recovered ? Math.max(0, (recovered.atEpochMs - fromEpochMs) / 1000) : null;
}
