package dev.streamproof.core;

/**
 * The contract's windowing settings (docs/contract.md; `WindowingConfig` in src/contract/windows.ts).
 * maxEventTimeAheadMs null = the event-time-ahead check is off.
 */
public record WindowingConfig(long windowMs, long outOfOrdernessMs, long allowedLatenessMs, long idleTimeoutMs, Long maxEventTimeAheadMs) {
  public WindowingConfig {
    if (windowMs <= 0) throw new IllegalArgumentException("windowMs must be > 0, got " + windowMs);
    if (outOfOrdernessMs < 0) throw new IllegalArgumentException("outOfOrdernessMs must be >= 0, got " + outOfOrdernessMs);
    if (allowedLatenessMs < 0) throw new IllegalArgumentException("allowedLatenessMs must be >= 0, got " + allowedLatenessMs);
    if (idleTimeoutMs <= 0) throw new IllegalArgumentException("idleTimeoutMs must be > 0, got " + idleTimeoutMs);
    if (maxEventTimeAheadMs != null && maxEventTimeAheadMs <= 0) throw new IllegalArgumentException("maxEventTimeAheadMs must be > 0 or null");
  }
}
