package tdxsim.stress.catalogue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Runs a comparison: every variant over the same schedules (same strategy, seed and count), all of them, even
 * after a violation: "how often does it break, and what does each design do meanwhile" is the question, not
 * only "does it break".
 */
public final class ComparisonRun {
  private final DeterministicSystem system;
  private final StrategyKind strategy;
  private final long seed;
  private final long schedules;
  private final Budget budget;
  private final Consumer<String> progress;

  public ComparisonRun(DeterministicSystem system, StrategyKind strategy, long seed, long schedules, Budget budget,
      Consumer<String> progress) {
    this.system = system;
    this.strategy = strategy;
    this.seed = seed;
    this.schedules = schedules;
    this.budget = budget;
    this.progress = progress;
  }

  public ComparisonReport run(Comparison c) {
    List<VariantOutcome> out = new ArrayList<>();
    for (Variant v : c.variants()) {
      TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load(c.scenario(), v.options()));
      SweepResult r = Sweep.run(system, worlds, strategy, seed, SweepLimits.schedules(schedules, budget), false);
      progress.accept(String.format(Locale.ROOT, "%s / %s: %d schedules, %d violating, %.1f s", c.id(), v.name(),
          r.schedules(), r.violating(), r.elapsedNanos() / 1e9));
      out.add(new VariantOutcome(v, r));
    }
    return new ComparisonReport(c, strategy, seed, schedules, out);
  }
}
