package dev.streamproof.kstreams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamproof.core.ContractVectors;
import dev.streamproof.core.JobConfig;
import dev.streamproof.core.Json;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Kafka Streams topology itself (source → contract window → the three sinks, with its state
 * store) against the contract vectors, through Kafka Streams' TopologyTestDriver. A task owns
 * one partition, so its watermark is that partition's: the single-partition vectors are the ones
 * its output must equal exactly; the multi-partition ones (a watermark shared by partitions)
 * run through the same core in processor-core's VectorsTest.
 */
class KafkaStreamsVectorsTest {
  static List<ContractVectors.Vector> singlePartition() throws Exception {
    return ContractVectors.load().stream().filter(v -> v.partitions().equals(List.of(0))).toList();
  }

  static ArrayNode read(TestOutputTopic<String, String> topic, boolean side) throws Exception {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (TestRecord<String, String> r : topic.readRecordsToList()) {
      if (side) {
        out.add(ContractVectors.sideRecord(r.key(), r.value()));
        continue;
      }
      ObjectNode value = (ObjectNode) Json.parse(r.value());
      assertEquals(value.get("key").textValue(), r.key());
      out.add(value);
    }
    return out;
  }

  @Test
  void hasSinglePartitionVectors() throws Exception {
    assertTrue(singlePartition().size() >= 2);
  }

  @TestFactory
  Stream<DynamicTest> singlePartitionVectorsThroughTheTopology() throws Exception {
    return singlePartition().stream().map(vector -> DynamicTest.dynamicTest(vector.name(), () -> {
      var dir = Files.createTempDirectory("kstreams-vector");
      String w = Json.write(Json.MAPPER.valueToTree(vector.config()));
      var file = dir.resolve("job.json");
      Files.writeString(file, "{\"bootstrapServers\":\"unused:9092\",\"topics\":{\"raw\":\"raw\",\"processed\":\"processed\",\"late\":\"late\",\"dlq\":\"dlq\"},"
          + "\"applicationId\":\"vectors\",\"windowing\":" + w + ",\"stateDir\":\"" + dir + "\"}");
      JobConfig job = JobConfig.read(file);
      AtomicLong now = new AtomicLong(vector.nowMs());
      Properties props = Main.properties(job);
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE); // the test driver has no transactions
      try (TopologyTestDriver driver = new TopologyTestDriver(ContractTopology.build(job, new Counters(), now::get), props)) {
        TestInputTopic<String, String> raw = driver.createInputTopic("raw", new StringSerializer(), new StringSerializer());
        var processed = driver.createOutputTopic("processed", new StringDeserializer(), new StringDeserializer());
        var late = driver.createOutputTopic("late", new StringDeserializer(), new StringDeserializer());
        var dlq = driver.createOutputTopic("dlq", new StringDeserializer(), new StringDeserializer());
        long offset = 0;
        for (JsonNode r : vector.records()) {
          assertEquals(offset++, r.get("offset").longValue(), "the test driver numbers offsets from 0");
          now.set(r.has("atMs") ? r.get("atMs").longValue() : vector.nowMs());
          raw.pipeInput(ContractVectors.textOrNull(r.get("key")), ContractVectors.textOrNull(r.get("value")), now.get());
        }
        JsonNode expected = vector.expected();
        assertEquals(expected.get("results"), read(processed, false), "results of " + vector.name());
        assertEquals(expected.get("late"), read(late, true), "late-events of " + vector.name());
        assertEquals(expected.get("dlq"), read(dlq, true), "DLQ of " + vector.name());
      }
    }));
  }
}
