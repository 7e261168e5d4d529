package tdxsim.stress.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tdxsim.stress.catalogue.Catalogue;
import tdxsim.stress.catalogue.CatalogueException;
import tdxsim.stress.catalogue.CatalogueResult;
import tdxsim.stress.catalogue.CatalogueRun;
import tdxsim.stress.catalogue.CatalogueSettings;
import tdxsim.stress.catalogue.CatalogueTables;
import tdxsim.stress.catalogue.MinimizerShrinker;
import tdxsim.stress.catalogue.ReadmeSection;
import tdxsim.stress.catalogue.Shrinker;
import tdxsim.stress.catalogue.Summaries;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.strategy.StrategyKind;

/**
 * {@code ./tdxsim catalogue}: the race catalogue's table. Every race exposure and mutation is hunted under every
 * strategy with fixed seeds (1..n), so the figures are reproducible with {@code explore}; every race scenario's v3
 * baseline is explored for a fixed number of schedules. The exit code says whether the catalogue holds.
 */
@Command(
    name = "catalogue",
    mixinStandardHelpOptions = true,
    description = {
      "Run the race catalogue: for each race exposure and protocol mutation, per",
      "strategy, seeds 1..N: schedules and wall time to the first violation",
      "(medians, and how many seeds found it), the invariant that fired and the",
      "minimized counterexample's length; then each race scenario's v3 baseline",
      "over many schedules. Progress on stderr.",
      "Exit 0: every target caught, only by its listed invariants, and every",
      "baseline clean; 1: not so; 2: bad input (a --readme FILE without the",
      "catalogue markers included)."
    })
final class CatalogueCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin JsonOption json;
  @Mixin CatalogueFile catalogueFile;

  @Option(names = "--seeds", paramLabel = "N", defaultValue = "20",
      description = "Run seeds 1..N per target and strategy. Default: ${DEFAULT-VALUE}.")
  int seeds;

  @Option(names = "--strategies", paramLabel = "LIST", split = ",", defaultValue = "random,pct,pos",
      description = "Strategies, comma-separated. Default: ${DEFAULT-VALUE}.")
  List<String> strategies;

  @Option(names = "--max-schedules", paramLabel = "N", defaultValue = "1000",
      description = "Schedules per seed at most (a seed that does not find it by then counts as a miss)."
          + " Default: ${DEFAULT-VALUE}.")
  long maxSchedules;

  @Option(names = "--time-limit", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "Wall time per seed at most. Default: ${DEFAULT-VALUE}.")
  Duration timeLimit;

  @Mixin MaxStepsOption maxStepsOption;

  @Option(names = "--baseline-schedules", paramLabel = "N", defaultValue = "10000",
      description = "Schedules for each race scenario's v3 baseline (pct, seed 1); 0 skips them."
          + " Default: ${DEFAULT-VALUE}.")
  long baselineSchedules;

  @Option(names = "--baseline-time-limit", paramLabel = "DURATION", defaultValue = "10m",
      converter = DurationConverter.class, description = "Wall time per baseline at most. Default: ${DEFAULT-VALUE}.")
  Duration baselineTimeLimit;

  @Option(names = "--minimize-attempts", paramLabel = "N", defaultValue = "2000",
      description = "Minimizer attempts for each target's first counterexample; 0: do not minimize (n/a)."
          + " Default: ${DEFAULT-VALUE}.")
  int minimizeAttempts;

  @Option(names = "--only", paramLabel = "ID", split = ",",
      description = "Only these races/mutations (e.g. R2,M5); their baselines only.")
  List<String> only = new ArrayList<>();

  @Option(names = "--scenario", paramLabel = "NAME|FILE",
      description = "Run every target on this scenario instead of its own (e.g. default: how a strategy finds"
          + " each break where nobody placed it); its baseline once.")
  String scenario;

  @Option(names = "--markdown", description = "Print the tables as markdown (as --readme writes them).")
  boolean markdown;

  @Option(names = "--readme", paramLabel = "FILE",
      description = "Replace the text between " + ReadmeSection.BEGIN + " and " + ReadmeSection.END
          + " in FILE with the markdown tables (atomically).")
  Path readme;

  @Option(names = "--hunt", description = {"Benchmark instead: hunt with no scenario (./tdxsim",
      "hunt) for the v3 baseline and each option set of the", "catalogue, seeds 1..--seeds, each for at most",
      "--time-limit; --readme writes the table between", HuntTable.BEGIN + " and " + HuntTable.END + ".",
      "Its strategy: the first of --strategies if given, else pctcp."})
  boolean hunt;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
      description = "With --hunt: workers per hunt. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Override
  public Integer call() {
    if (hunt) return new HuntTable(this).run();
    CatalogueSettings settings = settings();
    Catalogue catalogue = select(catalogueFile.load());
    if (readme != null) {
      try {
        ReadmeSection.check(readme);
      } catch (CatalogueException e) {
        throw new BadInput(e.getMessage(), e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.printf("catalogue: %d targets x %d strategies x %d seeds, %d baseline(s) of %d schedules%n",
        catalogue.targets().size(), settings.strategies().size(), settings.seeds().size(),
        settings.baselineSchedules() == 0 ? 0 : catalogue.races().stream().map(r -> r.scenario()).distinct().count(),
        settings.baselineSchedules());
    out.flush();
    CatalogueResult result;
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-catalogue")) {
      Shrinker shrinker = minimizeAttempts == 0 ? Shrinker.NONE
          : new MinimizerShrinker(system, new MinimizeBudget(minimizeAttempts, Duration.ofMinutes(2)), Versions.TOOL,
              line -> progress(err, line));
      result = new CatalogueRun(system, settings, shrinker, line -> progress(err, line)).run(catalogue);
    }
    print(out, result);
    if (readme != null) {
      try {
        ReadmeSection.replace(readme, CatalogueTables.markdown(result));
      } catch (CatalogueException e) {
        throw new BadInput(e.getMessage(), e);
      }
      out.println("updated " + readme);
    }
    json.print(out, Summaries.catalogue(result));
    return result.holds() ? Main.EXIT_OK : Main.EXIT_VIOLATION;
  }

  private CatalogueSettings settings() {
    if (seeds <= 0) throw new BadInput("--seeds must be positive, got " + seeds);
    if (maxSchedules <= 0) throw new BadInput("--max-schedules must be positive, got " + maxSchedules);
    long maxSteps = maxStepsOption.value();
    if (baselineSchedules < 0) throw new BadInput("--baseline-schedules must not be negative, got " + baselineSchedules);
    if (minimizeAttempts < 0) throw new BadInput("--minimize-attempts must not be negative, got " + minimizeAttempts);
    return new CatalogueSettings(CatalogueSettings.seeds(seeds), parseStrategies(strategies), maxSchedules,
        timeLimit, Budget.steps(maxSteps), baselineSchedules, baselineTimeLimit, StrategyKind.PCT, 1);
  }

  /** Comma-separated strategy names, each once, in the order given. */
  static List<StrategyKind> parseStrategies(List<String> names) {
    Set<StrategyKind> kinds = new LinkedHashSet<>();
    for (String n : names) {
      try {
        kinds.add(StrategyKind.parse(n.trim()));
      } catch (IllegalArgumentException e) {
        throw new BadInput("--strategies: " + e.getMessage());
      }
    }
    if (kinds.isEmpty()) throw new BadInput("--strategies: no strategy given");
    return List.copyOf(kinds);
  }

  /** The catalogue restricted to {@code --only}; an id that is not in it is bad input. */
  Catalogue select(Catalogue all) {
    if (scenario != null) {
      try {
        tdxsim.stress.scenario.ScenarioLoader.load(scenario);
      } catch (tdxsim.stress.scenario.ScenarioException e) {
        throw new BadInput("--scenario: " + e.getMessage(), e);
      }
    }
    Catalogue c = scenario == null ? all : all.onScenario(scenario);
    if (only.isEmpty()) return c;
    Set<String> known = new LinkedHashSet<>();
    c.targets().forEach(t -> known.add(t.id()));
    for (String id : only) {
      if (!known.contains(id)) {
        throw new BadInput("--only: no race or mutation " + id + " in the catalogue (known: "
            + String.join(", ", known) + ")");
      }
    }
    return new Catalogue(c.races().stream().filter(r -> only.contains(r.id())).toList(),
        c.mutations().stream().filter(m -> only.contains("M" + m.id())).toList(), c.comparisons());
  }

  private void print(PrintWriter out, CatalogueResult r) {
    if (markdown) {
      out.print(CatalogueTables.markdown(r));
    } else {
      out.println(CatalogueTables.legend(r.settings()));
      out.println();
      out.print(CatalogueTables.targets(r, false).text());
      if (!r.baselines().isEmpty()) {
        out.println();
        out.print(CatalogueTables.baselines(r).text());
      }
    }
    out.println();
    out.println(r.holds() ? "catalogue holds: every target caught by its invariants, every baseline clean"
        : "catalogue does NOT hold: " + String.join("; ", r.problems()));
    out.flush();
  }

  private static void progress(PrintWriter err, String line) {
    err.println("  " + line);
    err.flush();
  }

  /** {@code --catalogue FILE}, shared with compare: the built-in catalogue unless another file is named. */
  static final class CatalogueFile {
    @Option(names = "--catalogue", paramLabel = "FILE",
        description = "A catalogue file instead of the built-in one (same HOCON format).")
    Path file;

    /** The catalogue, validated; a bad one is one line of {@link BadInput}. */
    Catalogue load() {
      try {
        return file == null ? Catalogue.load() : Catalogue.load(file);
      } catch (CatalogueException e) {
        throw new BadInput(e.getMessage(), e);
      }
    }
  }
}
