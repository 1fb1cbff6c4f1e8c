package dev.streamproof.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A contract vector's raw-events records as a Flink source shaped like the Kafka source: one
 * split per partition, each with its own watermark generator (per-split outputs, as the
 * KafkaSource's reader), the records read through the job's own {@link ClassifyingDeserializer}
 * in the vector's order across partitions, each at its processing time, one at a time with a
 * periodic watermark emission between them (see {@link PeriodicEmits}). After the last record and
 * one more emission the input ends; Flink then sends its final watermark, so a window the vector
 * left open would fire an extra result and fail the comparison.
 */
final class VectorSource implements Source<Classified, VectorSource.PartitionSplit, Integer> {
  private static final long serialVersionUID = 1L;

  record Record(int partition, long offset, String key, String value, long atMs) implements Serializable {}

  record PartitionSplit(int partition) implements SourceSplit, Serializable {
    @Override
    public String splitId() {
      return "raw-events-" + partition;
    }
  }

  private final List<Record> records;
  private final List<Integer> partitions;
  private final Long maxEventTimeAheadMs;

  VectorSource(List<Record> records, List<Integer> partitions, Long maxEventTimeAheadMs) {
    this.records = new ArrayList<>(records);
    this.partitions = new ArrayList<>(partitions);
    this.maxEventTimeAheadMs = maxEventTimeAheadMs;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.BOUNDED;
  }

  @Override
  public SourceReader<Classified, PartitionSplit> createReader(SourceReaderContext context) {
    return new Reader(records, new ClassifyingDeserializer(maxEventTimeAheadMs, VectorClock.INSTANCE));
  }

  @Override
  public SplitEnumerator<PartitionSplit, Integer> createEnumerator(SplitEnumeratorContext<PartitionSplit> context) {
    return new Enumerator(context, partitions);
  }

  @Override
  public SplitEnumerator<PartitionSplit, Integer> restoreEnumerator(SplitEnumeratorContext<PartitionSplit> context, Integer checkpoint) {
    throw new UnsupportedOperationException("the vectors run without checkpoints");
  }

  @Override
  public SimpleVersionedSerializer<PartitionSplit> getSplitSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(PartitionSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeInt(split.partition());
        return bytes.toByteArray();
      }

      @Override
      public PartitionSplit deserialize(int version, byte[] serialized) throws IOException {
        return new PartitionSplit(new DataInputStream(new ByteArrayInputStream(serialized)).readInt());
      }
    };
  }

  @Override
  public SimpleVersionedSerializer<Integer> getEnumeratorCheckpointSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(Integer assigned) {
        return new byte[] {assigned.byteValue()};
      }

      @Override
      public Integer deserialize(int version, byte[] serialized) {
        return (int) serialized[0];
      }
    };
  }

  /** Every partition to the one reader at once: the vector's partitions are assigned together at `nowMs`. */
  private static final class Enumerator implements SplitEnumerator<PartitionSplit, Integer> {
    private final SplitEnumeratorContext<PartitionSplit> context;
    private final List<Integer> partitions;
    private boolean assigned;

    Enumerator(SplitEnumeratorContext<PartitionSplit> context, List<Integer> partitions) {
      this.context = context;
      this.partitions = partitions;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<PartitionSplit> splits, int subtaskId) {
      throw new IllegalStateException("a vector's reader never fails over");
    }

    @Override
    public void addReader(int subtaskId) {
      if (assigned) return;
      assigned = true;
      context.assignSplits(new SplitsAssignment<>(Map.of(subtaskId, partitions.stream().map(PartitionSplit::new).toList())));
      context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public Integer snapshotState(long checkpointId) {
      return assigned ? 1 : 0;
    }

    @Override
    public void close() {}
  }

  private static final class Reader implements SourceReader<Classified, PartitionSplit> {
    private final List<Record> records;
    private final ClassifyingDeserializer deserializer;
    private final List<PartitionSplit> splits = new ArrayList<>();
    private final Map<Integer, SourceOutput<Classified>> outputs = new LinkedHashMap<>();
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private int next;
    /** The periodic-emission count to reach before the next record (or the end). */
    private long emissionsBeforeNext = -1;

    Reader(List<Record> records, ClassifyingDeserializer deserializer) {
      this.records = records;
      this.deserializer = deserializer;
    }

    @Override
    public void start() {}

    @Override
    public InputStatus pollNext(ReaderOutput<Classified> output) {
      if (splits.isEmpty()) return InputStatus.NOTHING_AVAILABLE;
      for (PartitionSplit split : splits) outputs.computeIfAbsent(split.partition(), p -> output.createOutputForSplit(split.splitId()));
      if (emissionsBeforeNext >= 0 && PeriodicEmits.count() < emissionsBeforeNext) {
        available = PeriodicEmits.reached(emissionsBeforeNext);
        return InputStatus.NOTHING_AVAILABLE;
      }
      if (next == records.size()) return InputStatus.END_OF_INPUT;
      Record r = records.get(next++);
      SourceOutput<Classified> split = outputs.get(r.partition());
      if (split == null) throw new IllegalStateException("record on partition " + r.partition() + ", which the vector does not assign");
      VectorClock.set(r.atMs());
      deserializer.deserialize(
          new ConsumerRecord<>("raw-events", r.partition(), r.offset(), bytes(r.key()), bytes(r.value())),
          new Collector<>() {
            @Override
            public void collect(Classified c) {
              split.collect(c);
            }

            @Override
            public void close() {}
          });
      emissionsBeforeNext = PeriodicEmits.count() + 1;
      available = PeriodicEmits.reached(emissionsBeforeNext);
      return InputStatus.NOTHING_AVAILABLE;
    }

    private static byte[] bytes(String text) {
      return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<PartitionSplit> snapshotState(long checkpointId) {
      return List.copyOf(splits);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return available;
    }

    @Override
    public void addSplits(List<PartitionSplit> added) {
      splits.addAll(added);
      available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() {}
  }
}
