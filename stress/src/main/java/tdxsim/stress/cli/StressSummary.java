package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tdxsim.stress.parallel.StressProgress;
import tdxsim.stress.parallel.StressRun;
import tdxsim.stress.parallel.StressStats;

/**
 * The stress summary's figures about the load itself: generations, the rates of splits, zaps, TDX_OPERAND_BUSY and
 * conversions over the run and per window (per minute in runs of two minutes or more, else per 10 s), and the
 * share of the wall time spent in GC pauses.
 */
final class StressSummary {
  private StressSummary() {}

  /** Windows of a minute in runs of two minutes or more, else of 10 s. */
  static int windowSeconds(StressRun.Outcome o) {
    return o.result().elapsedNanos() >= 120_000_000_000L ? 60 : 10;
  }

  static void printRates(PrintWriter out, StressRun.Outcome o) {
    StressStats.Totals t = o.totals();
    double secs = Math.max(1, o.result().elapsedNanos()) / 1e9;
    out.printf(Locale.ROOT, "load: %d generation%s; splits %,.0f/s, zaps %,.0f/s, BUSY %,.0f/s, conversions %,.0f/s "
        + "(%,d, %,d, %,d, %,d)%n", o.generations(), o.generations() == 1 ? "" : "s", t.splits / secs, t.zaps / secs,
        t.busy / secs, t.conversions / secs, t.splits, t.zaps, t.busy, t.conversions);
    int w = windowSeconds(o);
    List<StressProgress.Window> ws = o.windows(w);
    if (ws.size() > 1) {
      out.printf(Locale.ROOT, "per %s (until s: M msg/s, splits/s, zaps/s, BUSY/s, conversions/s, GC %%):%n",
          w == 60 ? "minute" : w + " s");
      for (StressProgress.Window x : ws) {
        out.printf(Locale.ROOT, "  %6.0f: %5.2f %,7.0f %,8.0f %,7.0f %,7.0f %4.1f%%%s%n", x.endSeconds(),
            x.messages() / 1e6, x.splits(), x.zaps(), x.busy(), x.conversions(), 100 * x.gcShare(),
            x.allSplitting() ? "" : "  <- a rate fell to zero");
      }
    }
    out.printf(Locale.ROOT, "GC: %.1f s in pauses, %.1f%% of the wall time (GarbageCollectorMXBeans)%n",
        o.gcPauseNanos() / 1e9, 100 * o.gcShare());
  }

  static void putRates(Map<String, Object> summary, StressRun.Outcome o) {
    StressStats.Totals t = o.totals();
    summary.put("generations", o.generations());
    summary.put("zaps", t.zaps);
    summary.put("conversions", t.conversions);
    summary.put("gcPauseSeconds", o.gcPauseNanos() / 1e9);
    summary.put("gcShare", o.gcShare());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StressProgress.Window x : o.windows(windowSeconds(o))) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("untilSeconds", x.endSeconds());
      m.put("messagesPerSecond", x.messages());
      m.put("splitsPerSecond", x.splits());
      m.put("zapsPerSecond", x.zaps());
      m.put("busyPerSecond", x.busy());
      m.put("conversionsPerSecond", x.conversions());
      m.put("gcShare", x.gcShare());
      rows.add(m);
    }
    summary.put("windows", rows);
  }
}
