package dev.streamproof.flink;

import dev.streamproof.core.Event;
import dev.streamproof.core.JobConfig;
import dev.streamproof.core.SideOutputs;
import dev.streamproof.core.Windows;
import dev.streamproof.core.WindowingConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The seed's job: KafkaSource(raw-events) → keyBy(userId) → TumblingEventTimeWindows → aggregate
 * → KafkaSink(processed-events), exactly once, with the contract's side outputs
 * (docs/contract.md):
 *   - watermarks per source partition: bounded out-of-orderness + idleness; the end-of-input
 *     control record is a timestamp only (it raises its partition, then is dropped); the
 *     watermark survives a restore (WatermarkFloor: Flink itself checkpoints none);
 *   - allowed lateness: a late element within it re-fires the window (the next revision);
 *     beyond it, the window operator's late-data side output → late-events;
 *   - records that are not valid events → the DLQ, classified in the source's deserializer;
 *   - one KafkaSink (EXACTLY_ONCE, transactional id prefix) for all three topics: their records
 *     commit with the checkpoint that consumed the input.
 * Flink's watermark is the contract's minus 1 ms (BoundedOutOfOrderness emits max − delay − 1 and
 * fires windows at end − 1), so `watermarkMs` on the outputs is Flink's watermark + 1.
 */
public final class ContractJob {
  static final OutputTag<OutRecord> DLQ = new OutputTag<>("dlq") {};
  static final OutputTag<Classified> LATE = new OutputTag<>("late") {};
  /** Broker default transaction.max.timeout.ms is 15 min; a minute outlives any checkpoint here. */
  static final int TRANSACTION_TIMEOUT_MS = 60_000;

  private ContractJob() {}

  /** The whole job on the run's topics: Kafka source → {@link #contract} → one exactly-once Kafka sink. */
  public static void build(StreamExecutionEnvironment env, JobConfig job) {
    KafkaSource<Classified> source = KafkaSource.<Classified>builder()
        .setBootstrapServers(job.bootstrapServers())
        .setTopics(job.rawTopic())
        .setGroupId(job.applicationId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(org.apache.kafka.clients.consumer.OffsetResetStrategy.EARLIEST))
        .setProperty("isolation.level", "read_committed")
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setDeserializer(new ClassifyingDeserializer(job.windowing().maxEventTimeAheadMs(), ProcessingClock.SYSTEM))
        .build();
    DataStream<Classified> raw = env.fromSource(source, watermarks(job.windowing(), ProcessingClock.SYSTEM), "raw-events").uid("raw-events");

    KafkaSink<OutRecord> sink = KafkaSink.<OutRecord>builder()
        .setBootstrapServers(job.bootstrapServers())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(job.applicationId())
        .setProperty("transaction.timeout.ms", String.valueOf(TRANSACTION_TIMEOUT_MS))
        .setRecordSerializer(new Serializer(job.processedTopic(), job.lateTopic(), job.dlqTopic()))
        .build();
    contract(raw, job.windowing()).sinkTo(sink).uid("kafka-sink").name("processed-late-dlq");
  }

  /**
   * Per source partition (split): the max event time minus the out-of-orderness
   * (BoundedOutOfOrderness), idle after `idleTimeoutMs` without a record; the source emits the
   * minimum over its non-idle partitions. What `forBoundedOutOfOrderness(…).withIdleness(…)`
   * builds, with the idleness clock made explicit so the contract vectors can drive it.
   */
  static WatermarkStrategy<Classified> watermarks(WindowingConfig windowing, ProcessingClock clock) {
    Duration outOfOrderness = Duration.ofMillis(windowing.outOfOrdernessMs());
    Duration idleTimeout = Duration.ofMillis(windowing.idleTimeoutMs());
    return WatermarkStrategy.<Classified>forGenerator(
            context -> new WatermarksWithIdleness<>(new BoundedOutOfOrdernessWatermarks<>(outOfOrderness), idleTimeout, clock.idleness(context)))
        .withTimestampAssigner((c, ts) -> c.timestampMs);
  }

  /**
   * The contract's operators on classified raw-events records that carry their source's
   * watermarks: routing (events on, DLQ values out, control records dropped), the keyed tumbling
   * window with allowed lateness and revisions, and the late side output. Returns every output
   * record, each naming its topic. The uids are the checkpoints' operator identities: keep them.
   */
  static DataStream<OutRecord> contract(DataStream<Classified> raw, WindowingConfig windowing) {
    long windowMs = windowing.windowMs();
    long lateness = windowing.allowedLatenessMs();
    SingleOutputStreamOperator<Classified> events = raw
        .transform("classify", TypeInformation.of(Classified.class), new WatermarkFloor<>(new Route())).uid("route");
    SingleOutputStreamOperator<OutRecord> results = events
        .keyBy(c -> c.userId)
        .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMs)))
        .allowedLateness(Duration.ofMillis(lateness))
        .sideOutputLateData(LATE)
        .aggregate(new Count(windowMs), new Emit(windowing.outOfOrdernessMs()))
        .uid("window")
        .name("tumbling-window");
    DataStream<OutRecord> late = results.getSideOutput(LATE).process(new Late(windowMs, lateness)).uid("late").name("late-events");
    DataStream<OutRecord> dlq = events.getSideOutput(DLQ);
    return results.union(late, dlq);
  }

  /** Events go on to the window; DLQ values to their side output; control records stop here (their timestamp already moved the watermark). */
  static final class Route extends ProcessFunction<Classified, Classified> {
    @Override
    public void processElement(Classified c, Context ctx, Collector<Classified> out) {
      if (c.kind == Classified.EVENT) out.collect(c);
      else if (c.kind == Classified.DLQ) ctx.output(DLQ, new OutRecord(OutRecord.DLQ, SideOutputs.key(c.key), c.dlqValue));
    }
  }

  static final class Count implements AggregateFunction<Classified, WindowCell, WindowCell> {
    private final long windowMs;

    Count(long windowMs) {
      this.windowMs = windowMs;
    }

    @Override
    public WindowCell createAccumulator() {
      return new WindowCell();
    }

    @Override
    public WindowCell add(Classified c, WindowCell cell) {
      cell.add(c, windowMs);
      return cell;
    }

    @Override
    public WindowCell getResult(WindowCell cell) {
      return cell;
    }

    @Override
    public WindowCell merge(WindowCell a, WindowCell b) {
      throw new UnsupportedOperationException("tumbling windows never merge");
    }
  }

  /** Every firing is the window's full state with the next revision (0 when the watermark passes its end). */
  static final class Emit extends ProcessWindowFunction<WindowCell, OutRecord, String, TimeWindow> {
    private static final ValueStateDescriptor<Integer> REVISION = new ValueStateDescriptor<>("revision", Integer.class);
    private final long outOfOrdernessMs;

    Emit(long outOfOrdernessMs) {
      this.outOfOrdernessMs = outOfOrdernessMs;
    }

    @Override
    public void process(String userId, Context ctx, Iterable<WindowCell> cells, Collector<OutRecord> out) throws Exception {
      WindowCell cell = cells.iterator().next();
      ValueState<Integer> revision = ctx.windowState().getState(REVISION);
      int next = revision.value() == null ? 0 : revision.value();
      out.collect(new OutRecord(OutRecord.RESULT, cell.window.key, cell.window.toResultJson(next, outOfOrdernessMs, ctx.currentWatermark() + 1)));
      revision.update(next + 1);
    }

    @Override
    public void clear(Context ctx) {
      ctx.windowState().getState(REVISION).clear();
    }
  }

  /** The window operator's late data (beyond allowed lateness) as late-events values. */
  static final class Late extends ProcessFunction<Classified, OutRecord> {
    private final long windowMs;
    private final long allowedLatenessMs;

    Late(long windowMs, long allowedLatenessMs) {
      this.windowMs = windowMs;
      this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void processElement(Classified c, Context ctx, Collector<OutRecord> out) {
      Event e = c.event();
      long start = Windows.startMs(e.eventTime(), windowMs);
      long watermarkMs = ctx.timerService().currentWatermark() + 1;
      out.collect(new OutRecord(OutRecord.LATE, SideOutputs.key(c.key),
          SideOutputs.late(c.partition, c.offset, c.raw, e, Windows.key(e.userId(), start), start + windowMs, allowedLatenessMs, watermarkMs)));
    }
  }

  static final class Serializer implements KafkaRecordSerializationSchema<OutRecord> {
    private final String[] topics;

    Serializer(String processed, String late, String dlq) {
      this.topics = new String[] {processed, late, dlq};
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(OutRecord r, KafkaSinkContext context, Long timestamp) {
      return new ProducerRecord<>(topics[r.topic], r.key.getBytes(StandardCharsets.UTF_8), r.value.getBytes(StandardCharsets.UTF_8));
    }
  }
}
