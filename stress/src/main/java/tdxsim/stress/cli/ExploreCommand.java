package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.cluster.ClusterResult;
import tdxsim.stress.cluster.ExploreClusterJob;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.RunCoverage;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.TraceJson;
import tdxsim.stress.workers.ExploreRange;
import tdxsim.stress.workers.ExploreSpec;
import tdxsim.stress.workers.ExploreTotals;
import tdxsim.stress.workers.IndexedSearch;
import tdxsim.stress.workers.SearchProgress;
import tdxsim.stress.workers.SearchResult;

@Command(
    name = "explore",
    mixinStandardHelpOptions = true,
    description = {
      "Explore schedules of a scenario on the deterministic runtime until an invariant breaks.",
      "A violation's trace is written to --out (for a clean run, the last schedule's trace).",
      "The --out directory is checked before the run: if the trace still cannot be written,",
      "the verdict and the command that finds the schedule again are printed, and the exit code is 2."
    })
final class ExploreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;
  @Mixin ScenarioOptions scenarioOptions;
  @Mixin DesignOptionNames designOptions;
  @Mixin CoverageOption coverageOption;
  @Mixin ClusterOptions clusterOptions;

  /**
   * The conflict strategy by default: on {@code default} it is the one that reaches the README's worked race (a
   * punch hole between a fault's kvm_gmem_get_pfn and its mmu_lock), which PCT, POS and PCTCP miss (README).
   */
  @Option(names = "--strategy", paramLabel = "random|pct|pos|pctcp|conflict", defaultValue = "conflict",
      description = "Exploration strategy. Default: ${DEFAULT-VALUE} (PCTCP that releases held VMM steps next to "
          + "conflicting ones; see README).")
  String strategy;

  @Option(names = "--schedules", paramLabel = "N", defaultValue = "1000",
      description = "Schedules to explore. Default: ${DEFAULT-VALUE}.")
  long schedules;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", converter = SeedConverter.class,
      description = "Run seed, decimal or hex (0x10). Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class, description = "Wall-time limit (e.g. 30s, 2m). Default: ${DEFAULT-VALUE}.")
  Duration timeLimit;

  @Option(names = "--require-all", description = "Exit 4 if the time limit stopped the run before --schedules ran.")
  boolean requireAll;

  @Mixin MaxStepsOption maxStepsOption;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "traces",
      description = "Directory for the trace. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Mixin WorkersOption workersOption;

  @Option(names = "--verbose", description = "Print every flow counter, those at 0 too (--json has them all).")
  boolean verbose;

  /** The cluster run's result, when there was one. */
  private ClusterResult<ExploreRange> cluster;

  @Override
  public Integer call() {
    StrategyKind kind = parseStrategy();
    if (schedules <= 0) throw new BadInput("--schedules must be positive, got " + schedules);
    maxStepsOption.value();
    int n = workersOption.count();
    clusterOptions.check(workersOption.given());
    Scenario scenario = scenarioOptions.load(designOptions.names);
    HeapCheck.check(scenario);
    OutputPlace.directory("--out", out, traceName(scenario, kind, "violation"), traceName(scenario, kind, "ok"));
    tdxsim.stress.coverage.Coverage coverage = coverageOption.start();
    clusterOptions.checkCoverage(coverage);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "explore %s: strategy %s, seed %d, up to %d schedules, time limit %s, %s%n",
        scenario.name(), kind.cliName(), seed, schedules, Units.duration(timeLimit),
        clusterOptions.enabled() ? "on the cluster at " + clusterOptions.bind() : n + " worker" + (n == 1 ? "" : "s"));
    o.flush();

    try (Interrupts interrupts = Interrupts.install()) {
      ExploreTotals r = ExploreTotals.of(search(scenario, kind, n, interrupts, coverage));
      Path trace = null;
      String writeError = null;
      try {
        if (r.shown() != null) trace = writeTrace(scenario, kind, r.shown());
      } catch (UncheckedIOException e) {
        writeError = e.getMessage();
      }
      coverageOption.write(coverage, o);
      printSummary(o, scenario, kind, r, trace, writeError, interrupts);
      if (writeError != null) {
        throw BadInput.afterSummary(writeError + "; the verdict and how to find it again are on stdout");
      }
      Violation v = r.violation() == null ? null : r.violation().violation();
      if (ModelFailure.is(v)) throw ModelFailure.of(v, trace);
      boolean vacuous = !ExpectedViolations.missing(ExpectedViolations.counts(scenario, r.counters())).isEmpty();
      return interrupts.exitCode(vacuous && r.violation() == null ? Main.EXIT_VIOLATION : exitCode(r));
    }
  }

  /** The schedules on {@code n} threads here, or on the cluster's worker nodes. */
  private SearchResult<ExploreRange> search(Scenario scenario, StrategyKind kind, int n, Interrupts interrupts,
      tdxsim.stress.coverage.Coverage coverage) {
    ExploreSpec explore = spec(scenario, kind);
    if (!clusterOptions.enabled()) {
      return IndexedSearch.run(explore.job(scenario, coverage), schedules, n, timeLimit, this::progress, interrupts);
    }
    cluster = clusterOptions.run(new ExploreClusterJob(explore, scenario), schedules, timeLimit, this::progress,
        interrupts, spec.commandLine().getErr());
    return cluster.search();
  }

  /** Every schedule asked for ran, or one broke an invariant: the verdict covers what was asked. */
  private boolean complete(ExploreTotals r) {
    return r.violation() != null || r.schedules() >= schedules;
  }

  private int exitCode(ExploreTotals r) {
    if (r.violation() != null) return Main.EXIT_VIOLATION;
    return requireAll && !complete(r) ? Main.EXIT_INCOMPLETE : Main.EXIT_OK;
  }

  private ExploreSpec spec(Scenario scenario, StrategyKind kind) {
    return new ExploreSpec(Worlds.traceScenario(scenario),
        scenario.extensions().traceOptions(designOptions.names), kind.cliName(), seed, schedules,
        maxStepsOption.maxSteps, Versions.TOOL);
  }

  private StrategyKind parseStrategy() {
    try {
      return StrategyKind.parse(strategy);
    } catch (IllegalArgumentException e) {
      throw new BadInput(e.getMessage());
    }
  }

  private void progress(SearchProgress p) {
    if (p.indices() == 0) return;
    PrintWriter err = spec.commandLine().getErr();
    err.printf(Locale.ROOT, "  %d/%d schedules, %.0f schedules/s, %s, %d ranges done%s%n",
        p.indices(), p.total(), p.indicesPerSecond(), Units.rate(p.workPerSecond(), "deliveries"), p.rangesDone(),
        clusterOptions.enabled() ? ", " + p.nodes() + " nodes, " + p.workers() + " workers" : "");
    err.flush();
  }

  private String traceName(Scenario scenario, StrategyKind kind, String verdict) {
    return String.format(Locale.ROOT, "explore-%s-%s-seed%d-%s.json", scenario.name(), kind.cliName(), seed, verdict);
  }

  private Path writeTrace(Scenario scenario, StrategyKind kind, Trace t) {
    Path file = out.resolve(traceName(scenario, kind, t.violation() == null ? "ok" : "violation"));
    TraceFile.write(file, t);
    return file;
  }

  /** The command that runs the same schedules again, up to the one shown (exploration is deterministic). */
  private String again(StrategyKind kind, Trace t) {
    StringBuilder sb = new StringBuilder("./tdxsim explore --scenario ").append(scenarioOptions.scenario);
    designOptions.names.forEach(opt -> sb.append(" --option ").append(opt));
    sb.append(" --strategy ").append(kind.cliName()).append(" --seed ").append(seed)
        .append(" --schedules ").append(t.scheduleIndex() + 1);
    long maxSteps = maxStepsOption.maxSteps;
    if (maxSteps != MaxStepsOption.DEFAULT) sb.append(" --max-steps ").append(maxSteps);
    return sb.toString();
  }

  private void printSummary(PrintWriter out, Scenario scenario, StrategyKind kind, ExploreTotals r, Path trace,
      String writeError, Interrupts interrupts) {
    double secs = r.search().elapsedNanos() / 1e9;
    out.printf(Locale.ROOT, "explored %d schedules, %d deliveries in %.1f s: %.0f schedules/s, %s%n", r.schedules(),
        r.deliveries(), secs, r.schedulesPerSecond(), Units.rate(r.deliveriesPerSecond(), "deliveries"));
    String stopped = stopped(r, interrupts);
    if (stopped != null) out.println(stopped);
    if (cluster != null) out.println(ClusterOptions.line(cluster));
    Map<String, Long> flows = r.counters();
    Units.counters("flows", flows, verbose).forEach(out::println);
    Map<String, Long> expected = ExpectedViolations.counts(scenario, flows);
    if (ExpectedViolations.line(expected) != null) out.println(ExpectedViolations.line(expected));
    Trace shown = r.shown();
    Violation v = r.violation() == null ? null : r.violation().violation();
    RunCoverage covered = r.coverage(kind);
    if (v == null && !ExpectedViolations.missing(expected).isEmpty()) {
      out.println("verdict: FAILED, an expected violation never fired: "
          + String.join(", ", ExpectedViolations.missing(expected)));
    } else if (v == null) {
      out.println("verdict: ok, no invariant broken" + (complete(r) ? "" : " in the schedules that ran"));
      out.println("covered: " + covered.summary());
    } else {
      out.printf(Locale.ROOT, "verdict: %s in schedule %d (seed %s) after %d deliveries%n  %s%n",
          ModelFailure.is(v) ? "MODEL FAILURE (not a protocol violation)" : "VIOLATION", shown.scheduleIndex(),
          TraceJson.hex(shown.scheduleSeed()), shown.decisions().size(), v.oneLine());
    }
    if (shown != null) {
      out.println("final-state hash: " + TraceJson.hex(shown.finalStateHash()) + " (schedule "
          + shown.scheduleIndex() + ")");
      if (trace != null) out.println("trace: " + trace + "   (./tdxsim replay " + trace + ")");
      if (writeError != null) {
        out.println("trace: NOT WRITTEN (" + writeError + ")");
        out.println("  strategy " + kind.cliName() + ", run seed " + seed + ", schedule " + shown.scheduleIndex()
            + ", schedule seed " + TraceJson.hex(shown.scheduleSeed()) + "; to run it again:");
        out.println("  " + again(kind, shown) + " --out DIR");
      }
    }
    out.flush();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "explore");
    summary.put("scenario", scenario.name());
    summary.put("options", designOptions.names);
    summary.put("strategy", kind.cliName());
    summary.put("seed", seed);
    summary.put("workers", r.search().workers());
    summary.put("cluster", cluster == null ? null : ClusterOptions.json(cluster));
    summary.put("schedules", r.schedules());
    summary.put("schedulesPlanned", schedules);
    summary.put("deliveries", r.deliveries());
    summary.put("elapsedSeconds", secs);
    summary.put("schedulesPerSecond", r.schedulesPerSecond());
    summary.put("deliveriesPerSecond", r.deliveriesPerSecond());
    summary.put("timedOut", r.search().timedOut() && !interrupts.requested());
    summary.put("complete", complete(r));
    summary.put("stoppedBy", stopped == null ? null : interrupts.requested() ? interrupts.signal() : "time-limit");
    boolean vacuous = v == null && !ExpectedViolations.missing(expected).isEmpty();
    summary.put("verdict", vacuous ? "expected-violation-missing" : v == null ? "ok"
        : ModelFailure.is(v) ? "model-failure" : "violation");
    summary.put("violation", v == null ? null : Map.of(
        "invariant", v.invariant(), "detail", v.detail(), "actors", v.actors(), "gfns", v.gfns()));
    summary.put("scheduleIndex", shown == null ? null : shown.scheduleIndex());
    summary.put("scheduleSeed", shown == null ? null : TraceJson.hex(shown.scheduleSeed()));
    summary.put("finalStateHash", shown == null ? null : TraceJson.hex(shown.finalStateHash()));
    summary.put("trace", trace == null ? null : trace.toString());
    summary.put("error", writeError);
    summary.put("flows", flows);
    summary.put("expectedViolations", expected);
    summary.put("coverage", covered.figures());
    json.print(out, summary);
  }

  /** "stopped by the time limit after 12 of 1000 schedules", or null if the run was not cut short. */
  private String stopped(ExploreTotals r, Interrupts interrupts) {
    if (complete(r)) return null;
    String by = interrupts.requested() ? "interrupted by " + interrupts.signal() : "stopped by the time limit";
    return String.format(Locale.ROOT, "%s after %d of %d schedules", by, r.schedules(), schedules);
  }
}
