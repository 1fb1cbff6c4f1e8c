package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The end-of-input control record (docs/contract.md, "End of input"): key `__control`, value a
 * JSON object with exactly `streamproofControl: "advance-watermark"` and `eventTimeMs` (a safe
 * integer ≥ 0). Anything merely similar is an ordinary record (it goes to the DLQ).
 */
public final class ControlRecord {
  public static final String KEY = "__control";

  private ControlRecord() {}

  /** The event time it advances to, or null when (key, value) is not a control record. */
  public static Long eventTimeMs(String key, String value) {
    if (!KEY.equals(key) || value == null) return null;
    JsonNode node;
    try {
      node = Json.parse(value);
    } catch (Exception e) {
      return null;
    }
    if (!node.isObject() || node.size() != 2) return null;
    JsonNode kind = node.get("streamproofControl");
    if (kind == null || !kind.isTextual() || !"advance-watermark".equals(kind.textValue())) return null;
    JsonNode time = node.get("eventTimeMs");
    if (!Json.isSafeInteger(time) || time.doubleValue() < 0) return null;
    return (long) time.doubleValue();
  }
}
