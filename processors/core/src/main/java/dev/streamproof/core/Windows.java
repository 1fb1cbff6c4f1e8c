package dev.streamproof.core;

/**
 * Window assignment (docs/contract.md, "Windows"): tumbling, epoch-aligned, exact for every
 * long (floorMod, no floating point), negative times included.
 */
public final class Windows {
  private Windows() {}

  public static long startMs(long eventTimeMs, long windowMs) {
    return eventTimeMs - Math.floorMod(eventTimeMs, windowMs);
  }

  /** `userId|windowStartMs`: the result's Kafka key. */
  public static String key(String userId, long startMs) {
    return userId + "|" + startMs;
  }
}
