import { performance } from 'node:perf_hooks';
import { ERROR_CODES, StreamproofError } from './errors.js';

/**
 * The one time source of a process (docs/results.md, measurement model). Everything that measures or schedules takes a
 * Clock instead of calling Date.now()/performance.now(), so tests can pin time exactly.
 *
 * - `monoMs()`: monotonic milliseconds (sub-ms resolution) from an arbitrary origin; use it for
 *   durations inside one process. Never goes backwards.
 * - `epochMs()`: wall-clock epoch milliseconds, for event time and `intendedAt`, which are
 *   compared across processes.
 */
export interface Clock {
  monoMs(): number;
  epochMs(): number;
}

/**
 * The real clock. `epochMs()` is the wall clock read once at creation plus monotonic time since:
 * it cannot jump backwards when NTP steps the system clock mid-run (a backwards jump would make
 * latencies negative), at the cost of drifting with NTP slew (ppm: microseconds per minute).
 * Processes started separately each anchor to the wall clock at their own start, which keeps
 * their epochs comparable to within the host's clock discipline.
 */
export function createSystemClock(): Clock {
  const originMonoMs = performance.now();
  const originEpochMs = Date.now();
  return {
    monoMs: () => performance.now(),
    epochMs: () => originEpochMs + (performance.now() - originMonoMs),
  };
}

let processClock: Clock | undefined;

/** The process-wide clock: one monotonic source per process. */
export function systemClock(): Clock {
  processClock ??= createSystemClock();
  return processClock;
}

/** A clock for tests: time moves only when the test says so. */
export class FakeClock implements Clock {
  private mono: number;
  private epoch: number;

  constructor(startEpochMs = 1_700_000_000_000, startMonoMs = 0) {
    this.epoch = startEpochMs;
    this.mono = startMonoMs;
  }

  monoMs(): number {
    return this.mono;
  }

  epochMs(): number {
    return this.epoch;
  }

  /** Moves both clocks forward together; negative steps are refused (monotonic invariant). */
  advance(ms: number): void {
    if (!(ms >= 0)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `FakeClock.advance needs a non-negative step, got ${ms}`, {
        hint: 'a monotonic clock never goes back; use skewEpoch() to model a wall-clock step',
      });
    }
    this.mono += ms;
    this.epoch += ms;
  }

  /** Moves the wall clock only (models a skewed or stepped system clock); mono is unaffected. */
  skewEpoch(ms: number): void {
    this.epoch += ms;
  }
}
