package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.actors.tdx.TdxModuleConfig;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.parallel.HostReplay;
import tdxsim.stress.parallel.ParallelSettings;
import tdxsim.stress.parallel.StressRun;
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

  @Mixin DesignOptionNames designOptions;

  @Option(names = "--option-from-generation", paramLabel = "G", defaultValue = "1", description = "Generated scenario: "
      + "the --option design options only in the hosts of generation G on (each built afresh), to put a mutation's "
      + "violation late in a long run. Default: ${DEFAULT-VALUE}.")
  int optionsFrom;

  @Option(names = "--generations", paramLabel = "N", defaultValue = "0", description = "Generated scenario: stop "
      + "after N generations (each runs until every workload has ended), or at --duration if sooner; 0: no limit. "
      + "Default: ${DEFAULT-VALUE}.")
  int maxGenerations;

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

  @Option(names = "--split-tds", description = "Let one TD's actors run on several threads at once. By default each TD "
      + "runs on one thread at a time and idle threads take whole TDs: a TD's vCPUs all talk to its guest_memfd, TDX "
      + "module and checker, and split over two threads one TD of 512 vCPUs ran at 0.6 of its speed on one.")
  boolean splitTds;

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
    if (optionsFrom > 1 && (scenario != null || designOptions.names.isEmpty())) {
      throw new BadInput("--option-from-generation needs --option and the generated scenario");
    }
    if (maxGenerations < 0) throw new BadInput("--generations must be 0 or more, got " + maxGenerations);
    if (maxGenerations > 0 && scenario != null) {
      throw new BadInput("--generations needs the generated scenario (a --scenario runs once)");
    }
    ParallelSettings settings = new ParallelSettings(nThreads, record != null, throughput, splitTds);
    StressRun.Config config = new StressRun.Config(Versions.TOOL, s, List.copyOf(designOptions.names), duration,
        settings, checking, checkEvery, true, optionsFrom, maxGenerations);

    HeapCheck.check(s);
    if (record != null) {
      OutputPlace.file("--record", record);
      OutputPlace.file("--record", traceFileFor(record));
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.printf(Locale.ROOT, "stress%s: %,d vCPUs, %s; %d threads%s, up to %s, checks %s%s%n",
        StressScenario.isSource(s.source()) ? "" : " " + s.name(), s.vcpus(), describe(s), nThreads,
        splitTds ? " (TDs split over them)" : "", Units.duration(duration), checks,
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
            new StressScenario.Spec(n, tdVcpus, lives, splitEvery, conversions, base.touchPages()), designOptions.names);
      }
      if (vcpus != null) {
        throw new BadInput("--vcpus sizes the generated scenario; scenario " + scenario + " sets its own vCPUs");
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--td-vcpus")) {
        throw new BadInput("--td-vcpus sizes the generated scenario's TDs; scenario " + scenario + " is one TD");
      }
      return ScenarioLoader.load(scenario, designOptions.names);
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

  /** The summary, computed once: its text lines, then (with --json) the same figures as JSON. */
  private void printSummary(PrintWriter out, StressRun.Outcome o, Written w) {
    StressSummary s = StressSummary.of(o, designOptions.names,
        StressSummary.verdict(o, record, w.replayLine(), notWritten(w), w.error(), w.trace()));
    StressSummaryText.print(out, s);
    out.flush();
    json.print(out, s.json());
  }
}
