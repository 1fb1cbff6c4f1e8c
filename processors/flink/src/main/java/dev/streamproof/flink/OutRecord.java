package dev.streamproof.flink;

/** A record for one of the job's output topics (a Flink POJO). */
public class OutRecord {
  public static final int RESULT = 0;
  public static final int LATE = 1;
  public static final int DLQ = 2;

  public int topic;
  public String key;
  public String value;

  public OutRecord() {}

  public OutRecord(int topic, String key, String value) {
    this.topic = topic;
    this.key = key;
    this.value = value;
  }
}
