package tdxsim.stress.cli;

import java.io.PrintWriter;
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
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.TraceFile;
import tdxsim.stress.trace.TraceJson;
import tdxsim.stress.workers.ExploreJob;
import tdxsim.stress.workers.ExploreSpec;
import tdxsim.stress.workers.ExploreTotals;
import tdxsim.stress.workers.IndexedSearch;
import tdxsim.stress.workers.SearchProgress;

@Command(
    name = "explore",
    mixinStandardHelpOptions = true,
    description = {
      "Explore schedules of a scenario on the deterministic runtime until an invariant breaks.",
      "Exit 0: no violation (the last schedule's trace is written); 1: violation (its trace is written); 2: bad input."
    })
final class ExploreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;
  @Mixin ScenarioOptions scenarioOptions;

  @Option(names = "--strategy", paramLabel = "random|pct|pos", defaultValue = "pct",
      description = "Exploration strategy. Default: ${DEFAULT-VALUE}.")
  String strategy;

  @Option(names = "--schedules", paramLabel = "N", defaultValue = "1000",
      description = "Schedules to explore. Default: ${DEFAULT-VALUE}.")
  long schedules;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Run seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class, description = "Wall-time limit (e.g. 30s, 2m). Default: ${DEFAULT-VALUE}.")
  Duration timeLimit;

  @Option(names = "--max-steps", paramLabel = "N", defaultValue = "200000",
      description = "Deliveries allowed per schedule before it is a liveness violation. Default: ${DEFAULT-VALUE}.")
  long maxSteps;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "traces",
      description = "Directory for the trace. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--workers", paramLabel = "N",
      description = {"Deterministic systems run side by side, one per thread. Default: the machine's cores.",
          "The verdict, the trace and the hash do not depend on N."})
  Integer workers;

  @Override
  public Integer call() {
    StrategyKind kind = parseStrategy();
    if (schedules <= 0) throw new BadInput("--schedules must be positive, got " + schedules);
    if (maxSteps <= 0) throw new BadInput("--max-steps must be positive, got " + maxSteps);
    int n = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
    if (n <= 0) throw new BadInput("--workers must be positive, got " + n);
    Scenario scenario = scenarioOptions.load();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "explore %s: strategy %s, seed %d, up to %d schedules, time limit %s, %d worker%s%n",
        scenario.name(), kind.cliName(), seed, schedules, timeLimit, n, n == 1 ? "" : "s");
    out.flush();

    ExploreJob job = spec(scenario, kind).job(scenario);
    ExploreTotals r = ExploreTotals.of(IndexedSearch.run(job, schedules, n, timeLimit, this::progress));

    Path trace = r.shown() == null ? null : writeTrace(scenario, kind, r.shown());
    printSummary(out, scenario, kind, r, trace);
    return r.violation() != null ? Main.EXIT_VIOLATION : Main.EXIT_OK;
  }

  private ExploreSpec spec(Scenario scenario, StrategyKind kind) {
    return new ExploreSpec(Worlds.traceScenario(scenario), scenarioOptions.options, kind.cliName(), seed, schedules,
        maxSteps, Versions.TOOL);
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
    err.printf(Locale.ROOT, "  %d/%d schedules, %.0f schedules/s, %.2f M deliveries/s, %d ranges done%n",
        p.indices(), p.total(), p.indicesPerSecond(), p.workPerSecond() / 1e6, p.rangesDone());
    err.flush();
  }

  private Path writeTrace(Scenario scenario, StrategyKind kind, Trace t) {
    String verdict = t.violation() == null ? "ok" : "violation";
    Path file = out.resolve(String.format(Locale.ROOT, "explore-%s-%s-seed%d-%s.json",
        scenario.name(), kind.cliName(), seed, verdict));
    TraceFile.write(file, t);
    return file;
  }

  private void printSummary(PrintWriter out, Scenario scenario, StrategyKind kind, ExploreTotals r, Path trace) {
    double secs = r.search().elapsedNanos() / 1e9;
    out.printf(Locale.ROOT, "explored %d schedules, %d deliveries in %.1f s: %.0f schedules/s, %.2f M deliveries/s%s%n",
        r.schedules(), r.deliveries(), secs, r.schedulesPerSecond(), r.deliveriesPerSecond() / 1e6,
        r.search().timedOut() ? " (time limit reached)" : "");
    Map<String, Long> flows = r.counters();
    out.println("flows: " + (flows.isEmpty() ? "(none)" : flowsLine(flows)));
    Trace shown = r.shown();
    Violation v = r.violation() == null ? null : r.violation().violation();
    if (v == null) {
      out.println("verdict: ok, no invariant broken");
    } else {
      out.printf(Locale.ROOT, "verdict: VIOLATION in schedule %d (seed %s) after %d deliveries%n  %s%n",
          shown.scheduleIndex(), TraceJson.hex(shown.scheduleSeed()), shown.decisions().size(), v.oneLine());
    }
    if (shown != null) {
      out.println("final-state hash: " + TraceJson.hex(shown.finalStateHash()) + " (schedule "
          + shown.scheduleIndex() + ")");
      out.println("trace: " + trace + "   (./tdxsim replay " + trace + ")");
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("command", "explore");
    summary.put("scenario", scenario.name());
    summary.put("options", scenarioOptions.options);
    summary.put("strategy", kind.cliName());
    summary.put("seed", seed);
    summary.put("workers", r.search().workers());
    summary.put("schedules", r.schedules());
    summary.put("deliveries", r.deliveries());
    summary.put("elapsedSeconds", secs);
    summary.put("schedulesPerSecond", r.schedulesPerSecond());
    summary.put("deliveriesPerSecond", r.deliveriesPerSecond());
    summary.put("timedOut", r.search().timedOut());
    summary.put("verdict", v == null ? "ok" : "violation");
    summary.put("violation", v == null ? null : Map.of(
        "invariant", v.invariant(), "detail", v.detail(), "actors", v.actors(), "gfns", v.gfns()));
    summary.put("finalStateHash", shown == null ? null : TraceJson.hex(shown.finalStateHash()));
    summary.put("trace", trace == null ? null : trace.toString());
    summary.put("flows", flows);
    json.print(out, summary);
  }

  private static String flowsLine(Map<String, Long> flows) {
    StringBuilder sb = new StringBuilder();
    flows.forEach((k, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(n));
    return sb.toString();
  }
}
