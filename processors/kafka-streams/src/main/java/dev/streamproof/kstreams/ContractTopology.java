package dev.streamproof.kstreams;

import dev.streamproof.core.JobConfig;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** raw-events → the contract's windowed aggregate → processed-events, late-events, the DLQ. */
final class ContractTopology {
  private ContractTopology() {}

  static Topology build(JobConfig job, Counters counters) {
    return build(job, counters, System::currentTimeMillis);
  }

  /** `clock`: processing time (the tests run the contract vectors at their own). */
  static Topology build(JobConfig job, Counters counters, LongSupplier clock) {
    Topology topology = new Topology();
    topology.addSource("raw-source", Serdes.String().deserializer(), Serdes.String().deserializer(), job.rawTopic());
    topology.addProcessor("contract-window", () -> new ContractProcessor(job.windowing(), counters, clock), "raw-source");
    // In memory, changelogged (restored from its compacted changelog after a crash); the cache
    // folds a window's updates within a commit interval into one changelog record.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ContractProcessor.STORE), Serdes.String(), Serdes.String())
            .withLoggingEnabled(Map.of())
            .withCachingEnabled(),
        "contract-window");
    topology.addSink(ContractProcessor.RESULTS, job.processedTopic(), Serdes.String().serializer(), Serdes.String().serializer(), "contract-window");
    topology.addSink(ContractProcessor.LATE, job.lateTopic(), Serdes.String().serializer(), Serdes.String().serializer(), "contract-window");
    topology.addSink(ContractProcessor.DLQ, job.dlqTopic(), Serdes.String().serializer(), Serdes.String().serializer(), "contract-window");
    return topology;
  }
}
