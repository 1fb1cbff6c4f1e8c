package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A raw-events record → a valid event or its DLQ reason (docs/contract.md, "Validity" and
 * "Keying and the DLQ"), the checks in the order of the reason codes. Never throws: a poison
 * record must not stall its partition. Lengths are in Unicode code points; numbers are read as
 * JavaScript reads them (the nearest double), so `1.0` and `1e3` are integers and 2^53 is not.
 */
public final class EventDecoder {
  private static final Set<String> FIELDS = Set.of(
      "schemaVersion", "eventId", "generatorId", "seq", "userId", "sessionId", "type", "page", "device", "country", "value", "eventTime", "intendedAt", "pad");
  private static final Pattern GENERATOR_ID = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");

  private EventDecoder() {}

  public static Decoded decode(String key, String value, Long maxEventTimeAheadMs, long nowMs) {
    if (value == null) return Decoded.dlq("no-value", "record has no value", null);
    JsonNode node;
    try {
      node = Json.parse(value);
    } catch (Exception e) {
      return Decoded.dlq("not-json", "not JSON: " + firstLine(e.getMessage()), Identity.extract(value, null, false));
    }
    String problem = problem(node);
    if (problem != null) return Decoded.dlq("invalid-event", "invalid event: " + problem, Identity.extract(value, node, true));
    Event event = toEvent(node);
    Identity identity = new Identity(event.generatorId(), event.seq());
    if (!event.userId().equals(key)) {
      return Decoded.dlq("key-mismatch", "record key " + (key == null ? "null" : "\"" + key + "\"") + " does not match userId \"" + event.userId() + "\"", identity);
    }
    if (maxEventTimeAheadMs != null && event.eventTime() > nowMs + maxEventTimeAheadMs) {
      return Decoded.dlq("event-time-ahead", "eventTime " + event.eventTime() + " is more than " + maxEventTimeAheadMs + " ms ahead of processing time " + nowMs, identity);
    }
    return Decoded.ok(event);
  }

  private static String firstLine(String message) {
    if (message == null) return "parse error";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static int codePoints(String s) {
    return s.codePointCount(0, s.length());
  }

  private static boolean isCount(JsonNode n) {
    return Json.isSafeInteger(n) && n.doubleValue() >= 0;
  }

  private static String text(JsonNode node, String field, int min, int max) {
    JsonNode n = node.get(field);
    if (n == null) return field + " is missing";
    if (!n.isTextual()) return field + " must be a string";
    int length = codePoints(n.textValue());
    if (length < min || length > max) return field + " must have " + (min == max ? min : min + "-" + max) + " characters, has " + length;
    return null;
  }

  /** Why the value is not a valid event, or null when it is one. */
  static String problem(JsonNode node) {
    if (!node.isObject()) return "not a JSON object";
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) return "unknown field " + name;
    }
    for (String field : FIELDS) if (!field.equals("pad") && !node.has(field)) return field + " is missing";
    JsonNode version = node.get("schemaVersion");
    if (!version.isNumber() || version.doubleValue() != 1.0) return "schemaVersion must be 1";
    for (String field : new String[] {"seq", "eventTime", "intendedAt"}) {
      if (!isCount(node.get(field))) return field + " must be an integer >= 0";
    }
    JsonNode gid = node.get("generatorId");
    if (!gid.isTextual() || !GENERATOR_ID.matcher(gid.textValue()).matches()) return "generatorId must be 1-64 of A-Z a-z 0-9 _ . -";
    String p = text(node, "eventId", 3, 128);
    if (p != null) return p;
    String expectedId = gid.textValue() + ":" + (long) node.get("seq").doubleValue();
    if (!node.get("eventId").textValue().equals(expectedId)) return "eventId must be " + expectedId;
    if ((p = text(node, "userId", 1, 128)) != null) return p;
    if ((p = text(node, "sessionId", 1, 128)) != null) return p;
    JsonNode type = node.get("type");
    if (!type.isTextual() || !Event.TYPES.contains(type.textValue())) return "type must be one of " + Event.TYPES;
    if ((p = text(node, "page", 0, 512)) != null) return p;
    JsonNode device = node.get("device");
    if (!device.isTextual() || !Event.DEVICES.contains(device.textValue())) return "device must be one of " + Event.DEVICES;
    if ((p = text(node, "country", 2, 2)) != null) return p;
    JsonNode amount = node.get("value");
    boolean purchase = "purchase".equals(type.textValue());
    if (purchase) {
      if (!amount.isNumber() || !Double.isFinite(amount.doubleValue()) || amount.doubleValue() < 0) return "value must be a number >= 0 for a purchase";
    } else if (!amount.isNull()) {
      return "value must be null unless type is purchase";
    }
    JsonNode pad = node.get("pad");
    if (pad != null && !pad.isTextual()) return "pad must be a string";
    return null;
  }

  private static Event toEvent(JsonNode node) {
    String type = node.get("type").textValue();
    JsonNode amount = node.get("value");
    return new Event(
        node.get("eventId").textValue(),
        node.get("generatorId").textValue(),
        (long) node.get("seq").doubleValue(),
        node.get("userId").textValue(),
        node.get("sessionId").textValue(),
        Event.TYPES.indexOf(type),
        amount.isNull() ? null : amount.doubleValue(),
        (long) node.get("eventTime").doubleValue(),
        (long) node.get("intendedAt").doubleValue());
  }
}
