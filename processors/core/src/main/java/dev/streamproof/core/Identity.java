package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * Best-effort identity `generatorId:seq` of a record that may not be a valid event
 * (docs/contract.md, "Identities"): from the decoded object (generatorId + seq, else eventId
 * split at its last `:`), else by scanning the text, which still finds them in broken JSON.
 * A seq beyond 2^31 − 1 counts as no identity.
 */
public record Identity(String generatorId, long seq) {
  private static final Pattern ID_CHARS = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");
  private static final int MAX_SEQ_DIGITS = 16;
  private static final double MAX_TRACKED_SEQ = 2147483647.0;

  static Identity of(String generatorId, double seq) {
    if (generatorId == null || !ID_CHARS.matcher(generatorId).matches()) return null;
    if (!(seq == Math.rint(seq) && seq >= 0 && seq <= MAX_TRACKED_SEQ)) return null;
    return new Identity(generatorId, (long) seq);
  }

  private static Identity of(String generatorId, String seqDigits) {
    if (seqDigits == null || seqDigits.isEmpty() || seqDigits.length() > MAX_SEQ_DIGITS) return null;
    for (int i = 0; i < seqDigits.length(); i++) {
      char c = seqDigits.charAt(i);
      if (c < '0' || c > '9') return null;
    }
    return of(generatorId, Double.parseDouble(seqDigits));
  }

  private static Identity splitEventId(String eventId) {
    if (eventId == null) return null;
    int at = eventId.lastIndexOf(':');
    return at > 0 ? of(eventId.substring(0, at), eventId.substring(at + 1)) : null;
  }

  /** From an already-decoded value: its generatorId and seq, else its eventId. */
  public static Identity ofDecoded(JsonNode value) {
    if (value == null || !value.isObject()) return null;
    JsonNode gid = value.get("generatorId");
    JsonNode seq = value.get("seq");
    Identity found = null;
    if (gid != null && gid.isTextual() && seq != null) {
      if (seq.isNumber()) found = of(gid.textValue(), seq.doubleValue());
      else if (seq.isTextual()) found = of(gid.textValue(), seq.textValue());
    }
    if (found != null) return found;
    JsonNode eventId = value.get("eventId");
    return eventId != null && eventId.isTextual() ? splitEventId(eventId.textValue()) : null;
  }

  /** From raw text: `decoded` when the caller parsed it (null if it did not parse), else a scan of the text. */
  public static Identity extract(String raw, JsonNode decoded, boolean parsed) {
    if (parsed) {
      Identity fromDecoded = ofDecoded(decoded);
      if (fromDecoded != null) return fromDecoded;
    }
    if (raw == null) return null;
    Identity found = of(scanString(raw, "generatorId"), scanDigits(raw, "seq"));
    return found != null ? found : splitEventId(scanString(raw, "eventId"));
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  /** Index just past `"name"` and its colon (white space allowed), or -1. */
  private static int valueStart(String text, String name) {
    String key = "\"" + name + "\"";
    int i = text.indexOf(key);
    if (i < 0) return -1;
    i += key.length();
    while (i < text.length() && isSpace(text.charAt(i))) i++;
    if (i >= text.length() || text.charAt(i) != ':') return -1;
    i++;
    while (i < text.length() && isSpace(text.charAt(i))) i++;
    return i;
  }

  private static String scanString(String text, String name) {
    int start = valueStart(text, name);
    if (start < 0 || start >= text.length() || text.charAt(start) != '"') return null;
    int end = text.indexOf('"', start + 1);
    if (end < 0) return null;
    String value = text.substring(start + 1, end);
    return value.indexOf('\\') >= 0 ? null : value;
  }

  private static String scanDigits(String text, String name) {
    int start = valueStart(text, name);
    if (start < 0) return null;
    int end = start;
    while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') end++;
    if (end == start || end - start > MAX_SEQ_DIGITS) return null;
    if (end < text.length()) {
      char next = text.charAt(end);
      if (next == '.' || next == 'e' || next == 'E') return null;
    }
    return text.substring(start, end);
  }
}
