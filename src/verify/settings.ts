import type { WindowingConfig } from '../contract/windows.js';

/**
 * The processor's settings beyond windowMs, as far as the verifier was told them: each one known
 * turns a bound into an exact check (docs/verification.md). A run passes its scenario's; `npm run
 * verify` passes the kept run's, or none for data from an unknown processor.
 */
export type KnownSettings = Partial<Omit<WindowingConfig, 'windowMs'>> & {
  /**
   * A time no later than the processor's first partition assignment (a run passes its own start).
   * Idle timers start at assignment (docs/contract.md), so a partition may have been idle before
   * its first record unless that record came within idleTimeoutMs of this; unknown: it may have.
   */
  assignedNotBeforeMs?: number;
};
