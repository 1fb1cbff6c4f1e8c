package dev.streamproof.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamproof.core.ContractVectors;
import dev.streamproof.core.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Flink job's own operators — its watermark strategy (bounded out-of-orderness with
 * idleness, per source partition), the deserializer's classification, routing, the keyed
 * tumbling window with allowed lateness and revisions, the late side output — against every
 * contract vector, in a MiniCluster. One source subtask reads all of a vector's partitions in
 * the vector's order, which is the case in which the contract says an engine with one watermark
 * per operator must give its exact outputs (docs/contract.md). Processing time is the vector's
 * (VectorClock); only the Kafka source and sink are left out, and those are covered end to end
 * by the e2e and crash tests.
 *
 * <p>One difference is by design (docs/processors-jvm.md): a keyed window cannot see another
 * partition's windows, so `partition-changed` is not detected. A vector's record whose expected
 * DLQ reason is that is left out of the input, together with that DLQ record; such a record
 * moves no watermark (DLQ records never do), so every other output stays as the vector says.
 */
class FlinkVectorsTest {
  static final String UNDETECTABLE = "partition-changed";

  /** The vector's records, less those whose expected DLQ reason Flink cannot detect. */
  static List<VectorSource.Record> input(ContractVectors.Vector vector) {
    List<String> undetectable = new ArrayList<>();
    for (JsonNode d : vector.expected().get("dlq")) {
      JsonNode v = d.get("value");
      if (UNDETECTABLE.equals(v.get("reasonCode").textValue())) undetectable.add(v.get("sourcePartition").intValue() + "@" + v.get("sourceOffset").asText());
    }
    List<VectorSource.Record> records = new ArrayList<>();
    for (JsonNode r : vector.records()) {
      int partition = r.get("partition").intValue();
      long offset = r.get("offset").longValue();
      if (undetectable.contains(partition + "@" + offset)) continue;
      long at = r.has("atMs") ? r.get("atMs").longValue() : vector.nowMs();
      records.add(new VectorSource.Record(partition, offset, ContractVectors.textOrNull(r.get("key")), ContractVectors.textOrNull(r.get("value")), at));
    }
    return records;
  }

  static ArrayNode expected(ContractVectors.Vector vector, String part) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode e : vector.expected().get(part)) {
      if (part.equals("dlq") && UNDETECTABLE.equals(e.get("value").get("reasonCode").textValue())) continue;
      out.add(e);
    }
    return out;
  }

  static List<OutRecord> run(ContractVectors.Vector vector, List<VectorSource.Record> records) throws Exception {
    VectorClock.set(vector.nowMs());
    Configuration conf = Main.loopbackOnly(new Configuration());
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("16m"));
    conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("16m"));
    // Short, so the source's wait for an emission between records costs milliseconds.
    conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(5));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    DataStream<Classified> raw = env.fromSource(
        new VectorSource(records, vector.partitions(), vector.config().maxEventTimeAheadMs()),
        new PeriodicEmits.Counting<>(ContractJob.watermarks(vector.config(), VectorClock.INSTANCE)),
        "raw-events");
    CollectingSink.clear();
    ContractJob.contract(raw, vector.config()).sinkTo(new CollectingSink());
    env.execute("vector " + vector.name());
    return CollectingSink.written();
  }

  /** The topic's records as the vector writes them: results by value, side records as {key, value} without `reason`. */
  static ArrayNode actual(List<OutRecord> out, int topic) throws Exception {
    ArrayNode records = Json.MAPPER.createArrayNode();
    for (OutRecord r : out) {
      if (r.topic != topic) continue;
      if (topic != OutRecord.RESULT) {
        records.add(ContractVectors.sideRecord(r.key, r.value));
        continue;
      }
      ObjectNode value = (ObjectNode) Json.parse(r.value);
      assertEquals(value.get("key").textValue(), r.key, "a result's Kafka key is its key field");
      records.add(value);
    }
    return records;
  }

  @Test
  void hasEveryVector() throws Exception {
    assertTrue(ContractVectors.load().size() >= 6, "expected at least 6 vectors in " + ContractVectors.directory());
  }

  @TestFactory
  Stream<DynamicTest> everyVectorThroughTheJob() throws Exception {
    return ContractVectors.load().stream().map(vector -> DynamicTest.dynamicTest(vector.name(), () -> {
      List<OutRecord> out = run(vector, input(vector));
      String[] parts = {"results", "late", "dlq"};
      int[] topics = {OutRecord.RESULT, OutRecord.LATE, OutRecord.DLQ};
      for (int i = 0; i < parts.length; i++) {
        ArrayNode want = expected(vector, parts[i]);
        ArrayNode got = actual(out, topics[i]);
        assertEquals(want.size(), got.size(), parts[i] + " count of " + vector.name() + ": got " + got);
        for (int j = 0; j < want.size(); j++) assertEquals(want.get(j), got.get(j), parts[i] + "[" + j + "] of " + vector.name());
      }
    }));
  }
}
