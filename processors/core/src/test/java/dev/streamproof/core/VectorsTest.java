package dev.streamproof.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Java core against every contract vector: each record its own batch at its processing
 * time; results, late-events and DLQ records must equal the expected ones field by field
 * (`reason` excluded, as the vector format says), in order, and nothing may be left open.
 */
class VectorsTest {
  static JsonNode parse(String s) throws Exception {
    return Json.parse(s);
  }

  static ObjectNode sideRecord(ProcessorCore.Output o) throws Exception {
    return ContractVectors.sideRecord(o.key(), o.value());
  }

  static ObjectNode run(ContractVectors.Vector vector, int[] openWindows) throws Exception {
    ProcessorCore core = new ProcessorCore(vector.config());
    core.assign(vector.partitions(), vector.nowMs());
    ArrayNode results = Json.MAPPER.createArrayNode();
    ArrayNode late = Json.MAPPER.createArrayNode();
    ArrayNode dlq = Json.MAPPER.createArrayNode();
    for (JsonNode r : vector.records()) {
      long at = r.has("atMs") ? r.get("atMs").longValue() : vector.nowMs();
      ProcessorCore.Outputs outputs = core.process(
          new ProcessorCore.SourceRecord(r.get("partition").intValue(), r.get("offset").longValue(), ContractVectors.textOrNull(r.get("key")), ContractVectors.textOrNull(r.get("value"))),
          at);
      for (ProcessorCore.Output o : outputs.results) {
        JsonNode value = parse(o.value());
        assertEquals(value.get("key").textValue(), o.key(), "a result's Kafka key is its key field");
        results.add(value);
      }
      for (ProcessorCore.Output o : outputs.late) late.add(sideRecord(o));
      for (ProcessorCore.Output o : outputs.dlq) dlq.add(sideRecord(o));
    }
    openWindows[0] = core.openWindowCount();
    ObjectNode actual = Json.object();
    actual.set("results", results);
    actual.set("late", late);
    actual.set("dlq", dlq);
    return actual;
  }

  @Test
  void hasTheVectors() throws Exception {
    assertTrue(ContractVectors.load().size() >= 6, "expected at least 6 vectors in " + ContractVectors.directory());
  }

  @TestFactory
  Stream<DynamicTest> everyVector() throws Exception {
    List<ContractVectors.Vector> vectors = ContractVectors.load();
    return vectors.stream().map(vector -> DynamicTest.dynamicTest(vector.name(), () -> {
      int[] open = new int[1];
      ObjectNode actual = run(vector, open);
      for (String part : new String[] {"results", "late", "dlq"}) {
        JsonNode expected = vector.expected().get(part);
        JsonNode got = actual.get(part);
        assertEquals(expected.size(), got.size(), part + " count of " + vector.name() + ": got " + got);
        for (int i = 0; i < expected.size(); i++) assertEquals(expected.get(i), got.get(i), part + "[" + i + "] of " + vector.name());
      }
      assertEquals(0, open[0], "windows left open after " + vector.name());
    }));
  }
}
