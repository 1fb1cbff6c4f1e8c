package dev.streamproof.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Open windows by key and, per source partition, by end then key: a watermark move visits only
 * the windows it fires or closes, always in an order that depends on the state alone (so a run
 * restored from its persisted state emits what an uninterrupted one emits).
 */
final class WindowStore {
  private final Map<String, WindowAccumulator> byKey = new HashMap<>();
  private final Map<Integer, TreeMap<Long, TreeSet<String>>> byPartition = new HashMap<>();

  int size() {
    return byKey.size();
  }

  WindowAccumulator get(String key) {
    return byKey.get(key);
  }

  void add(WindowAccumulator w) {
    byKey.put(w.key, w);
    byPartition.computeIfAbsent(w.partition, p -> new TreeMap<>()).computeIfAbsent(w.windowEndMs, e -> new TreeSet<>()).add(w.key);
  }

  /** Windows of the partition whose end is in (afterMs, throughMs]. */
  List<WindowAccumulator> endingIn(int partition, long afterMs, long throughMs) {
    List<WindowAccumulator> found = new ArrayList<>();
    TreeMap<Long, TreeSet<String>> index = byPartition.get(partition);
    if (index == null || afterMs >= throughMs) return found;
    for (TreeSet<String> keys : index.subMap(afterMs, false, throughMs, true).values()) for (String k : keys) found.add(byKey.get(k));
    return found;
  }

  /** Removes and returns the windows of the partition whose end is ≤ throughMs. */
  List<WindowAccumulator> removeEndingBy(int partition, long throughMs) {
    List<WindowAccumulator> removed = new ArrayList<>();
    TreeMap<Long, TreeSet<String>> index = byPartition.get(partition);
    if (index == null) return removed;
    var head = index.headMap(throughMs, true);
    for (TreeSet<String> keys : head.values()) for (String k : keys) removed.add(byKey.remove(k));
    head.clear();
    return removed;
  }

  List<WindowAccumulator> windowsOf(int partition) {
    return endingIn(partition, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  void dropPartition(int partition) {
    for (WindowAccumulator w : windowsOf(partition)) byKey.remove(w.key);
    byPartition.remove(partition);
  }
}
