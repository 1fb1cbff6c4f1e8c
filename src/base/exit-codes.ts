/**
 * Exit codes are API: CI pipelines branch on them. Documented in docs/cli.md.
 */
export const EXIT = {
  /** Everything ran and every gate passed. */
  OK: 0,
  /** The run completed but a gate (threshold or compare tolerance) failed. */
  GATE_FAILED: 1,
  /** The harness, the stack or the input was broken: nothing was proven either way. */
  HARNESS_ERROR: 2,
  /** Interrupted by the user (Ctrl-C); partial results were written. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
