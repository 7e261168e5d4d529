package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.util.Locale;
import tdxsim.stress.parallel.HeapHeld;

/**
 * The stress soak's memory figure: once a minute of the run (every 60th progress line), the heap held after a full
 * collection, in all and per vCPU, on stderr with the progress. A world that leaks grows it; one that does not
 * keeps it flat. The collection pauses the run for a moment (well under a second at 10,000 vCPUs in 1 GB).
 */
final class HeapPerMinute {
  private static final int TICKS_PER_LINE = 60;

  private final int vcpus;
  private final PrintWriter err;
  private int ticks;

  HeapPerMinute(int vcpus, PrintWriter err) {
    this.vcpus = vcpus;
    this.err = err;
  }

  /** One progress line (a second) went by. */
  void tick() {
    if (++ticks % TICKS_PER_LINE != 0) return;
    long held = HeapHeld.bytes();
    err.printf(Locale.ROOT, "  heap at minute %d: %s held after a GC, %s per vCPU%n", ticks / TICKS_PER_LINE,
        Units.bytes(held), Units.bytes((double) held / vcpus));
  }
}
