package tdxsim.stress.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.scenario.Scenario;

/**
 * Refuses, before building it, a world the heap cannot hold: a run that runs out of memory halfway would either
 * end in an OutOfMemoryError or, worse, thrash in the collector for minutes. The estimate is what the world holds:
 * {@value #BYTES_PER_VCPU} bytes per vCPU plus {@value #BYTES_PER_RANGE} bytes per 2M range of a TD's memslot (a
 * range's per-4K arrays once its pages differ) plus a fixed {@value #BASE_BYTES} (the runtime held 8.5 MB before
 * the world was built). Measured: {@code stress --vcpus 100000 --duration 60s} in -Xmx2g held 413.7 MB after a GC at
 * the end, with all 1,563 TDs built and running (57,813 ranges): 3,559 bytes per vCPU once the ranges' share is
 * taken off; at 10,000 vCPUs the world held 4.9 KB per vCPU at the end of its first generation, ranges included.
 * It must fit in 90% of the old generation: the long-lived world ends up there, and under the launcher's collector
 * settings that is half the heap (483 MB of -Xmx1g, which so admits 100,000 vCPUs of the generated load).
 */
final class HeapCheck {
  static final long BYTES_PER_VCPU = 3_600;
  static final long BYTES_PER_RANGE = 1_000;
  static final long BASE_BYTES = 16L << 20;
  private static final double USABLE = 0.9;

  private HeapCheck() {}

  /** Bytes the world of {@code s} holds, by the estimate above. */
  static long estimate(Scenario s) {
    return BASE_BYTES + BYTES_PER_VCPU * s.vcpus() + BYTES_PER_RANGE * ranges(s);
  }

  private static long ranges(Scenario s) {
    long ranges = 0;
    for (VmConfig c : s.tds()) ranges += c.ranges2M();
    return ranges;
  }

  /** @throws BadInput naming the {@code -Xmx} the run would need */
  static void check(Scenario s) {
    long need = estimate(s);
    long max = Runtime.getRuntime().maxMemory();
    long old = oldGenerationMax(max);
    if (need <= USABLE * old) return;
    // -Xmx is the heap's pools plus the second survivor space, which maxMemory() leaves out: without it 115,000
    // vCPUs refused in -Xmx1g were told to run with -Xmx1g
    double xmxGb = Math.ceil(need / USABLE * (max + poolMax("Survivor")) / old / (1L << 30));
    throw new BadInput(String.format(Locale.ROOT, "scenario %s: %,d vCPUs and %,d 2M ranges need about %s of "
        + "heap, and this JVM can hold %s (max heap %s): run it with JAVA_OPTS=-Xmx%.0fg, or smaller",
        s.name(), s.vcpus(), ranges(s), Units.bytes(need), Units.bytes(USABLE * old), Units.bytes(max), xmxGb));
  }

  /** The maximum of the heap pool whose name contains {@code name}, or 0 if none has one. */
  private static long poolMax(String name) {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getName().contains(name) && p.getUsage().getMax() > 0) {
        return p.getUsage().getMax();
      }
    }
    return 0;
  }

  /** The old generation's maximum (a generational collector), else the heap's. */
  private static long oldGenerationMax(long heapMax) {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      String n = p.getName();
      if (p.getType() == MemoryType.HEAP && (n.contains("Old Gen") || n.contains("Tenured"))
          && p.getUsage().getMax() > 0) {
        return Math.min(heapMax, p.getUsage().getMax());
      }
    }
    return heapMax;
  }
}
