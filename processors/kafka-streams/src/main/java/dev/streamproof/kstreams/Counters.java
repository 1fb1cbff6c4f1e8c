package dev.streamproof.kstreams;

import java.util.concurrent.atomic.AtomicLong;

/** What the instance's status line reports (records handled and outputs forwarded, not yet committed). */
final class Counters {
  final AtomicLong eventsIn = new AtomicLong();
  final AtomicLong results = new AtomicLong();
  final AtomicLong late = new AtomicLong();
  final AtomicLong dlq = new AtomicLong();
}
