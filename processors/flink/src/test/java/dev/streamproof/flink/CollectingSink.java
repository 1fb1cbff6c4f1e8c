package dev.streamproof.flink;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The job's output records in the order they reach the sink, kept in this JVM (the MiniCluster's
 * task runs here). `env.execute()` returns after the last one is written, so nothing is read
 * while the job still runs — unlike a collect iterator, which may stop at the job's end.
 */
final class CollectingSink implements Sink<OutRecord> {
  private static final long serialVersionUID = 1L;
  private static final List<OutRecord> written = new ArrayList<>();

  static synchronized void clear() {
    written.clear();
  }

  static synchronized List<OutRecord> written() {
    return List.copyOf(written);
  }

  private static synchronized void add(OutRecord r) {
    written.add(new OutRecord(r.topic, r.key, r.value));
  }

  @Override
  public SinkWriter<OutRecord> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(OutRecord r, Context context) {
        add(r);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
