package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.util.Locale;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.StressProgress;
import tdxsim.stress.parallel.StressStats;

/** The text lines of a {@link StressSummary}: what the run did, then its outcome. */
final class StressSummaryText {
  private StressSummaryText() {}

  static void print(PrintWriter out, StressSummary s) {
    printRun(out, s);
    printVerdict(out, s.verdict());
  }

  /** Rates, counters, latency, checks, memory, the busiest actors. */
  private static void printRun(PrintWriter out, StressSummary s) {
    StressSummary.Run r = s.run();
    StressStats.Totals t = s.totals();
    double secs = r.elapsedSeconds();
    out.printf(Locale.ROOT, "ran %.1f s (%s): %,d messages, %s; world set up in %.0f ms%n", secs,
        r.stoppedBy().name().toLowerCase(Locale.ROOT), r.messages(), Units.rate(r.messagesPerSecond(), "msg"),
        r.setupMillis());
    out.printf(Locale.ROOT, "faults: %,d (%,.0f/s), %,d attempts, %,d RET_PF_RETRY; ACCEPTs: %,d (%,.0f/s), %,d accepted, "
        + "%,d BUSY (%,d BUSY_HOST_PRIORITY); splits: %,d; BUSY in all: %,d%n", t.faults, t.faults / secs,
        t.faultAttempts, t.faultRetries, t.accepts, t.accepts / secs, t.accepted, t.acceptsBusy,
        t.acceptsBusyHostPriority, t.splits, t.busy);
    printLoad(out, s);
    if (r.tds() > 1 || t.tdsRunnable < r.tds()) {
      out.printf(Locale.ROOT, "TDs: %,d of %,d built (TDH.MR.FINALIZE) and running their vCPUs%n", t.tdsRunnable,
          r.tds());
    }
    if (t.vcpusDone > 0 && r.stoppedBy() != ParallelResult.StopReason.QUIESCENT) {
      out.printf(Locale.ROOT, "note: %,d of %,d vCPUs ran out of workload before the end (the model's workloads are "
          + "finite lists)%n", t.vcpusDone, r.vcpus());
    }
    StressSummary.Latency h = s.latency();
    if (h.count() > 0) {
      out.printf(Locale.ROOT, "fault latency (us, EPT violation to fault handled, monitor clock): p50 %.1f  p90 %.1f  "
          + "p99 %.1f  p99.9 %.1f  max %.1f  (%,d faults)%n", h.p50(), h.p90(), h.p99(), h.p999(), h.max(), h.count());
    }
    Units.counters("flows", s.flows(), true).forEach(out::println);
    Units.counters("SEAMCALLs", s.seamcalls(), true).forEach(out::println);
    StressSummary.Checks c = s.checks();
    out.printf(Locale.ROOT, "checks: %s; %,d consistent cuts, actors paused %.1f ms in all (%.2f%% of the run: "
        + "%.1f ms reaching the cuts, %.1f ms checking)%n", c.on() ? "on, " + c.violations() + " violations reported"
        : "off", c.barriers(), c.barrierMillis(), c.barrierPercent(), c.pauseMillis(), c.checkMillis());
    StressSummary.Memory m = s.memory();
    if (m.measured()) {
      out.printf(Locale.ROOT, "memory: %s held by the world at the end after a GC (%s per vCPU), %s before it was "
          + "built, max heap %s%n", Units.bytes(m.heldBytes()), Units.bytes(m.perVcpu()), Units.bytes(m.baseline()),
          Units.bytes(m.maxHeap()));
    }
    if (s.busiest() != null) out.println("busiest actors (share of messages received): " + s.busiest());
  }

  /**
   * The load: generations, the rates of splits, zaps, TDX_OPERAND_BUSY and conversions over the run and per window,
   * and the share of the wall time spent in GC pauses.
   */
  private static void printLoad(PrintWriter out, StressSummary s) {
    StressStats.Totals t = s.totals();
    StressSummary.Load l = s.load();
    double secs = l.rateSeconds();
    out.printf(Locale.ROOT, "load: %d generation%s; splits %,.0f/s, zaps %,.0f/s, BUSY %,.0f/s, conversions %,.0f/s "
        + "(%,d, %,d, %,d, %,d)%n", l.generations(), l.generations() == 1 ? "" : "s", t.splits / secs, t.zaps / secs,
        t.busy / secs, t.conversions / secs, t.splits, t.zaps, t.busy, t.conversions);
    int w = l.windowSeconds();
    if (l.windows().size() > 1) {
      out.printf(Locale.ROOT, "per %s (until s: M msg/s, splits/s, zaps/s, BUSY/s, conversions/s, GC %%):%n",
          w == 60 ? "minute" : w + " s");
      for (StressProgress.Window x : l.windows()) {
        out.printf(Locale.ROOT, "  %6.0f: %5.2f %,7.0f %,8.0f %,7.0f %,7.0f %4.1f%%%s%n", x.endSeconds(),
            x.messages() / 1e6, x.splits(), x.zaps(), x.busy(), x.conversions(), 100 * x.gcShare(),
            x.allSplitting() ? "" : "  <- a rate fell to zero");
      }
    }
    out.printf(Locale.ROOT, "GC: %.1f s in pauses, %.1f%% of the wall time (GarbageCollectorMXBeans)%n",
        l.gcPauseSeconds(), 100 * l.gcShare());
  }

  /** Verdict, final-state hash, and the record and trace written. */
  private static void printVerdict(PrintWriter out, StressSummary.Verdict v) {
    out.println(v.violation() == null ? "verdict: ok, no invariant broken"
        : "verdict: VIOLATION " + v.violation().oneLine());
    out.println("final-state hash: " + v.finalStateHash());
    if (v.recorded() && v.notWritten() && v.error() == null) out.println(v.replayLine());
    if (v.recorded() && !v.notWritten()) {
      out.printf(Locale.ROOT, "record: %s (%,d messages%s)   (./tdxsim replay %s)%n", v.recordFile(),
          v.recordMessages(), v.hostRecordMessages() < 0 ? "" : String.format(Locale.ROOT,
              ": the violating TD alone, of %,d in the host", v.hostRecordMessages()), v.recordFile());
    }
    if (v.error() != null) out.println("NOT WRITTEN: " + v.error());
    if (v.replayLine() != null && !v.notWritten()) out.println("replay of the record: " + v.replayLine());
    if (v.trace() != null) {
      out.println("trace: " + v.trace() + "   (./tdxsim minimize " + v.trace() + ", ./tdxsim report " + v.trace() + ")");
    }
  }
}
