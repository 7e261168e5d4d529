package tdxsim.stress.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.StressProgress;
import tdxsim.stress.parallel.StressRun;
import tdxsim.stress.parallel.StressStats;
import tdxsim.stress.trace.TraceJson;

/**
 * The summary of one stress run: every figure is computed once, here, from the run's outcome; the text lines
 * ({@link StressSummaryText}) and the {@code --json} object ({@link #json}) are two printings of this record, so
 * they cannot disagree.
 */
record StressSummary(Run run, StressStats.Totals totals, Load load, Latency latency, Map<String, Long> flows,
    Map<String, Long> seamcalls, Checks checks, Memory memory, String busiest, Verdict verdict) {

  /** What ran, for how long, and how fast. */
  record Run(String scenario, int vcpus, int tds, int threads, List<String> options, double elapsedSeconds,
      ParallelResult.StopReason stoppedBy, long messages, double messagesPerSecond, double setupMillis) {}

  /**
   * The load over the run: generations, the seconds its rates divide by, GC pauses, and the rates per window
   * (per minute in runs of two minutes or more, else per 10 s).
   */
  record Load(int generations, double rateSeconds, double gcPauseSeconds, double gcShare, int windowSeconds,
      List<StressProgress.Window> windows) {}

  /** Fault latency, EPT violation to fault handled, in microseconds of the monitor's clock. */
  record Latency(long count, double p50, double p90, double p99, double p999, double max) {}

  /** The checks: on or off, violations reported, the consistent cuts and what they cost. */
  record Checks(boolean on, long violations, long barriers, double barrierMillis, double barrierPercent,
      double pauseMillis, double checkMillis) {}

  /** Heap the world held at the end after a GC ({@code measured} false: not measured, the other fields -1). */
  record Memory(boolean measured, long heldBytes, long perVcpu, long baseline, long maxHeap) {}

  /**
   * The outcome: the violation or null, the final-state hash, and what was written: the {@code --record} file (null
   * without one), whether the run recorded, the record's size (and the host's, or -1), the replay's line, whether
   * the record was left unwritten, an error, and the trace written (or null).
   */
  record Verdict(Violation violation, String finalStateHash, Path recordFile, boolean recorded, long recordMessages,
      long hostRecordMessages, String replayLine, boolean notWritten, String error, Path trace) {}

  /** The summary of {@code o}; {@code verdict} says what was written after the run. */
  static StressSummary of(StressRun.Outcome o, List<String> options, Verdict verdict) {
    ParallelResult r = o.result();
    Run run = new Run(o.config().scenario().name(), o.vcpus(), o.config().scenario().tds().size(),
        o.config().settings().threads(), options, r.elapsedNanos() / 1e9, r.stoppedBy(), r.deliveries(),
        r.deliveriesPerSecond(), o.setupNanos() / 1e6);
    int w = o.result().elapsedNanos() >= 120_000_000_000L ? 60 : 10;
    Load load = new Load(o.generations(), Math.max(1, r.elapsedNanos()) / 1e9, o.gcPauseNanos() / 1e9, o.gcShare(),
        w, o.windows(w));
    Histogram h = o.faultLatency();
    Latency latency = new Latency(h.getTotalCount(), us(h, 50), us(h, 90), us(h, 99), us(h, 99.9),
        h.getMaxValue() / 1e3);
    Checks checks = new Checks(o.config().checking(), o.violations(), r.barriers(), r.barrierNanos() / 1e6,
        100.0 * r.barrierNanos() / Math.max(1, r.elapsedNanos()), r.pauseNanos() / 1e6, r.checkNanos() / 1e6);
    boolean measured = o.heapAtEnd() >= 0;
    Memory memory = new Memory(measured, measured ? o.heapAtEnd() - o.heapBaseline() : -1, o.heapPerVcpu(),
        measured ? o.heapBaseline() : -1, Runtime.getRuntime().maxMemory());
    return new StressSummary(run, o.totals(), load, latency, o.flows(), o.seamcalls(), checks, memory,
        o.busiestText(), verdict);
  }

  /** The verdict part: the outcome's violation and hash, and what was written. */
  static Verdict verdict(StressRun.Outcome o, Path recordFile, String replayLine, boolean notWritten, String error,
      Path trace) {
    ParallelResult r = o.result();
    return new Verdict(r.violation(), TraceJson.hex(r.stateHash()), recordFile, o.record() != null,
        o.record() == null ? 0 : o.record().deliveries(), o.hostRecordMessages(), replayLine, notWritten, error, trace);
  }

  private static double us(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
  }

  /** The machine-readable summary ({@code --json}): the same figures as the text. */
  Map<String, Object> json() {
    double secs = run.elapsedSeconds();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", "stress");
    m.put("scenario", run.scenario());
    m.put("vcpus", run.vcpus());
    m.put("tds", run.tds());
    m.put("tdsRunnable", totals.tdsRunnable);
    m.put("threads", run.threads());
    m.put("options", run.options());
    m.put("elapsedSeconds", secs);
    m.put("stoppedBy", run.stoppedBy().name());
    m.put("messages", run.messages());
    m.put("messagesPerSecond", run.messagesPerSecond());
    m.put("faults", totals.faults);
    m.put("faultsPerSecond", totals.faults / secs);
    m.put("accepts", totals.accepts);
    m.put("acceptsBusy", totals.acceptsBusy);
    m.put("acceptsBusyHostPriority", totals.acceptsBusyHostPriority);
    m.put("acceptsPerSecond", totals.accepts / secs);
    m.put("splits", totals.splits);
    m.put("busy", totals.busy);
    putLoad(m);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("count", latency.count());
    lat.put("p50", latency.p50());
    lat.put("p90", latency.p90());
    lat.put("p99", latency.p99());
    lat.put("p999", latency.p999());
    lat.put("max", latency.max());
    m.put("faultLatencyMicros", lat);
    m.put("flows", flows);
    m.put("seamcalls", seamcalls);
    m.put("checks", checks.on());
    m.put("barriers", checks.barriers());
    m.put("barrierMillis", checks.barrierMillis());
    m.put("heapBytesPerVcpu", memory.perVcpu());
    putVerdict(m);
    return m;
  }

  private void putLoad(Map<String, Object> m) {
    m.put("generations", load.generations());
    m.put("zaps", totals.zaps);
    m.put("conversions", totals.conversions);
    m.put("gcPauseSeconds", load.gcPauseSeconds());
    m.put("gcShare", load.gcShare());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (StressProgress.Window x : load.windows()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("untilSeconds", x.endSeconds());
      row.put("messagesPerSecond", x.messages());
      row.put("splitsPerSecond", x.splits());
      row.put("zapsPerSecond", x.zaps());
      row.put("busyPerSecond", x.busy());
      row.put("conversionsPerSecond", x.conversions());
      row.put("gcShare", x.gcShare());
      rows.add(row);
    }
    m.put("windows", rows);
  }

  private void putVerdict(Map<String, Object> m) {
    Violation v = verdict.violation();
    m.put("verdict", v == null ? "ok" : "violation");
    m.put("violation", v == null ? null : Map.of("invariant", v.invariant(), "detail", v.detail(),
        "actors", v.actors(), "gfns", v.gfns()));
    m.put("finalStateHash", verdict.finalStateHash());
    m.put("record", verdict.recordFile() == null || verdict.notWritten() ? null : verdict.recordFile().toString());
    m.put("error", verdict.error());
    m.put("trace", verdict.trace() == null ? null : verdict.trace().toString());
  }
}
