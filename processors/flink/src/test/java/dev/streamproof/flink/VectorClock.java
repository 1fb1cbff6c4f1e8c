package dev.streamproof.flink;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.util.clock.RelativeClock;

/**
 * The vector's processing time, set by {@link VectorSource} to each record's `atMs` before the
 * record is read: the job's ahead check and every partition's idleness timer read it instead of
 * the wall clock. Static because the MiniCluster runs the job's operators in this JVM from
 * deserialised copies of the job graph.
 */
final class VectorClock implements ProcessingClock {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong NOW_MS = new AtomicLong();
  static final VectorClock INSTANCE = new VectorClock();

  private VectorClock() {}

  static void set(long nowMs) {
    NOW_MS.set(nowMs);
  }

  @Override
  public long nowMs() {
    return NOW_MS.get();
  }

  @Override
  public RelativeClock idleness(WatermarkGeneratorSupplier.Context context) {
    return new RelativeClock() {
      @Override
      public long relativeTimeMillis() {
        return NOW_MS.get();
      }

      @Override
      public long relativeTimeNanos() {
        return NOW_MS.get() * 1_000_000L;
      }
    };
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
