package dev.streamproof.kstreams;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Kafka Streams' own stream time is not what windows the events (the contract core reads each
 * event's eventTime itself); this only keeps a record with a missing or negative timestamp from
 * being skipped or failing the task: every raw-events record must reach the processor.
 */
public final class ArrivalTimestampExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.timestamp() >= 0) return record.timestamp();
    return Math.max(partitionTime, 0);
  }
}
