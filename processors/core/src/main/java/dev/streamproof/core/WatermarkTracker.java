package dev.streamproof.core;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Event-time watermarks of one processor instance (docs/contract.md, "Watermarks"): candidate =
 * min over assigned, non-idle partitions of (max event time − outOfOrdernessMs), or the max over
 * all when every one is idle; each partition's effective watermark = max(previous, candidate),
 * never going back. NONE (Long.MIN_VALUE) stands for −∞.
 */
public final class WatermarkTracker {
  public static final long NONE = Long.MIN_VALUE;

  /** A partition's effective watermark moved from fromMs (exclusive) to toMs (inclusive). */
  public record Advance(int partition, long fromMs, long toMs) {}

  static final class State {
    long maxEventTimeMs = NONE;
    long lastActivityMs;
    long watermarkMs = NONE;
  }

  private final long outOfOrdernessMs;
  private final long idleTimeoutMs;
  private final TreeMap<Integer, State> partitions = new TreeMap<>();

  public WatermarkTracker(long outOfOrdernessMs, long idleTimeoutMs) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  private State state(int partition) {
    State s = partitions.get(partition);
    if (s == null) throw new IllegalArgumentException("partition " + partition + " is not assigned to this processor");
    return s;
  }

  public void assign(Iterable<Integer> assigned, long nowMs) {
    for (int p : assigned) {
      partitions.computeIfAbsent(p, k -> {
        State s = new State();
        s.lastActivityMs = nowMs;
        return s;
      });
    }
  }

  public void revoke(Iterable<Integer> revoked) {
    for (int p : revoked) partitions.remove(p);
  }

  public boolean isAssigned(int partition) {
    return partitions.containsKey(partition);
  }

  public List<Integer> assignedPartitions() {
    return new ArrayList<>(partitions.keySet());
  }

  /** Restores persisted values; never moves anything backwards. */
  public void restore(int partition, long maxEventTimeMs, long watermarkMs) {
    State s = state(partition);
    s.maxEventTimeMs = Math.max(s.maxEventTimeMs, maxEventTimeMs);
    s.watermarkMs = Math.max(s.watermarkMs, watermarkMs);
  }

  public long maxEventTimeOf(int partition) {
    return state(partition).maxEventTimeMs;
  }

  public long watermarkOf(int partition) {
    return state(partition).watermarkMs;
  }

  /** A record (valid or not) arrived on the partition: it is not idle. */
  public void touch(int partition, long nowMs) {
    state(partition).lastActivityMs = nowMs;
  }

  /** An event-time observation; true if it raised the partition's max event time. */
  public boolean observe(int partition, long eventTimeMs, long nowMs) {
    State s = state(partition);
    s.lastActivityMs = nowMs;
    if (eventTimeMs <= s.maxEventTimeMs) return false;
    s.maxEventTimeMs = eventTimeMs;
    return true;
  }

  long candidateMs(long nowMs) {
    boolean anyActive = false;
    long minActive = Long.MAX_VALUE;
    long maxAll = NONE;
    for (State s : partitions.values()) {
      long bound = s.maxEventTimeMs == NONE ? NONE : s.maxEventTimeMs - outOfOrdernessMs;
      maxAll = Math.max(maxAll, bound);
      boolean idle = nowMs - s.lastActivityMs >= idleTimeoutMs;
      if (!idle) {
        anyActive = true;
        minActive = Math.min(minActive, bound);
      }
    }
    return anyActive ? minActive : maxAll;
  }

  /** Raises every partition's effective watermark to the candidate; the moves, by partition. */
  public List<Advance> advance(long nowMs) {
    long candidate = candidateMs(nowMs);
    List<Advance> moves = new ArrayList<>();
    if (candidate == NONE) return moves;
    for (var entry : partitions.entrySet()) {
      State s = entry.getValue();
      if (candidate > s.watermarkMs) {
        moves.add(new Advance(entry.getKey(), s.watermarkMs, candidate));
        s.watermarkMs = candidate;
      }
    }
    return moves;
  }
}
