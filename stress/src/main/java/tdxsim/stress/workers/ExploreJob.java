package tdxsim.stress.workers;

import java.util.function.Function;
import java.util.function.Supplier;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.Seeds;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.RunCoverage;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;

/**
 * {@code explore} as a {@link RangeJob}: index i is schedule i, seeded {@link Seeds#forSchedule}(seed, i). Each
 * range starts a fresh strategy, because strategies may carry knowledge across schedules (PCT's step-count
 * estimate): a range's schedules then depend on the range's bounds only, not on which worker ran what before.
 * With {@link #RANGE_SIZE} schedules a range, the first 128 schedules are exactly those of {@code Explorer}.
 */
public final class ExploreJob implements RangeJob<ExploreRange> {
  /** Schedules per range: part of what a run is (with the seed), so never derived from the worker count. */
  public static final int RANGE_SIZE = 128;

  private final Supplier<TdxWorldFactory> worlds;
  private final StrategyKind kind;
  private final long seed;
  private final long total;
  private final Budget budget;
  private final Function<Counterexample, Trace> traces;

  /**
   * @param worlds a fresh factory per range (its counters are the range's)
   * @param total schedules in the run (the range holding index total-1 keeps its last trace)
   * @param traces how a schedule becomes a trace (the command knows the scenario text and options)
   */
  public ExploreJob(Supplier<TdxWorldFactory> worlds, StrategyKind kind, long seed, long total, Budget budget,
      Function<Counterexample, Trace> traces) {
    this.worlds = worlds;
    this.kind = kind;
    this.seed = seed;
    this.total = total;
    this.budget = budget;
    this.traces = traces;
  }

  @Override
  public int rangeSize() {
    return RANGE_SIZE;
  }

  @Override
  public RangeWorker<ExploreRange> open(int worker) {
    return RangeWorker.onSystem("tdxsim-explore-" + worker, this::runRange);
  }

  /** Schedules {@code from..to-1} on {@code system} with a fresh strategy; stops at the first violation. */
  ExploreRange runRange(DeterministicSystem system, long from, long to, RangeControl control) {
    RunCoverage.Counting strategy = new RunCoverage.Counting(FairStrategy.wrap(kind.create()));
    TdxWorldFactory factory = worlds.get();
    long deliveries = 0;
    Counterexample last = null;
    long i = from;
    for (; i < to && control.proceed(i); i++) {
      long scheduleSeed = Seeds.forSchedule(seed, i);
      strategy.reset(scheduleSeed);
      ScheduleResult r = system.run(factory.create(scheduleSeed), strategy, budget);
      deliveries += r.steps();
      control.done(r.steps());
      last = new Counterexample(i, scheduleSeed, r);
      if (!r.ok()) {
        strategy.close();
        return new ExploreRange(from, i - from + 1, deliveries, factory.totals(), i, traces.apply(last), null,
            strategy.chains(), strategy.choiceSteps());
      }
    }
    boolean keepLast = last != null && (i < to || last.scheduleIndex() == total - 1);
    strategy.close();
    return new ExploreRange(from, i - from, deliveries, factory.totals(), RangeOutcome.NONE, null,
        keepLast ? traces.apply(last) : null, strategy.chains(), strategy.choiceSteps());
  }
}
