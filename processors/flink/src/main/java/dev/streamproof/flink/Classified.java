package dev.streamproof.flink;

import dev.streamproof.core.Event;

/**
 * A raw-events record as it leaves the source, already classified by the contract core: an
 * event (with its position, for late-events), an end-of-input control record (a watermark
 * observation only), or a DLQ value. A Flink POJO (public fields, no-arg constructor).
 */
public class Classified {
  public static final int EVENT = 0;
  public static final int CONTROL = 1;
  public static final int DLQ = 2;

  public int kind;
  public int partition;
  public long offset;
  public String key;
  public String raw;
  /** The event time (events), the advance-to time (control), Long.MIN_VALUE (DLQ: no event time). */
  public long timestampMs;
  /** The DLQ value (kind DLQ). */
  public String dlqValue;
  // The event's fields (kind EVENT).
  public String eventId;
  public String generatorId;
  public long seq;
  public String userId;
  public String sessionId;
  public int typeIndex;
  public Double value;
  public long intendedAt;

  public Classified() {}

  public Event event() {
    return new Event(eventId, generatorId, seq, userId, sessionId, typeIndex, value, timestampMs, intendedAt);
  }
}
