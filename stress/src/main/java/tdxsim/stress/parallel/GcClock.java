package tdxsim.stress.parallel;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Time the JVM spent in GC pauses since this clock was made, from the GarbageCollectorMXBeans (each collector's
 * accumulated collection time; with the parallel and serial collectors every collection is a stop-the-world pause),
 * less the forced collections the run makes itself to measure the heap.
 */
final class GcClock {
  private final long startMillis;
  private final long startCount;
  private long forcedNanos;

  GcClock() {
    this.startMillis = millis();
    this.startCount = count();
    assert startMillis >= 0 : "a GC clock at " + startMillis + " ms";
    assert startCount >= 0 : "a GC clock at " + startMillis + " ms";
  }

  /** A forced GC (System.gc() to measure the heap) took {@code nanos}: not the run's own. */
  void forced(long nanos) {
    assert nanos >= 0 : "a forced GC of " + nanos + " ns";
    forcedNanos += nanos;
  }

  long pauseNanos() {
    assert forcedNanos >= 0 : "forced GCs of " + forcedNanos + " ns";
    return Math.max(0, (millis() - startMillis) * 1_000_000L - forcedNanos);
  }

  long collections() {
    assert count() >= startCount : "GC count went back";
    return count() - startCount;
  }

  static long millis() {
    long ms = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, b.getCollectionTime());
    }
    return ms;
  }

  private static long count() {
    long n = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, b.getCollectionCount());
    }
    return n;
  }
}
