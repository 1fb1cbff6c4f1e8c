package dev.streamproof.kstreams;

import dev.streamproof.core.ProcessorCore;
import dev.streamproof.core.WindowingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The windowed aggregate of one Kafka Streams task (= one raw-events partition): the contract
 * core (docs/contract.md) folds each record into its window, and the windows, the watermark and
 * the grace (outOfOrdernessMs + allowedLatenessMs) live in the task's changelogged state store.
 * Under exactly_once_v2 the store's changelog, the outputs and the input offsets of a commit are
 * one transaction, so a crash restores exactly the state that produced the committed results.
 *
 * Why not the DSL's windowedBy().aggregate(): it drops late records (a metric only, no record to
 * send to late-events), it emits a closed window only when a later record arrives (and throttles
 * that to once per second of wall time), and it has no revision per late firing or watermark on
 * its output. The contract needs all of those; this processor is the same tumbling window with
 * grace, emitted when the window fires and closes, with the contract's side outputs.
 */
final class ContractProcessor implements Processor<String, String, String, String> {
  static final String STORE = "contract-windows";
  static final String RESULTS = "processed-sink";
  static final String LATE = "late-sink";
  static final String DLQ = "dlq-sink";

  private final WindowingConfig config;
  private final Counters counters;
  private final LongSupplier clock;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, String> store;
  private ProcessorCore core;
  private int partition = -1;

  ContractProcessor(WindowingConfig config, Counters counters, LongSupplier clock) {
    this.config = config;
    this.counters = counters;
    this.clock = clock;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.partition = context.taskId().partition();
    this.core = new ProcessorCore(config);
    long now = clock.getAsLong();
    core.assign(List.of(partition), now);
    List<ProcessorCore.Change> persisted = new ArrayList<>();
    try (KeyValueIterator<String, String> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, String> entry = all.next();
        persisted.add(new ProcessorCore.Change(partition, entry.key, entry.value));
      }
    }
    core.restore(persisted);
    // With one partition per task idleness changes nothing; the tick emits what a restored
    // watermark already passed without waiting for the next record.
    context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, at -> emit(core.tick(clock.getAsLong())));
  }

  @Override
  public void process(Record<String, String> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    counters.eventsIn.incrementAndGet();
    emit(core.process(new ProcessorCore.SourceRecord(meta.partition(), meta.offset(), record.key(), record.value()), clock.getAsLong()));
  }

  private void emit(ProcessorCore.Outputs outputs) {
    if (outputs.isEmpty()) return;
    long now = clock.getAsLong();
    for (ProcessorCore.Output o : outputs.results) context.forward(new Record<>(o.key(), o.value(), now), RESULTS);
    for (ProcessorCore.Output o : outputs.late) context.forward(new Record<>(o.key(), o.value(), now), LATE);
    for (ProcessorCore.Output o : outputs.dlq) context.forward(new Record<>(o.key(), o.value(), now), DLQ);
    for (ProcessorCore.Change c : outputs.changes) {
      if (c.value() == null) store.delete(c.key());
      else store.put(c.key(), c.value());
    }
    counters.results.addAndGet(outputs.results.size());
    counters.late.addAndGet(outputs.late.size());
    counters.dlq.addAndGet(outputs.dlq.size());
  }
}
