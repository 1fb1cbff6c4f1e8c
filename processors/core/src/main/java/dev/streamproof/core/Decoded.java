package dev.streamproof.core;

/** A raw-events record decoded: a valid event, or the DLQ reason code, detail and identity. */
public record Decoded(Event event, String reasonCode, String reason, Identity identity) {
  public static Decoded ok(Event event) {
    return new Decoded(event, null, null, new Identity(event.generatorId(), event.seq()));
  }

  public static Decoded dlq(String reasonCode, String reason, Identity identity) {
    return new Decoded(null, reasonCode, reason, identity);
  }

  public boolean isEvent() {
    return event != null;
  }
}
