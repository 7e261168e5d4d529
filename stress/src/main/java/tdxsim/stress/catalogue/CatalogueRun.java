package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.runtime.Progress;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Runs the whole catalogue: every target under every strategy with every seed, one counterexample per target
 * minimized, then every race scenario's baseline. Sequential on one deterministic system, so that the wall times
 * in one table are comparable with each other (parallel hunts would share two cores and each other's caches).
 */
public final class CatalogueRun {
  private final DeterministicSystem system;
  private final CatalogueSettings settings;
  private final Shrinker shrinker;
  private final Consumer<String> progress;
  /** Minimized counterexamples by scenario and options: a race exposure that is also a mutation is shrunk once. */
  private final Map<String, Optional<Shrunk>> shrunkBy = new LinkedHashMap<>();
  private long lastDecile;

  /** @param progress one line per finished step (for stderr); the long baselines also report as they go */
  public CatalogueRun(DeterministicSystem system, CatalogueSettings settings, Shrinker shrinker,
      Consumer<String> progress) {
    this.system = system;
    this.settings = settings;
    this.shrinker = shrinker;
    this.progress = progress;
  }

  public CatalogueResult run(Catalogue catalogue) {
    List<TargetReport> targets = new ArrayList<>();
    for (Target t : catalogue.targets()) targets.add(target(t));
    List<BaselineReport> baselines = new ArrayList<>();
    if (settings.baselineSchedules() > 0) {
      for (Map.Entry<String, List<String>> e : racesByScenario(catalogue).entrySet()) {
        baselines.add(baseline(e.getKey(), e.getValue()));
      }
    }
    return new CatalogueResult(settings, targets, baselines);
  }

  /** Hunts one target with every strategy and seed; minimizes the first counterexample found. */
  public TargetReport target(Target t) {
    Hunter hunter = new Hunter(system, settings.maxSchedules(), settings.timeLimit(), settings.budget());
    List<StrategyStats> stats = new ArrayList<>();
    Hunt first = null;
    for (StrategyKind kind : settings.strategies()) {
      List<Hunt> hunts = new ArrayList<>();
      for (long seed : settings.seeds()) {
        Hunt h = hunter.hunt(t, kind, seed);
        hunts.add(h);
        if (first == null && h.found()) first = h;
      }
      StrategyStats s = StrategyStats.of(kind, hunts);
      stats.add(s);
      progress.accept(String.format(Locale.ROOT, "%s, %s: found by %d/%d seeds%s", t.label(), kind.cliName(),
          s.found(), s.seeds(), s.invariants().isEmpty() ? "" : ", " + String.join(", ", s.invariants().keySet())));
    }
    Hunt found = first;
    Optional<Shrunk> shrunk = found == null ? Optional.empty()
        : shrunkBy.computeIfAbsent(t.scenario() + " " + t.options(), k -> shrinker.shrink(found));
    shrunk.ifPresent(s -> progress.accept(t.label() + ": minimized " + s.originalSteps() + " -> "
        + s.minimizedSteps() + " deliveries"));
    return new TargetReport(t, stats, shrunk);
  }

  private BaselineReport baseline(String scenario, List<String> races) {
    TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load(scenario));
    String label = "baseline " + scenario + " (" + String.join(", ", races) + ")";
    lastDecile = 0;
    ExplorationResult r = Explorer.explore(system, worlds, FairStrategy.wrap(settings.baselineStrategy().create()),
        settings.baselineSeed(), settings.baselineSchedules(), settings.baselineTimeLimit(), settings.budget(),
        p -> baselineProgress(label, p), () -> false);
    BaselineReport b = new BaselineReport(races, scenario, settings.baselineStrategy().cliName(),
        settings.baselineSeed(), r);
    progress.accept(label + ": " + b.verdict());
    return b;
  }

  /** Every tenth of the way: a 10000-schedule baseline should say it is alive, not fill the terminal. */
  private void baselineProgress(String label, Progress p) {
    long decile = p.schedules() * 10 / Math.max(1, p.schedulesPlanned());
    if (decile <= lastDecile || p.schedules() == p.schedulesPlanned()) return;
    lastDecile = decile;
    progress.accept(String.format(Locale.ROOT, "%s: %d/%d schedules, %.0f schedules/s", label, p.schedules(),
        p.schedulesPlanned(), p.schedulesPerSecond()));
  }

  /** Races grouped by scenario, in catalogue order: races that share a scenario share its baseline. */
  static Map<String, List<String>> racesByScenario(Catalogue c) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (Race r : c.races()) m.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r.id());
    return m;
  }
}
