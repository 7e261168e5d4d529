package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.util.Locale;
import tdxsim.stress.parallel.HeapHeld;

/**
 * The stress soak's memory figure: at the first progress line after each minute of the run, the heap held after a
 * full collection, in all and per vCPU, on stderr with the progress. A world that leaks grows it; one that does not
 * keeps it flat. The collection pauses the run for a moment (well under a second at 10,000 vCPUs in 1 GB). The
 * wall clock only paces the figure.
 */
final class HeapPerMinute {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final int vcpus;
  private final PrintWriter err;
  private final long start = System.nanoTime();
  private int minutes;

  HeapPerMinute(int vcpus, PrintWriter err) {
    this.vcpus = vcpus;
    this.err = err;
  }

  /** A progress line went by. */
  void tick() {
    if (System.nanoTime() - start < (minutes + 1) * MINUTE_NANOS) return;
    minutes = (int) ((System.nanoTime() - start) / MINUTE_NANOS);
    long held = HeapHeld.bytes();
    err.printf(Locale.ROOT, "  heap at minute %d: %s held after a GC, %s per vCPU%n", minutes, Units.bytes(held),
        Units.bytes((double) held / vcpus));
  }
}
