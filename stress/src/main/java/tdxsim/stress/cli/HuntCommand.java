package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.actors.invariants.InvariantChecker;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.cluster.ClusterResult;
import tdxsim.stress.cluster.HuntClusterJob;
import tdxsim.stress.coverage.Coverage;
import tdxsim.stress.hunt.HuntJob;
import tdxsim.stress.hunt.HuntRange;
import tdxsim.stress.hunt.HuntSpec;
import tdxsim.stress.hunt.HuntTotals;
import tdxsim.stress.io.AtomicFiles;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.RuntimeViolations;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.TraceJson;
import tdxsim.stress.workers.IndexedSearch;
import tdxsim.stress.workers.SearchProgress;
import tdxsim.stress.workers.SearchResult;

@Command(
    name = "hunt",
    mixinStandardHelpOptions = true,
    description = {
      "Hunt with no scenario: draw small valid worlds from the seed",
      "(swarm testing), explore a few schedules of each, then the next",
      "world, until an invariant breaks or the time limit. A violation's",
      "trace (its scenario is the generated world) is written to --out;",
      "replay, minimize and report take it as any trace. A clean hunt",
      "writes nothing."
    })
final class HuntCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;
  @Mixin CoverageOption coverageOption;
  @Mixin ClusterOptions clusterOptions;

  /** Switched on in every world ({@link #options()}). */
  @Mixin DesignOptionNames designOptions;

  @Option(names = "--strategy", paramLabel = "random|pct|pos|pctcp|conflict", defaultValue = "pctcp",
      description = "Strategy of each world's schedules. Default: ${DEFAULT-VALUE}.")
  String strategy;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", converter = SeedConverter.class,
      description = "Run seed, decimal or hex; world i's seed is a function of it and i. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--worlds", paramLabel = "N", defaultValue = "1000000",
      description = "Worlds to draw at most. Default: ${DEFAULT-VALUE}.")
  long worlds;

  @Option(names = "--schedules-per-world", paramLabel = "N", defaultValue = "8",
      description = "Schedules explored in each world. Default: ${DEFAULT-VALUE}.")
  int perWorld;

  @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class, description = "Wall-time limit (e.g. 30s, 2m). Default: ${DEFAULT-VALUE}.")
  Duration timeLimit;

  @Mixin MaxStepsOption maxStepsOption;

  @Mixin WorkersOption workersOption;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "traces",
      description = "Directory for the trace of a violation. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--save-scenario", paramLabel = "FILE",
      description = "Also write the violating world's scenario (HOCON) to FILE, for explore --scenario FILE.")
  Path saveScenario;

  @Option(names = "--skip", paramLabel = "INVARIANT", description = {"An invariant whose violation leaves the world",
      "for the next (repeatable): a known window hides no other."})
  List<String> skip = new ArrayList<>();

  private HuntJob job;
  private Coverage coverage;
  /** The cluster run's result, when there was one. */
  private ClusterResult<HuntRange> cluster;

  private List<String> options() {
    return designOptions.names;
  }

  @Override
  public Integer call() {
    StrategyKind kind = parse();
    int n = workersOption.count();
    clusterOptions.check(workersOption.given());
    OutputPlace.directory("--out", out, traceName());
    if (saveScenario != null) OutputPlace.file("--save-scenario", saveScenario);
    coverage = coverageOption.start();
    clusterOptions.checkCoverage(coverage);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "hunt: options %s, strategy %s, seed %d, %d schedules per world, time limit %s, %s%n",
        options().isEmpty() ? "none (v3 baseline)" : String.join(" ", options()), kind.cliName(), seed, perWorld,
        Units.duration(timeLimit),
        clusterOptions.enabled() ? "on the cluster at " + clusterOptions.bind() : n + " worker" + (n == 1 ? "" : "s"));
    o.flush();
    HuntSpec hunt = new HuntSpec(options(), kind, seed, perWorld, Budget.steps(maxStepsOption.maxSteps), Versions.TOOL,
        Set.copyOf(skip));
    job = new HuntJob(hunt, coverage);
    try (Interrupts interrupts = Interrupts.install()) {
      HuntTotals r = HuntTotals.of(search(hunt, n, interrupts));
      Path trace = null;
      String writeError = null;
      try {
        if (r.violation() != null) trace = write(r.violation());
      } catch (UncheckedIOException e) {
        writeError = e.getMessage();
      }
      coverageOption.write(coverage, o);
      summary(o, kind, r, trace, writeError);
      if (writeError != null) throw BadInput.afterSummary(writeError + "; the verdict and its world are on stdout");
      Violation v = r.violation() == null ? null : r.violation().violation();
      if (ModelFailure.is(v)) throw ModelFailure.of(v, trace);
      return interrupts.exitCode(v == null ? Main.EXIT_OK : Main.EXIT_VIOLATION);
    }
  }

  /** The worlds on {@code n} threads here, or on the cluster's worker nodes. */
  private SearchResult<HuntRange> search(HuntSpec hunt, int n, Interrupts interrupts) {
    if (!clusterOptions.enabled()) return IndexedSearch.run(job, worlds, n, timeLimit, this::progress, interrupts);
    cluster = clusterOptions.run(new HuntClusterJob(hunt), worlds, timeLimit, this::progress, interrupts,
        spec.commandLine().getErr());
    return cluster.search();
  }

  private StrategyKind parse() {
    if (worlds <= 0) throw new BadInput("--worlds must be positive, got " + worlds);
    if (perWorld <= 0) throw new BadInput("--schedules-per-world must be positive, got " + perWorld);
    maxStepsOption.value();
    Set<String> known = new HashSet<>();
    InvariantChecker.invariants().forEach(i -> known.add(i.id()));
    known.add(RuntimeViolations.STEP_BUDGET); // a model failure (runtime.*) is never skipped
    known.add(RuntimeViolations.VIRTUAL_TIME_BUDGET);
    for (String s : skip) if (!known.contains(s)) throw new BadInput("--skip: no invariant " + s + " (./tdxsim list)");
    try {
      Scenario.checkOptions(options());
      return StrategyKind.parse(strategy);
    } catch (IllegalArgumentException | ScenarioException e) {
      throw new BadInput(e.getMessage());
    }
  }

  private String traceName() {
    return String.format(Locale.ROOT, "hunt-seed%d-violation.json", seed);
  }

  private Path write(Trace t) {
    Path file = out.resolve(traceName());
    TraceFile.write(file, t);
    if (saveScenario != null) AtomicFiles.writeString(saveScenario, t.scenario().source());
    return file;
  }

  private void progress(SearchProgress p) {
    if (p.indices() == 0) return;
    PrintWriter err = spec.commandLine().getErr();
    double secs = p.elapsedNanos() / 1e9;
    if (clusterOptions.enabled()) { // the work of a cluster's range is its schedules
      err.printf(Locale.ROOT, "  %d worlds, %d schedules, %.0f schedules/s, %d ranges done, %d nodes, %d workers%n",
          p.indices(), p.work(), p.workPerSecond(), p.rangesDone(), p.nodes(), p.workers());
      err.flush();
      return;
    }
    err.printf(Locale.ROOT, "  %d worlds, %d schedules, %.0f schedules/s, %s%s%n", p.indices(), job.schedulesSoFar(),
        secs == 0 ? 0 : job.schedulesSoFar() / secs, Units.rate(p.workPerSecond(), "deliveries"),
        coverage == null ? "" : ", " + coverage.reached().size() + " coverage tuples");
    err.flush();
  }

  private void summary(PrintWriter o, StrategyKind kind, HuntTotals r, Path trace, String writeError) {
    double secs = r.search().elapsedNanos() / 1e9;
    o.printf(Locale.ROOT, "hunted %d worlds, %d schedules, %d deliveries in %.1f s: %.0f schedules/s%n", r.worlds(),
        r.schedules(), r.deliveries(), secs, r.schedulesPerSecond());
    if (cluster != null) o.println(ClusterOptions.line(cluster));
    if (!skip.isEmpty()) o.printf(Locale.ROOT, "worlds left on a skipped invariant: %d%n", r.skipped());
    Trace t = r.violation();
    Violation v = t == null ? null : t.violation();
    if (v == null) {
      o.println("verdict: ok, no invariant broken in " + r.worlds() + " worlds");
    } else {
      o.printf(Locale.ROOT, "verdict: %s in world %d (%s, world seed %s), schedule %d, after %d deliveries%n  %s%n",
          ModelFailure.is(v) ? "MODEL FAILURE (not a protocol violation)" : "VIOLATION", r.violationWorld(),
          t.scenario().name(), TraceJson.hex(t.runSeed()), t.scheduleIndex(), t.decisions().size(), v.oneLine());
      o.println("final-state hash: " + TraceJson.hex(t.finalStateHash()));
      if (trace != null) o.println("trace: " + trace + "   (./tdxsim replay " + trace + ")");
      if (saveScenario != null && trace != null) {
        o.println("scenario: " + saveScenario + "   (./tdxsim explore --scenario " + saveScenario + " --strategy "
            + kind.cliName() + " --seed " + TraceJson.hex(t.runSeed()) + " --schedules " + (t.scheduleIndex() + 1)
            + options().stream().map(x -> " --option " + x).reduce("", String::concat) + ")");
      }
      if (writeError != null) o.println("trace: NOT WRITTEN (" + writeError + ")\n" + t.scenario().source());
    }
    o.flush();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("command", "hunt");
    s.put("options", options());
    s.put("strategy", kind.cliName());
    s.put("seed", seed);
    s.put("workers", r.search().workers());
    s.put("cluster", cluster == null ? null : ClusterOptions.json(cluster));
    s.put("worlds", r.worlds());
    s.put("schedules", r.schedules());
    s.put("deliveries", r.deliveries());
    s.put("skipped", r.skipped());
    s.put("elapsedSeconds", secs);
    s.put("verdict", v == null ? "ok" : ModelFailure.is(v) ? "model-failure" : "violation");
    s.put("violation", v == null ? null : Map.of("invariant", v.invariant(), "detail", v.detail()));
    s.put("world", v == null ? null : r.violationWorld());
    s.put("worldSeed", t == null ? null : TraceJson.hex(t.runSeed()));
    s.put("scheduleIndex", t == null ? null : t.scheduleIndex());
    s.put("finalStateHash", t == null ? null : TraceJson.hex(t.finalStateHash()));
    s.put("trace", trace == null ? null : trace.toString());
    s.put("error", writeError);
    json.print(o, s);
  }
}
