package tdxsim.stress.catalogue;

import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.Seeds;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Runs the schedules of one (scenario, options, strategy, seed) the way {@code explore} does (schedule i gets
 * {@link Seeds#forSchedule}(seed, i) and the same bounded-fairness wrapper, so schedule i here is schedule i
 * there) but can go on past a violation: a comparison wants to know how many schedules break, not only the first,
 * and the counters of every schedule.
 */
public final class Sweep {
  private Sweep() {}

  /**
   * Runs up to {@code limits}; with {@code stopAtFirstViolation} it stops like {@code explore} does.
   * {@code worlds} should be fresh: its counter totals become the result's.
   */
  public static SweepResult run(DeterministicSystem system, TdxWorldFactory worlds, StrategyKind kind, long seed,
      SweepLimits limits, boolean stopAtFirstViolation) {
    Strategy strategy = FairStrategy.wrap(kind.create());
    long start = System.nanoTime();
    long wall = limits.wallNanos();
    long done = 0;
    long deliveries = 0;
    long violating = 0;
    boolean cutShort = false;
    Counterexample first = null;
    while (done < limits.schedules()) {
      if (deliveries >= limits.deliveries() || System.nanoTime() - start >= wall) {
        cutShort = true;
        break;
      }
      long scheduleSeed = Seeds.forSchedule(seed, done);
      strategy.reset(scheduleSeed);
      ScheduleResult r = system.run(worlds.create(scheduleSeed), strategy, limits.budget());
      deliveries += r.steps();
      if (!r.ok()) {
        violating++;
        if (first == null) first = new Counterexample(done, scheduleSeed, r);
      }
      done++;
      if (!r.ok() && stopAtFirstViolation) break;
    }
    return new SweepResult(done, deliveries, violating, first, worlds.totals(), cutShort, System.nanoTime() - start);
  }
}
