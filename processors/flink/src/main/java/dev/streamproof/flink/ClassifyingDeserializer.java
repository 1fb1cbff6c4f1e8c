package dev.streamproof.flink;

import dev.streamproof.core.ControlRecord;
import dev.streamproof.core.Decoded;
import dev.streamproof.core.Event;
import dev.streamproof.core.EventDecoder;
import dev.streamproof.core.SideOutputs;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * raw-events bytes → Classified, in the source (where partition and offset are known): control
 * records, valid events and DLQ values by the contract's rules (processors/core EventDecoder).
 * Never throws, so a poison record cannot fail the job.
 */
public final class ClassifyingDeserializer implements KafkaRecordDeserializationSchema<Classified> {
  private final Long maxEventTimeAheadMs;
  private final ProcessingClock clock;

  public ClassifyingDeserializer(Long maxEventTimeAheadMs, ProcessingClock clock) {
    this.maxEventTimeAheadMs = maxEventTimeAheadMs;
    this.clock = clock;
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Classified> out) {
    Classified c = new Classified();
    c.partition = record.partition();
    c.offset = record.offset();
    c.key = text(record.key());
    c.raw = text(record.value());
    Long control = ControlRecord.eventTimeMs(c.key, c.raw);
    if (control != null) {
      c.kind = Classified.CONTROL;
      c.timestampMs = control;
      out.collect(c);
      return;
    }
    Decoded decoded = EventDecoder.decode(c.key, c.raw, maxEventTimeAheadMs, clock.nowMs());
    if (!decoded.isEvent()) {
      c.kind = Classified.DLQ;
      c.timestampMs = Long.MIN_VALUE;
      c.dlqValue = SideOutputs.dlq(c.partition, c.offset, c.raw, decoded.reasonCode(), decoded.reason(), decoded.identity());
      out.collect(c);
      return;
    }
    Event e = decoded.event();
    c.kind = Classified.EVENT;
    c.timestampMs = e.eventTime();
    c.eventId = e.eventId();
    c.generatorId = e.generatorId();
    c.seq = e.seq();
    c.userId = e.userId();
    c.sessionId = e.sessionId();
    c.typeIndex = e.typeIndex();
    c.value = e.value();
    c.intendedAt = e.intendedAt();
    out.collect(c);
  }

  @Override
  public TypeInformation<Classified> getProducedType() {
    return TypeInformation.of(Classified.class);
  }
}
