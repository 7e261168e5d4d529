package tdxsim.stress.parallel;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * Time the JVM spent in GC pauses since this clock was made, from the GarbageCollectorMXBeans (each collector's
 * accumulated collection time; with the parallel and serial collectors every collection is a stop-the-world pause),
 * less the forced collections made to measure the heap ({@link HeapHeld}: at the end of the first generation, and
 * each minute of a CLI run, where one full collection of a 100,000-vCPU world took 4.9 s of a 69 s run).
 */
final class GcClock {
  private final long startMillis;
  private final long startForced;
  private final long startCount;

  GcClock() {
    this.startMillis = millis();
    this.startForced = HeapHeld.forcedNanos();
    this.startCount = count();
    assert startMillis >= 0 : "a GC clock at " + startMillis + " ms";
    assert startCount >= 0 : "a GC clock at " + startMillis + " ms";
  }

  long pauseNanos() {
    long forced = HeapHeld.forcedNanos() - startForced;
    assert forced >= 0 : "forced GCs of " + forced + " ns";
    return Math.max(0, (millis() - startMillis) * 1_000_000L - forced);
  }

  /**
   * GC pause time since the JVM started, less the forced collections, in ms (for differences over a window; a forced
   * collection's wall time may exceed what the collector counts by a little, so a difference may come out below 0).
   */
  static long runMillis() {
    return millis() - HeapHeld.forcedNanos() / 1_000_000L;
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
