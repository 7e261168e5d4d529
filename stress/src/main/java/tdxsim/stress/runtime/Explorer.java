package tdxsim.stress.runtime;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Runs schedules until the first violation, the schedule count or the wall-time limit. Schedule i is fully
 * determined by (strategy, {@link Seeds#forSchedule}(seed, i), world factory); the wall clock is read only to
 * stop and to report rates, never to decide anything.
 */
public final class Explorer {
  private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;

  private Explorer() {}

  /**
   * Explores on a fresh deterministic system owned by the calling thread, closed at the end, with
   * {@link FairStrategy bounded fairness} around the strategy so that liveness violations are real; between two
   * schedules it stops when {@code stop} says so (Ctrl-C): the result is then {@link ExplorationResult#interrupted()}.
   */
  public static ExplorationResult explore(
      WorldFactory worlds,
      StrategyKind strategy,
      long seed,
      long schedules,
      Duration wallTimeLimit,
      Budget budget,
      Consumer<Progress> progress,
      BooleanSupplier stop) {
    try (DeterministicSystem system = DeterministicSystem.create("tdxsim-explore")) {
      Strategy fair = FairStrategy.wrap(strategy.create());
      return explore(system, worlds, fair, seed, schedules, wallTimeLimit, budget, progress, stop);
    }
  }

  /** Explores on {@code system} with a strategy instance (e.g. PCT of another depth), stopping like the above. */
  public static ExplorationResult explore(
      DeterministicSystem system,
      WorldFactory worlds,
      Strategy strategy,
      long seed,
      long schedules,
      Duration wallTimeLimit,
      Budget budget,
      Consumer<Progress> progress,
      BooleanSupplier stop) {
    long start = System.nanoTime();
    assert system != null : "explore without its parts";
    assert worlds != null : "explore without its parts";
    assert strategy != null : "explore without its parts";
    assert budget != null : "explore without its parts";
    assert schedules >= 0 : "explore of " + schedules + " schedules";
    assert stop != null : "explore of " + schedules + " schedules";
    long limit = saturatedNanos(wallTimeLimit);
    long nextProgress = start + PROGRESS_EVERY_NANOS;
    long deliveries = 0;
    long done = 0;
    boolean timedOut = false;
    boolean interrupted = false;
    Counterexample found = null;
    Counterexample last = null;
    while (done < schedules) {
      long now = System.nanoTime();
      if (now - start >= limit) {
        timedOut = true;
        break;
      }
      if (stop.getAsBoolean()) {
        interrupted = true;
        break;
      }
      if (progress != null && now - nextProgress >= 0) {
        progress.accept(new Progress(done, schedules, deliveries, now - start));
        nextProgress = now + PROGRESS_EVERY_NANOS;
      }
      long scheduleSeed = Seeds.forSchedule(seed, done);
      strategy.reset(scheduleSeed);
      ScheduleResult r = system.run(worlds.create(scheduleSeed), strategy, budget);
      done++;
      assert r != null : "a schedule of " + r.steps() + " steps";
      assert r.steps() <= budget.maxSteps() : "a schedule of " + r.steps() + " steps";
      deliveries += r.steps();
      last = new Counterexample(done - 1, scheduleSeed, r);
      if (!r.ok()) {
        found = last;
        break;
      }
    }
    long elapsed = System.nanoTime() - start;
    assert done <= schedules : done + " of " + schedules + " schedules";
    assert (found == null || found == last) : done + " of " + schedules + " schedules";
    if (progress != null) progress.accept(new Progress(done, schedules, deliveries, elapsed));
    return new ExplorationResult(strategy.name(), seed, found, last, done, schedules, deliveries, elapsed, timedOut,
        interrupted);
  }

  private static long saturatedNanos(Duration d) {
    assert d != null : "a wall-time limit of " + d;
    assert !d.isNegative() : "a wall-time limit of " + d;
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
