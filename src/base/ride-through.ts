/**
 * Riding through an outage: retry an operation while its failures are transient, with capped
 * exponential backoff, for a stated time budget rather than a count of attempts. A count says
 * nothing about time: four attempts one second apart are spent before a KRaft controller has
 * even noticed a dead broker (broker.session.timeout.ms, 9 s), while a hung broker can hold each
 * attempt for a whole request timeout. Pure logic; the caller supplies the clock and the sleep.
 */
export interface RideThroughPolicy {
  /** How long an operation may keep failing, from its first failure, before it gives up. */
  budgetMs: number;
  /** Backoff before the first retry; doubles each retry up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * 60 s: a killed broker is fenced and its partitions get new leaders within ~10 s
 * (broker.session.timeout.ms 9 s plus an election), and a broker restarted on its old data
 * serves again in 10–30 s on a busy 2-core machine; 60 s covers both with room, and is still
 * short enough that a cluster that is really gone is reported within a minute.
 */
export const KAFKA_RIDE_THROUGH: Readonly<RideThroughPolicy> = { budgetMs: 60_000, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * Delay before retry number `retry` (1 = the first retry), or null when the budget is spent.
 * Never sleeps past the budget: the last retry happens right at its end.
 */
export function rideThroughDelayMs(retry: number, failingForMs: number, policy: RideThroughPolicy): number | null {
  const remainingMs = policy.budgetMs - failingForMs;
  if (remainingMs <= 0) return null;
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent, remainingMs);
}

export interface RideThroughOptions {
  policy?: RideThroughPolicy;
  /** Only these failures are retried; any other is thrown at once. */
  isTransient: (error: unknown) => boolean;
  /** Called once the budget is spent, with the last error and how long it kept failing: the error to throw. */
  onGiveUp: (lastError: unknown, failingForMs: number, attempts: number) => Error;
  /** Before each retry (e.g. drop cached metadata so the next attempt finds the new leader). */
  beforeRetry?: (error: unknown, retry: number) => void | Promise<void>;
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops retrying (the last error is thrown) once aborted. */
  signal?: AbortSignal;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `operation` until it succeeds, a failure is not transient, or the time budget is spent. */
export async function rideThrough<T>(operation: () => Promise<T>, options: RideThroughOptions): Promise<T> {
  const policy = options.policy ?? KAFKA_RIDE_THROUGH;
  const nowMs = options.nowMs ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  let firstFailureMs: number | null = null;
  for (let retry = 1; ; retry += 1) {
    try {
      return await operation();
    } catch (error) {
      if (!options.isTransient(error) || options.signal?.aborted) throw error;
      firstFailureMs ??= nowMs();
      const failingForMs = nowMs() - firstFailureMs;
      const delayMs = rideThroughDelayMs(retry, failingForMs, policy);
      if (delayMs === null) throw options.onGiveUp(error, failingForMs, retry);
      await sleep(delayMs);
      await options.beforeRetry?.(error, retry);
    }
  }
}

/**
 * How long something has been failing, for loops that retry on their own (a consumer stream that
 * is re-opened, a processor restarting in place): `fail()` on each failure says whether the budget
 * is spent, `ok()` on any success starts the clock over.
 */
export class FailureClock {
  readonly #budgetMs: number;
  readonly #nowMs: () => number;
  #since: number | null = null;

  constructor(budgetMs: number, nowMs: () => number = () => performance.now()) {
    this.#budgetMs = budgetMs;
    this.#nowMs = nowMs;
  }

  /** Records a failure; true when failures have now lasted longer than the budget. */
  fail(): boolean {
    this.#since ??= this.#nowMs();
    return this.failingForMs() > this.#budgetMs;
  }

  ok(): void {
    this.#since = null;
  }

  failingForMs(): number {
    return this.#since === null ? 0 : this.#nowMs() - this.#since;
  }
}
