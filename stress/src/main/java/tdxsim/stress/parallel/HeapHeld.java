package tdxsim.stress.parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The heap the program holds: a full collection, then the sum over the heap's pools of what each held right after
 * it. The heap's "used" figure read after {@code System.gc()} is not that: under the parallel collector it still
 * counts the young generation's allocation since (tens of MB), which once made a world look smaller at its end than
 * the empty runtime at the start (a negative heap in the stress summary).
 */
public final class HeapHeld {
  private HeapHeld() {}

  /** Bytes held after a full collection (it stops every thread for the collection: call it at a cut or rarely). */
  public static long bytes() {
    System.gc();
    long held = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage after = p.getType() == MemoryType.HEAP ? p.getCollectionUsage() : null;
      if (after != null) held += after.getUsed();
    }
    assert held >= 0 : "a heap of " + held + " bytes";
    return held;
  }
}
