package dev.streamproof.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One JSON reader/writer for the core. Parsing is RFC 8259 as JavaScript's JSON.parse reads it:
 * nothing after the value, duplicate names → the last wins (Jackson's tree default), no NaN.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /** The parsed value, or throws with the parser's message. */
  public static JsonNode parse(String text) throws JsonProcessingException {
    JsonNode node = MAPPER.readTree(text);
    // readTree("") and readTree("   ") yield a missing node, not an error; JSON.parse rejects them.
    if (node == null || node.isMissingNode()) throw new JsonParseError("no JSON value");
    return node;
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode JSON: " + e.getMessage(), e);
    }
  }

  /** JavaScript's Number.isSafeInteger on the double a JSON number parses to (JSON.parse's reading). */
  public static boolean isSafeInteger(JsonNode node) {
    if (node == null || !node.isNumber()) return false;
    double d = node.doubleValue();
    return d == Math.rint(d) && Math.abs(d) <= 9007199254740991.0;
  }

  static final class JsonParseError extends JsonProcessingException {
    JsonParseError(String message) {
      super(message);
    }
  }
}
