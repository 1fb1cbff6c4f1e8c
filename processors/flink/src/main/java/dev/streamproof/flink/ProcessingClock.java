package dev.streamproof.flink;

import java.io.Serializable;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Where the job reads processing time: the DLQ's event-time-ahead check (wall-clock epoch ms)
 * and each source partition's idleness timer. The job runs on {@link #SYSTEM}; the contract
 * vectors replay records at the processing times they state, so their test passes a clock of its
 * own (FlinkVectorsTest) and runs the job's operators unchanged.
 */
public interface ProcessingClock extends Serializable {
  long nowMs();

  RelativeClock idleness(WatermarkGeneratorSupplier.Context context);

  /**
   * The system's clock for the ahead check; Flink's input-activity clock for idleness, which
   * stands still while the source is backpressured, so a partition that is merely waiting on a
   * slow window operator is never declared idle (what `withIdleness` uses).
   */
  ProcessingClock SYSTEM = new ProcessingClock() {
    private static final long serialVersionUID = 1L;

    @Override
    public long nowMs() {
      return System.currentTimeMillis();
    }

    @Override
    public RelativeClock idleness(WatermarkGeneratorSupplier.Context context) {
      return context.getInputActivityClock();
    }
  };
}
