package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.tdx.TdxModuleConfig;
import tdxsim.stress.parallel.HostReplay;
import tdxsim.stress.parallel.ParallelResult;
import tdxsim.stress.parallel.ParallelRun;
import tdxsim.stress.parallel.ParallelSettings;
import tdxsim.stress.parallel.StressRun;
import tdxsim.stress.parallel.StressScenario;
import tdxsim.stress.parallel.StressStats;
import tdxsim.stress.record.Record;
import tdxsim.stress.record.RecordFile;
import tdxsim.stress.record.RecordReplayReport;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.trace.TraceFile;

@Command(
    name = "stress",
    mixinStandardHelpOptions = true,
    description = {
      "Parallel runtime at scale: thousands of vCPUs on all cores, invariants checked as they run.",
      "",
      "Without --scenario: a generated host of N vCPUs in TDs of --td-vcpus each",
      "(a TD has at most 576 vCPUs, the TDX module's MAX_VCPUS_PER_TD).",
      "--lives times per vCPU: pairs of vCPUs ACCEPT the same 4K pages at once",
      "(races for the AUG and the entry lock); every --split-every-th vCPU ACCEPTs",
      "a fresh 2M range at 2M, splits it (ACCEPT at 4K or a conversion) and converts",
      "4 pages to shared and back --conversions times (zaps, 4K faults); the first",
      "of each pair ACCEPTs, touches and gives back (MapGPA to shared) a fresh 2M",
      "range. When every workload has ended, a fresh host starts (a generation).",
      "",
      "--record FILE writes every actor's receive order; ./tdxsim replay FILE replays it on one thread.",
      "Exit 0: no violation; 1: violation (with --record, the record and a trace of it are written);",
      "2: bad input."
    })
final class StressCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;

  @Option(names = "--vcpus", paramLabel = "N", description = "vCPUs of the generated scenario. Default: 64.")
  Integer vcpus;

  @Option(names = "--td-vcpus", paramLabel = "N", defaultValue = "" + StressScenario.DEFAULT_TD_VCPUS,
      description = "Generated scenario: vCPUs per TD, 1..576; --vcpus N runs ceil(N / this) TDs in parallel. "
          + "Default: ${DEFAULT-VALUE}.")
  int tdVcpus;

  @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Wall-time limit (e.g. 30s, 2m). Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(names = "--scenario", paramLabel = "NAME|FILE",
      description = "Run a built-in scenario or a HOCON file instead of the generated one (it runs once, to its end).")
  String scenario;

  @Option(names = "--option", paramLabel = "NAME", description = "Design option to switch on (repeatable).")
  List<String> options = new ArrayList<>();

  @Option(names = "--option-from-generation", paramLabel = "G", defaultValue = "1", description = "Generated scenario: "
      + "the --option design options only in the hosts of generation G on (each built afresh), to put a mutation's "
      + "violation late in a long run. Default: ${DEFAULT-VALUE}.")
  int optionsFrom;

  @Option(names = "--record", paramLabel = "FILE",
      description = "Record every actor's receive order to FILE (JSON if FILE ends in .json, else compact binary: "
          + "varints, deflated blocks, CRCs; written atomically at the end, on a violation or Ctrl-C too). A violation "
          + "in one TD of a host is recorded for that TD alone.")
  Path record;

  @Option(names = "--threads", paramLabel = "N", description = "Pool threads. Default: one per core.")
  Integer threads;

  @Option(names = "--throughput", paramLabel = "N", defaultValue = "5",
      description = "Messages an actor handles per turn on a thread before the thread moves on (Pekko's dispatcher "
          + "throughput). Default: ${DEFAULT-VALUE}.")
  int throughput;

  @Option(names = "--checks", paramLabel = "on|off", defaultValue = "on",
      description = "Invariant checks (off: statistics only, to measure what checking costs). Default: ${DEFAULT-VALUE}.")
  String checks;

  @Option(names = "--check-every", paramLabel = "DURATION", defaultValue = "250ms", converter = DurationConverter.class,
      description = "Consistent cuts for the checks that need every actor at rest. Default: ${DEFAULT-VALUE}.")
  Duration checkEvery;

  @Option(names = "--conversions", paramLabel = "K", defaultValue = "2",
      description = "Generated scenario: 4-page round trips to shared and back per vCPU and life, 0..16. "
          + "Default: ${DEFAULT-VALUE}.")
  int conversions;

  @Option(names = "--split-every", paramLabel = "K", defaultValue = "16",
      description = "Generated scenario: every K-th vCPU of a TD splits a fresh 2M range per life (a split range "
          + "holds ~140 KB of model state until its TD ends). Default: ${DEFAULT-VALUE}.")
  int splitEvery;

  @Option(names = "--lives", paramLabel = "N", defaultValue = "1",
      description = "Generated scenario: range lives per vCPU in one generation (two fresh 2M ranges each), 1..32. "
          + "Default: ${DEFAULT-VALUE}.")
  int lives;

  @Option(names = "--max-replay", paramLabel = "N", defaultValue = "5000000",
      description = "With --record and a violation: replay records of up to N messages at once to write the trace "
          + "of the race. Default: ${DEFAULT-VALUE}.")
  long maxReplay;

  @Override
  public Integer call() {
    Scenario s = loadScenario();
    boolean checking = switch (checks) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new BadInput("--checks must be on or off, got " + checks);
    };
    int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (nThreads < 1) throw new BadInput("--threads must be positive, got " + nThreads);
    if (duration.isZero()) throw new BadInput("--duration must be positive");
    if (throughput < 1) throw new BadInput("--throughput must be positive, got " + throughput);
    if (optionsFrom < 1) throw new BadInput("--option-from-generation must be positive, got " + optionsFrom);
    if (optionsFrom > 1 && (scenario != null || options.isEmpty())) {
      throw new BadInput("--option-from-generation needs --option and the generated scenario");
    }
    ParallelSettings settings = new ParallelSettings(nThreads, record != null, throughput);
    StressRun.Config config = new StressRun.Config(Versions.TOOL, s, List.copyOf(options), duration, settings,
        checking, checkEvery, true, optionsFrom);

    HeapCheck.check(s);
    if (record != null) {
      OutputPlace.file("--record", record);
      OutputPlace.file("--record", traceFileFor(record));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.printf(Locale.ROOT, "stress%s: %,d vCPUs, %s; %d threads, up to %s, checks %s%s%n",
        StressScenario.isSource(s.source()) ? "" : " " + s.name(), s.vcpus(), describe(s), nThreads, Units.duration(duration), checks,
        record == null ? "" : ", recording to " + record);
    out.flush();

    try (Interrupts interrupts = Interrupts.install()) {
      HeapPerMinute heap = new HeapPerMinute(s.vcpus(), err);
      StressRun.Outcome o = StressRun.run(config, interrupts, line -> {
        err.println(line);
        heap.tick();
        err.flush();
      });
      Written w = writeRecord(o, interrupts);
      printSummary(out, o, w);
      if (OutOfMemory.happened()) throw new ModelFailure(OutOfMemory.line());
      if (w.error != null) throw BadInput.afterSummary(w.error + "; the verdict is on stdout");
      if (ModelFailure.is(o.result().violation())) throw ModelFailure.of(o.result().violation(), w.trace);
      return interrupts.exitCode(o.result().ok() ? Main.EXIT_OK : Main.EXIT_VIOLATION);
    }
  }

  /** What was written at the end: the trace of a replayed violation, the replay's line, or why writing failed. */
  private record Written(Path trace, String replayLine, String error) {}

  private static final String RECORD_NOT_WRITTEN = "record not written";
  /** An interrupted run's record of up to this many messages is replayed before it is written. */
  private static final long CHECK_INTERRUPTED = 1_000_000;

  private static boolean notWritten(Written w) {
    return w.replayLine() != null && w.replayLine().startsWith(RECORD_NOT_WRITTEN);
  }

  private Written writeRecord(StressRun.Outcome o, Interrupts interrupts) {
    if (o.record() == null) return new Written(null, null, null);
    if (OutOfMemory.happened()) {
      return new Written(null, RECORD_NOT_WRITTEN, "record " + record + " not written: the heap ran out during the "
          + "run, so its log misses what the failed thread received");
    }
    if (interrupts.signal() != null && o.record().deliveries() <= Math.min(maxReplay, CHECK_INTERRUPTED)) {
      // stopped (Ctrl-C) in its first moments, the cut can catch the world's set-up, a state no replay reaches
      // (seen by .ci/kill-test): a small record is replayed first, and one that does not replay is not written
      RecordReplayReport check = HostReplay.replay(o.record());
      if (!check.reproduced()) {
        return new Written(null, RECORD_NOT_WRITTEN + " (interrupted after " + o.record().deliveries() + " messages, "
            + "at a cut its replay does not reach: " + check.summary() + ")", null);
      }
    }
    try {
      RecordFile.write(record, o.record());
    } catch (UncheckedIOException e) {
      return new Written(null, RECORD_NOT_WRITTEN, e.getMessage());
    } catch (OutOfMemoryError e) {
      return new Written(null, RECORD_NOT_WRITTEN, "record " + record + ": out of memory writing it");
    }
    if (o.result().ok()) return new Written(null, null, null);
    if (interrupts.requested()) {
      return new Written(null, "not replayed (interrupted); run ./tdxsim replay " + record, null);
    }
    if (o.record().deliveries() > maxReplay) {
      return new Written(null, "not replayed here (" + o.record().deliveries() + " messages > --max-replay); run "
          + "./tdxsim replay " + record, null);
    }
    RecordReplayReport rep = HostReplay.replay(o.record());
    if (rep.trace() == null) return new Written(null, rep.summary(), null);
    Path trace = traceFileFor(record);
    try {
      TraceFile.write(trace, rep.trace());
    } catch (UncheckedIOException e) {
      return new Written(null, rep.summary(), e.getMessage() + " (the record " + record + " was written)");
    }
    return new Written(trace, rep.summary(), null);
  }

  private Scenario loadScenario() {
    try {
      if (scenario == null) {
        int n = vcpus == null ? 64 : vcpus;
        if (n < 1) throw new BadInput("--vcpus must be positive, got " + n);
        if (conversions < 0 || conversions > 16) throw new BadInput("--conversions must be in 0..16, got " + conversions);
        if (lives < 1 || lives > 32) throw new BadInput("--lives must be in 1..32, got " + lives);
        if (splitEvery < 1) throw new BadInput("--split-every must be positive, got " + splitEvery);
        if (tdVcpus < 1 || tdVcpus > TdxModuleConfig.MAX_VCPUS_PER_TD) {
          throw new BadInput("--td-vcpus must be in 1.." + TdxModuleConfig.MAX_VCPUS_PER_TD
              + " (the TDX module's MAX_VCPUS_PER_TD), got " + tdVcpus);
        }
        StressScenario.Spec base = StressScenario.spec(n, tdVcpus);
        return StressScenario.scenario(
            new StressScenario.Spec(n, tdVcpus, lives, splitEvery, conversions, base.touchPages()), options);
      }
      if (vcpus != null) {
        throw new BadInput("--vcpus sizes the generated scenario; scenario " + scenario + " sets its own vCPUs");
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--td-vcpus")) {
        throw new BadInput("--td-vcpus sizes the generated scenario's TDs; scenario " + scenario + " is one TD");
      }
      return ScenarioLoader.load(scenario, options);
    } catch (ScenarioException e) {
      throw new BadInput(e.getMessage(), e);
    }
  }

  private static String describe(Scenario s) {
    if (StressScenario.isSource(s.source())) {
      return s.tds().size() + " TDs, generated (" + s.source().substring("stress: ".length()) + ")";
    }
    return s.config().ranges2M() + " 2M ranges, scenario " + s.source();
  }

  static Path traceFileFor(Path record) {
    String name = record.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return record.resolveSibling(base + "-trace.json");
  }

  private void printSummary(PrintWriter out, StressRun.Outcome o, Written w) {
    printRun(out, o);
    printVerdict(out, o, w);
    out.flush();
    json.print(out, summary(o, w));
  }

  /** The text lines on what the run did: rates, counters, latency, checks, memory, the busiest actors. */
  private static void printRun(PrintWriter out, StressRun.Outcome o) {
    ParallelResult r = o.result();
    StressStats.Totals t = o.totals();
    double secs = r.elapsedNanos() / 1e9;
    out.printf(Locale.ROOT, "ran %.1f s (%s): %,d messages, %s; world set up in %.0f ms%n", secs,
        r.stoppedBy().name().toLowerCase(Locale.ROOT), r.deliveries(), Units.rate(r.deliveriesPerSecond(), "msg"),
        o.setupNanos() / 1e6);
    out.printf(Locale.ROOT, "faults: %,d (%,.0f/s), %,d attempts, %,d RET_PF_RETRY; ACCEPTs: %,d (%,.0f/s), %,d accepted, "
        + "%,d BUSY; splits: %,d; BUSY in all: %,d%n", t.faults, t.faults / secs, t.faultAttempts, t.faultRetries,
        t.accepts, t.accepts / secs, t.accepted, t.acceptsBusy, t.splits, t.busy);
    StressSummary.printRates(out, o);
    int tds = o.config().scenario().tds().size();
    if (tds > 1 || t.tdsRunnable < tds) {
      out.printf(Locale.ROOT, "TDs: %,d of %,d built (TDH.MR.FINALIZE) and running their vCPUs%n", t.tdsRunnable, tds);
    }
    if (t.vcpusDone > 0 && r.stoppedBy() != ParallelResult.StopReason.QUIESCENT) {
      out.printf(Locale.ROOT, "note: %,d of %,d vCPUs ran out of workload before the end (the model's workloads are "
          + "finite lists)%n", t.vcpusDone, o.vcpus());
    }
    Histogram h = o.faultLatency();
    if (h.getTotalCount() > 0) {
      out.printf(Locale.ROOT, "fault latency (us, EPT violation to fault handled, monitor clock): p50 %.1f  p90 %.1f  "
          + "p99 %.1f  p99.9 %.1f  max %.1f  (%,d faults)%n", us(h, 50), us(h, 90), us(h, 99), us(h, 99.9),
          h.getMaxValue() / 1e3, h.getTotalCount());
    }
    Units.counters("flows", o.flows(), true).forEach(out::println);
    Units.counters("SEAMCALLs", o.seamcalls(), true).forEach(out::println);
    out.printf(Locale.ROOT, "checks: %s; %,d consistent cuts, actors paused %.1f ms in all (%.2f%% of the run: "
        + "%.1f ms reaching the cuts, %.1f ms checking)%n",
        o.config().checking() ? "on, " + o.violations() + " violations reported" : "off",
        r.barriers(), r.barrierNanos() / 1e6, 100.0 * r.barrierNanos() / Math.max(1, r.elapsedNanos()),
        r.pauseNanos() / 1e6, r.checkNanos() / 1e6);
    if (o.heapAtEnd() >= 0) {
      out.printf(Locale.ROOT, "memory: %s held by the world at the end after a GC (%s per vCPU), %s before it was "
          + "built, max heap %s%n", Units.bytes(o.heapAtEnd() - o.heapBaseline()), Units.bytes(o.heapPerVcpu()),
          Units.bytes(o.heapBaseline()), Units.bytes(Runtime.getRuntime().maxMemory()));
    }
    if (o.busiest() != null) {
      StringBuilder sb = new StringBuilder();
      for (ParallelRun.ActorLoad a : o.busiest()) {
        if (sb.length() > 0) sb.append(", ");
        sb.append(String.format(Locale.ROOT, "%s %.1f%%", a.actor(), 100.0 * a.received() / Math.max(1, o.busiestOf())));
      }
      out.println("busiest actors (share of messages received): " + sb);
    }
  }

  /** The text lines on the outcome: verdict, final-state hash, and the record and trace written. */
  private void printVerdict(PrintWriter out, StressRun.Outcome o, Written w) {
    Path trace = w.trace();
    ParallelResult r = o.result();
    Violation v = r.violation();
    out.println(v == null ? "verdict: ok, no invariant broken" : "verdict: VIOLATION " + v.oneLine());
    out.println("final-state hash: " + RecordFile.hex(r.stateHash()));
    if (o.record() != null && notWritten(w) && w.error() == null) out.println(w.replayLine());
    if (o.record() != null && !notWritten(w)) {
      out.printf(Locale.ROOT, "record: %s (%,d messages%s)   (./tdxsim replay %s)%n", record, o.record().deliveries(),
          o.hostRecordMessages() < 0 ? "" : String.format(Locale.ROOT, ": the violating TD alone, of %,d in the host",
              o.hostRecordMessages()), record);
    }
    if (w.error() != null) out.println("NOT WRITTEN: " + w.error());
    if (w.replayLine() != null && !notWritten(w)) {
      out.println("replay of the record: " + w.replayLine());
    }
    if (trace != null) out.println("trace: " + trace + "   (./tdxsim minimize " + trace + ", ./tdxsim report " + trace + ")");
  }

  /** The machine-readable summary ({@code --json}) of the same run. */
  private Map<String, Object> summary(StressRun.Outcome o, Written w) {
    Path trace = w.trace();
    ParallelResult r = o.result();
    StressStats.Totals t = o.totals();
    double secs = r.elapsedNanos() / 1e9;
    Histogram h = o.faultLatency();
    Violation v = r.violation();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "stress");
    summary.put("scenario", o.config().scenario().name());
    summary.put("vcpus", o.vcpus());
    summary.put("tds", o.config().scenario().tds().size());
    summary.put("tdsRunnable", o.totals().tdsRunnable);
    summary.put("threads", o.config().settings().threads());
    summary.put("options", options);
    summary.put("elapsedSeconds", secs);
    summary.put("stoppedBy", r.stoppedBy().name());
    summary.put("messages", r.deliveries());
    summary.put("messagesPerSecond", r.deliveriesPerSecond());
    summary.put("faults", t.faults);
    summary.put("faultsPerSecond", t.faults / secs);
    summary.put("accepts", t.accepts);
    summary.put("acceptsPerSecond", t.accepts / secs);
    summary.put("splits", t.splits);
    summary.put("busy", t.busy);
    StressSummary.putRates(summary, o);
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("count", h.getTotalCount());
    lat.put("p50", us(h, 50));
    lat.put("p90", us(h, 90));
    lat.put("p99", us(h, 99));
    lat.put("p999", us(h, 99.9));
    lat.put("max", h.getMaxValue() / 1e3);
    summary.put("faultLatencyMicros", lat);
    summary.put("flows", o.flows());
    summary.put("seamcalls", o.seamcalls());
    summary.put("checks", o.config().checking());
    summary.put("barriers", r.barriers());
    summary.put("barrierMillis", r.barrierNanos() / 1e6);
    summary.put("heapBytesPerVcpu", o.heapPerVcpu());
    summary.put("verdict", v == null ? "ok" : "violation");
    summary.put("violation", v == null ? null : Map.of("invariant", v.invariant(), "detail", v.detail(),
        "actors", v.actors(), "gfns", v.gfns()));
    summary.put("finalStateHash", RecordFile.hex(r.stateHash()));
    summary.put("record", record == null || notWritten(w) ? null : record.toString());
    summary.put("error", w.error());
    summary.put("trace", trace == null ? null : trace.toString());
    return summary;
  }

  private static double us(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
  }

}
