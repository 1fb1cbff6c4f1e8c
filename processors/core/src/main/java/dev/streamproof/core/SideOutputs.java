package dev.streamproof.core;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The late-events and DLQ values (docs/contract.md, "Late events" and "Dead-letter queue"), in
 * one place for every engine: the raw value unchanged, the source position, the identity.
 */
public final class SideOutputs {
  private SideOutputs() {}

  public static String late(int partition, long offset, String raw, Event event, String windowKey, long windowEndMs, long allowedLatenessMs, long watermarkMs) {
    ObjectNode o = Json.object();
    o.put("schemaVersion", 1);
    o.put("reason", "window " + windowKey + " closed: end " + windowEndMs + " + allowed lateness " + allowedLatenessMs + " ms <= watermark " + watermarkMs);
    o.put("sourcePartition", partition);
    o.put("sourceOffset", Long.toString(offset));
    o.put("eventId", event.eventId());
    o.put("generatorId", event.generatorId());
    o.put("seq", event.seq());
    o.put("windowKey", windowKey);
    o.put("windowEndMs", windowEndMs);
    o.put("watermarkMs", watermarkMs);
    o.put("raw", raw);
    return Json.write(o);
  }

  public static String dlq(int partition, long offset, String raw, String code, String reason, Identity identity) {
    ObjectNode o = Json.object();
    o.put("schemaVersion", 1);
    o.put("reasonCode", code);
    o.put("reason", reason);
    o.put("sourcePartition", partition);
    o.put("sourceOffset", Long.toString(offset));
    if (identity == null) {
      o.putNull("generatorId");
      o.putNull("seq");
    } else {
      o.put("generatorId", identity.generatorId());
      o.put("seq", identity.seq());
    }
    if (raw == null) o.putNull("raw");
    else o.put("raw", raw);
    return Json.write(o);
  }

  /** A side output's Kafka key: the raw record's key, `""` when it had none. */
  public static String key(String rawKey) {
    return rawKey == null ? "" : rawKey;
  }
}
