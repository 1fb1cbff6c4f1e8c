package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * What the harness hands a JVM processor (a JSON file written by its driver,
 * src/drivers/processor/jvm-config.ts): the cluster, the run's topics, the contract's windowing
 * settings and the engine's own. An unknown field is an error, so a setting the driver passes is
 * never silently ignored here.
 */
public record JobConfig(
    String bootstrapServers,
    String rawTopic,
    String processedTopic,
    String lateTopic,
    String dlqTopic,
    String applicationId,
    WindowingConfig windowing,
    int instance,
    int parallelism,
    int slots,
    int taskManagers,
    long checkpointIntervalMs,
    String stateDir) {
  private static final Set<String> FIELDS = Set.of(
      "bootstrapServers", "topics", "applicationId", "windowing", "instance", "parallelism", "slots", "taskManagers", "checkpointIntervalMs", "stateDir");

  public static JobConfig read(Path file) throws IOException {
    JsonNode o = Json.MAPPER.readTree(Files.readString(file));
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) throw new IllegalArgumentException("unknown field " + name + " in " + file);
    }
    JsonNode t = o.get("topics");
    JsonNode w = o.get("windowing");
    WindowingConfig windowing = new WindowingConfig(
        w.get("windowMs").longValue(),
        w.get("outOfOrdernessMs").longValue(),
        w.get("allowedLatenessMs").longValue(),
        w.get("idleTimeoutMs").longValue(),
        w.hasNonNull("maxEventTimeAheadMs") ? w.get("maxEventTimeAheadMs").longValue() : null);
    return new JobConfig(
        o.get("bootstrapServers").textValue(),
        t.get("raw").textValue(),
        t.get("processed").textValue(),
        t.get("late").textValue(),
        t.get("dlq").textValue(),
        o.get("applicationId").textValue(),
        windowing,
        o.path("instance").asInt(0),
        o.path("parallelism").asInt(1),
        o.path("slots").asInt(1),
        o.path("taskManagers").asInt(1),
        o.path("checkpointIntervalMs").asLong(1000),
        o.get("stateDir").textValue());
  }
}
