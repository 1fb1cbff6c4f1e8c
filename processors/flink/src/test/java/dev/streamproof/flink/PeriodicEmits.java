package dev.streamproof.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Counts the source's periodic watermark emissions, so that {@link VectorSource} can read the
 * next record only after a periodic emission has followed the previous one: the contract applies
 * each record as its own batch (the watermark is recomputed after every record), and Flink
 * recomputes it on each periodic emission. An emission runs in the source task's mailbox thread,
 * like the reader, so one that starts after a record finishes — every partition's generator,
 * then the combined watermark sent downstream — before the reader reads again.
 */
final class PeriodicEmits {
  private static long count;
  private static final List<Waiter> waiting = new ArrayList<>();

  private record Waiter(long target, CompletableFuture<Void> future) {}

  private PeriodicEmits() {}

  static synchronized long count() {
    return count;
  }

  /** Completes once `target` emissions have been counted. */
  static synchronized CompletableFuture<Void> reached(long target) {
    CompletableFuture<Void> future = new CompletableFuture<>();
    if (count >= target) future.complete(null);
    else waiting.add(new Waiter(target, future));
    return future;
  }

  private static void emitted() {
    List<CompletableFuture<Void>> due = new ArrayList<>();
    synchronized (PeriodicEmits.class) {
      count++;
      waiting.removeIf(w -> {
        if (w.target() > count) return false;
        due.add(w.future());
        return true;
      });
    }
    due.forEach(f -> f.complete(null));
  }

  /** The job's own strategy, its generators' periodic emissions counted. */
  static final class Counting<T> implements WatermarkStrategy<T> {
    private static final long serialVersionUID = 1L;
    private final WatermarkStrategy<T> strategy;

    Counting(WatermarkStrategy<T> strategy) {
      this.strategy = strategy;
    }

    @Override
    public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
      return strategy.createTimestampAssigner(context);
    }

    @Override
    public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
      WatermarkGenerator<T> generator = strategy.createWatermarkGenerator(context);
      return new WatermarkGenerator<>() {
        @Override
        public void onEvent(T event, long timestamp, WatermarkOutput output) {
          generator.onEvent(event, timestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
          generator.onPeriodicEmit(output);
          emitted();
        }
      };
    }
  }
}
