package tdxsim.stress.catalogue;

import java.time.Duration;
import java.util.function.Consumer;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.runtime.Progress;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Hunts targets with {@link Explorer} on one deterministic system, reused for every hunt: starting an actor
 * system per seed would cost more than most hunts (the catalogue's targets are usually caught in a few schedules).
 * The wall time of a hunt is the explorer's, so it excludes that start-up either way.
 */
public final class Hunter {
  private final DeterministicSystem system;
  private final long maxSchedules;
  private final Duration timeLimit;
  private final Budget budget;

  /**
   * @param maxSchedules schedules per hunt at most
   * @param timeLimit wall time per hunt at most (a hunt it stops counts as not found)
   * @param budget each schedule's budget
   */
  public Hunter(DeterministicSystem system, long maxSchedules, Duration timeLimit, Budget budget) {
    this.system = system;
    this.maxSchedules = maxSchedules;
    this.timeLimit = timeLimit;
    this.budget = budget;
  }

  public Hunt hunt(Target target, StrategyKind kind, long seed) {
    return hunt(target, kind, seed, null);
  }

  public Hunt hunt(Target target, StrategyKind kind, long seed, Consumer<Progress> progress) {
    TdxWorldFactory worlds = new TdxWorldFactory(scenario(target));
    ExplorationResult r = Explorer.explore(system, worlds, FairStrategy.wrap(kind.create()), seed, maxSchedules,
        timeLimit, budget, progress, () -> false);
    return new Hunt(target, kind, seed, budget, r);
  }

  static Scenario scenario(Target target) {
    return ScenarioLoader.load(target.scenario(), target.options());
  }
}
