package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The contract's test vectors (test/fixtures/contract/*.json, format in docs/contract.md "Test
 * vectors"), read from the repository: the Maven build passes their directory as the system
 * property `contract.vectors`. In main, not test, so every engine module's tests read them the same way.
 */
public final class ContractVectors {
  public record Vector(String name, WindowingConfig config, List<Integer> partitions, long nowMs, JsonNode records, JsonNode expected) {}

  private ContractVectors() {}

  public static Path directory() {
    String dir = System.getProperty("contract.vectors");
    if (dir == null) throw new IllegalStateException("system property contract.vectors is not set (run the tests through Maven)");
    return Path.of(dir);
  }

  public static List<Vector> load() throws IOException {
    List<Vector> vectors = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory())) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode v = Json.MAPPER.readTree(Files.readString(file));
        JsonNode c = v.get("config");
        WindowingConfig config = new WindowingConfig(
            c.get("windowMs").longValue(),
            c.get("outOfOrdernessMs").longValue(),
            c.get("allowedLatenessMs").longValue(),
            c.get("idleTimeoutMs").longValue(),
            c.get("maxEventTimeAheadMs").isNull() ? null : c.get("maxEventTimeAheadMs").longValue());
        List<Integer> partitions = new ArrayList<>();
        for (JsonNode p : v.get("partitions")) partitions.add(p.intValue());
        vectors.add(new Vector(v.get("name").textValue(), config, partitions, v.get("nowMs").longValue(), v.get("records"), v.get("expected")));
      }
    }
    return vectors;
  }

  /**
   * A late-events or DLQ record as the vectors write it: `{key, value}`, the value without its
   * `reason` (human-readable, implementation-defined), which must still be a string.
   */
  public static ObjectNode sideRecord(String key, String valueJson) throws IOException {
    ObjectNode value = (ObjectNode) Json.parse(valueJson);
    JsonNode reason = value.remove("reason");
    if (reason == null || !reason.isTextual()) throw new AssertionError("reason must be a string: " + valueJson);
    ObjectNode record = Json.object();
    record.put("key", key);
    record.set("value", value);
    return record;
  }

  public static String textOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n.textValue();
  }
}
