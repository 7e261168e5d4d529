package tdxsim.stress.parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap the program holds: a full collection, then the sum over the heap's pools of what each held right after
 * it. The heap's "used" figure read after {@code System.gc()} is not that: under the parallel collector it still
 * counts the young generation's allocation since (tens of MB), which once made a world look smaller at its end than
 * the empty runtime at the start (a negative heap in the stress summary).
 */
public final class HeapHeld {
  /** Wall time spent in the collections made here: not the run's own GC ({@link GcClock} leaves it out). */
  private static final AtomicLong FORCED_NANOS = new AtomicLong();

  private HeapHeld() {}

  /** Bytes held after a full collection (it stops every thread for the collection: call it at a cut or rarely). */
  public static long bytes() {
    long t0 = System.nanoTime();
    System.gc();
    FORCED_NANOS.addAndGet(System.nanoTime() - t0);
    long held = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = p.getType() == MemoryType.HEAP ? p.getCollectionUsage() : null;
      if (after != null) held += after.getUsed();
    }
    assert held >= 0 : "a heap of " + held + " bytes";
    return held;
  }

  /** Nanoseconds spent in {@link #bytes}' collections since the JVM started. */
  static long forcedNanos() {
    return FORCED_NANOS.get();
  }
}
