package dev.streamproof.flink;

import dev.streamproof.core.WindowAccumulator;
import dev.streamproof.core.Windows;

/**
 * The aggregate's accumulator: the contract core's WindowAccumulator, created by the window's
 * first event (which names its user and source partition). Kept as its state JSON between
 * checkpoints would cost a serialisation per event; on the heap backend the object lives as is.
 */
public class WindowCell {
  public WindowAccumulator window;

  public WindowCell() {}

  void add(Classified c, long windowMs) {
    if (window == null) {
      long start = Windows.startMs(c.timestampMs, windowMs);
      window = new WindowAccumulator(Windows.key(c.userId, start), c.userId, c.partition, start, start + windowMs);
    }
    window.add(c.event());
  }
}
