package dev.streamproof.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The contract's state machine (docs/contract.md: validity, DLQ, windows, watermarks, lateness,
 * revisions, end of input) with no I/O and no clock, in Java for the JVM engines. Given the same
 * assignment, records and processing times it produces the same outputs as the contract's test
 * vectors. One call of process() is one batch: each window is emitted at most once per batch,
 * with its state at the end of the batch. An engine persists `changes` (window state by window
 * key, `__wm|<partition>` for the watermark; null = delete) atomically with the outputs.
 */
public final class ProcessorCore {
  /** A raw-events record. */
  public record SourceRecord(int partition, long offset, String key, String value) {}

  /** A record for an output topic: processed-events, late-events or the DLQ. */
  public record Output(String key, String value) {}

  /** State to persist: key = window key or `__wm|<partition>`, value null = delete. */
  public record Change(int partition, String key, String value) {}

  public static final class Outputs {
    public final List<Output> results = new ArrayList<>();
    public final List<Output> late = new ArrayList<>();
    public final List<Output> dlq = new ArrayList<>();
    public final List<Change> changes = new ArrayList<>();

    public boolean isEmpty() {
      return results.isEmpty() && late.isEmpty() && dlq.isEmpty() && changes.isEmpty();
    }
  }

  public static final String WATERMARK_KEY_PREFIX = "__wm|";

  public final WindowingConfig config;
  private final WatermarkTracker watermarks;
  private final WindowStore windows = new WindowStore();
  private Set<String> pendingEmits = new LinkedHashSet<>();
  private Set<String> dirtyWindows = new LinkedHashSet<>();
  private Map<String, WindowAccumulator> closedInBatch = new HashMap<>();
  private Set<Integer> dirtyWatermarks = new TreeSet<>();
  private Outputs out = new Outputs();

  public ProcessorCore(WindowingConfig config) {
    this.config = config;
    this.watermarks = new WatermarkTracker(config.outOfOrdernessMs(), config.idleTimeoutMs());
  }

  public void assign(Iterable<Integer> partitions, long nowMs) {
    watermarks.assign(partitions, nowMs);
  }

  public List<Integer> assignedPartitions() {
    return watermarks.assignedPartitions();
  }

  public int openWindowCount() {
    return windows.size();
  }

  public long watermarkOf(int partition) {
    return watermarks.watermarkOf(partition);
  }

  /**
   * Loads persisted state (the values written from `changes`) into assigned partitions. Windows
   * the restored watermark already passed fire or close in the next batch.
   */
  public void restore(Iterable<Change> persisted) {
    List<WindowAccumulator> restored = new ArrayList<>();
    for (Change c : persisted) {
      if (c.value() == null) continue;
      if (c.key().startsWith(WATERMARK_KEY_PREFIX)) {
        JsonNode o;
        try {
          o = Json.parse(c.value());
        } catch (Exception e) {
          throw new IllegalStateException("corrupt watermark state for " + c.key(), e);
        }
        watermarks.restore(c.partition(), o.get("maxEventTimeMs").isNull() ? WatermarkTracker.NONE : o.get("maxEventTimeMs").longValue(),
            o.get("watermarkMs").isNull() ? WatermarkTracker.NONE : o.get("watermarkMs").longValue());
      } else {
        restored.add(WindowAccumulator.fromStateJson(c.value()));
      }
    }
    for (WindowAccumulator w : restored) windows.add(w);
    for (int p : assignedPartitions()) applyWatermark(p, WatermarkTracker.NONE, watermarks.watermarkOf(p));
  }

  public Outputs process(SourceRecord record, long nowMs) {
    handle(record, nowMs);
    advance(nowMs);
    return flush();
  }

  public Outputs processBatch(Iterable<SourceRecord> records, long nowMs) {
    for (SourceRecord r : records) handle(r, nowMs);
    advance(nowMs);
    return flush();
  }

  /** Processing time passes with no record: idle partitions may release the watermark. */
  public Outputs tick(long nowMs) {
    advance(nowMs);
    return flush();
  }

  private void handle(SourceRecord record, long nowMs) {
    int partition = record.partition();
    if (!watermarks.isAssigned(partition)) throw new IllegalArgumentException("record from partition " + partition + ", which is not assigned");
    Long control = ControlRecord.eventTimeMs(record.key(), record.value());
    if (control != null) {
      if (watermarks.observe(partition, control, nowMs)) dirtyWatermarks.add(partition);
      advance(nowMs);
      return;
    }
    Decoded decoded = EventDecoder.decode(record.key(), record.value(), config.maxEventTimeAheadMs(), nowMs);
    if (!decoded.isEvent()) {
      watermarks.touch(partition, nowMs);
      toDlq(record, decoded.reasonCode(), decoded.reason(), decoded.identity());
      return;
    }
    Event event = decoded.event();
    long startMs = Windows.startMs(event.eventTime(), config.windowMs());
    long endMs = startMs + config.windowMs();
    String key = Windows.key(event.userId(), startMs);
    long watermarkMs = watermarks.watermarkOf(partition);
    if (watermarkMs != WatermarkTracker.NONE && endMs + config.allowedLatenessMs() <= watermarkMs) {
      toLate(record, event, key, endMs, watermarkMs);
    } else {
      WindowAccumulator window = windows.get(key);
      if (window == null) {
        window = new WindowAccumulator(key, event.userId(), partition, startMs, endMs);
        windows.add(window);
      } else if (window.partition != partition) {
        watermarks.touch(partition, nowMs);
        toDlq(record, "partition-changed", "window " + key + " belongs to partition " + window.partition + ": the producer's partitioner changed", decoded.identity());
        return;
      }
      window.add(event);
      dirtyWindows.add(key);
      if (watermarkMs != WatermarkTracker.NONE && endMs <= watermarkMs) pendingEmits.add(key); // fired already: re-emit within allowed lateness
    }
    if (watermarks.observe(partition, event.eventTime(), nowMs)) dirtyWatermarks.add(partition);
    advance(nowMs);
  }

  private void toLate(SourceRecord record, Event event, String windowKey, long endMs, long watermarkMs) {
    out.late.add(new Output(SideOutputs.key(record.key()), SideOutputs.late(record.partition(), record.offset(), record.value(), event, windowKey, endMs, config.allowedLatenessMs(), watermarkMs)));
  }

  private void toDlq(SourceRecord record, String code, String reason, Identity identity) {
    out.dlq.add(new Output(SideOutputs.key(record.key()), SideOutputs.dlq(record.partition(), record.offset(), record.value(), code, reason, identity)));
  }

  private void advance(long nowMs) {
    for (WatermarkTracker.Advance move : watermarks.advance(nowMs)) {
      dirtyWatermarks.add(move.partition());
      applyWatermark(move.partition(), move.fromMs(), move.toMs());
    }
  }

  private void applyWatermark(int partition, long fromMs, long toMs) {
    if (toMs == WatermarkTracker.NONE) return;
    for (WindowAccumulator w : windows.endingIn(partition, fromMs, toMs)) if (w.emittedRevisions == 0) pendingEmits.add(w.key);
    for (WindowAccumulator w : windows.removeEndingBy(partition, toMs - config.allowedLatenessMs())) {
      if (w.emittedRevisions == 0) pendingEmits.add(w.key);
      closedInBatch.put(w.key, w);
      dirtyWindows.add(w.key);
    }
  }

  private Outputs flush() {
    for (String key : pendingEmits) {
      WindowAccumulator w = windows.get(key);
      if (w == null) w = closedInBatch.get(key);
      out.results.add(new Output(key, w.toResultJson(w.emittedRevisions, config.outOfOrdernessMs(), watermarks.watermarkOf(w.partition))));
      w.emittedRevisions += 1;
      dirtyWindows.add(key);
    }
    for (String key : dirtyWindows) {
      WindowAccumulator open = windows.get(key);
      if (open != null) out.changes.add(new Change(open.partition, key, open.toStateJson()));
      else out.changes.add(new Change(closedInBatch.get(key).partition, key, null));
    }
    for (int p : dirtyWatermarks) {
      ObjectNode o = Json.object();
      long max = watermarks.maxEventTimeOf(p);
      long wm = watermarks.watermarkOf(p);
      if (max == WatermarkTracker.NONE) o.putNull("maxEventTimeMs");
      else o.put("maxEventTimeMs", max);
      if (wm == WatermarkTracker.NONE) o.putNull("watermarkMs");
      else o.put("watermarkMs", wm);
      out.changes.add(new Change(p, WATERMARK_KEY_PREFIX + p, Json.write(o)));
    }
    Outputs done = out;
    out = new Outputs();
    pendingEmits = new LinkedHashSet<>();
    dirtyWindows = new LinkedHashSet<>();
    closedInBatch = new HashMap<>();
    dirtyWatermarks = new TreeSet<>();
    return done;
  }
}
