package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One open window: what it counted, its result (docs/contract.md, "Window results") and its
 * persisted state (an engine's state store or checkpoint holds it between records).
 */
public final class WindowAccumulator {
  public final String key;
  public final String userId;
  public final int partition;
  public final long windowStartMs;
  public final long windowEndMs;
  long count;
  final long[] countsByType = new long[Event.TYPES.size()];
  long revenueCents;
  final Set<String> sessions = new LinkedHashSet<>();
  long firstEventTimeMs = Long.MAX_VALUE;
  long lastEventTimeMs = Long.MIN_VALUE;
  Fingerprint fingerprint = new Fingerprint();
  long maxIntendedAtMs = Long.MIN_VALUE;
  /** Revisions emitted so far (0 = not fired yet). */
  public int emittedRevisions;

  public WindowAccumulator(String key, String userId, int partition, long windowStartMs, long windowEndMs) {
    this.key = key;
    this.userId = userId;
    this.partition = partition;
    this.windowStartMs = windowStartMs;
    this.windowEndMs = windowEndMs;
  }

  /** Currency units → integer cents, rounded once per event, halves upwards (JavaScript's Math.round). */
  public static long toCents(double value) {
    // Java's Math.round, like JavaScript's, rounds the exact double to the nearest, ties upwards.
    return Math.round(value * 100);
  }

  public void add(Event event) {
    count += 1;
    countsByType[event.typeIndex()] += 1;
    if (event.value() != null) revenueCents += toCents(event.value());
    sessions.add(event.sessionId());
    firstEventTimeMs = Math.min(firstEventTimeMs, event.eventTime());
    lastEventTimeMs = Math.max(lastEventTimeMs, event.eventTime());
    fingerprint.add(event.eventId());
    maxIntendedAtMs = Math.max(maxIntendedAtMs, event.intendedAt());
  }

  public long count() {
    return count;
  }

  /** The processed-events value, every field of the contract's WindowResult. */
  public String toResultJson(int revision, long outOfOrdernessMs, long watermarkMs) {
    ObjectNode o = Json.object();
    o.put("schemaVersion", 1);
    o.put("key", key);
    o.put("userId", userId);
    o.put("windowStartMs", windowStartMs);
    o.put("windowEndMs", windowEndMs);
    o.put("sourcePartition", partition);
    o.put("count", count);
    ObjectNode byType = o.putObject("countsByType");
    for (int i = 0; i < countsByType.length; i++) byType.put(Event.TYPES.get(i), countsByType[i]);
    o.put("revenueCents", revenueCents);
    o.put("distinctSessions", sessions.size());
    o.put("firstEventTimeMs", firstEventTimeMs);
    o.put("lastEventTimeMs", lastEventTimeMs);
    ObjectNode fp = o.putObject("fingerprint");
    fp.put("count", fingerprint.count());
    fp.put("hashSum", fingerprint.hashSumHex());
    o.put("maxIntendedAtMs", maxIntendedAtMs);
    o.put("revision", revision);
    o.put("closeAtMs", windowEndMs + outOfOrdernessMs);
    o.put("watermarkMs", watermarkMs);
    return Json.write(o);
  }

  public String toStateJson() {
    ObjectNode o = Json.object();
    o.put("v", 1);
    o.put("key", key);
    o.put("userId", userId);
    o.put("partition", partition);
    o.put("windowStartMs", windowStartMs);
    o.put("windowEndMs", windowEndMs);
    o.put("count", count);
    ArrayNode types = o.putArray("countsByType");
    for (long c : countsByType) types.add(c);
    o.put("revenueCents", revenueCents);
    ArrayNode s = o.putArray("sessions");
    for (String session : sessions) s.add(session);
    o.put("firstEventTimeMs", firstEventTimeMs);
    o.put("lastEventTimeMs", lastEventTimeMs);
    o.put("fingerprintCount", fingerprint.count());
    o.put("fingerprintHashSum", fingerprint.hashSumHex());
    o.put("maxIntendedAtMs", maxIntendedAtMs);
    o.put("emittedRevisions", emittedRevisions);
    return Json.write(o);
  }

  public static WindowAccumulator fromStateJson(String json) {
    JsonNode o;
    try {
      o = Json.parse(json);
    } catch (Exception e) {
      throw new IllegalStateException("corrupt window state: " + e.getMessage(), e);
    }
    WindowAccumulator w = new WindowAccumulator(
        o.get("key").textValue(), o.get("userId").textValue(), o.get("partition").intValue(), o.get("windowStartMs").longValue(), o.get("windowEndMs").longValue());
    w.count = o.get("count").longValue();
    for (int i = 0; i < w.countsByType.length; i++) w.countsByType[i] = o.get("countsByType").get(i).longValue();
    w.revenueCents = o.get("revenueCents").longValue();
    for (JsonNode s : o.get("sessions")) w.sessions.add(s.textValue());
    w.firstEventTimeMs = o.get("firstEventTimeMs").longValue();
    w.lastEventTimeMs = o.get("lastEventTimeMs").longValue();
    w.fingerprint = new Fingerprint(o.get("fingerprintCount").longValue(), Fingerprint.parseHex(o.get("fingerprintHashSum").textValue()));
    w.maxIntendedAtMs = o.get("maxIntendedAtMs").longValue();
    w.emittedRevisions = o.get("emittedRevisions").intValue();
    return w;
  }
}
