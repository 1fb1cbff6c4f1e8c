import type { WindowingConfig } from '../contract/windows.js';

/**
 * The processor's settings beyond windowMs, as far as the verifier was told them: each one known
 * turns a bound into an exact check (docs/verification.md). A run passes its scenario's; `npm run
 * verify` passes the kept run's, or none for data from an unknown processor.
 */
export type KnownSettings = Partial<Omit<WindowingConfig, 'windowMs'>>;
