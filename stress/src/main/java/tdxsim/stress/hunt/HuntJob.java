package tdxsim.stress.hunt;

import java.util.concurrent.atomic.AtomicLong;
import tdxsim.actors.vm.ModelVersion;
import tdxsim.stress.coverage.Coverage;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.RuntimeViolations;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.Seeds;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.workers.RangeControl;
import tdxsim.stress.workers.RangeJob;
import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.RangeWorker;

/**
 * {@code hunt} as a {@link RangeJob}: index i is world i of the {@link HuntSpec}; a world's schedules stop at its
 * first violation, which ends the range. A schedule that exhausts the step budget is run again from its seed with
 * {@link #WIDER_BUDGET} times the steps, and counts as what that run gives (its trace records the wider budget).
 */
public final class HuntJob implements RangeJob<HuntRange> {
  /** A schedule that runs out of steps is run again with this many times the steps before it counts. */
  static final int WIDER_BUDGET = 10;
  private final HuntSpec spec;
  /** Schedules run so far over every worker: for progress lines only, never for a result. */
  private final AtomicLong schedules = new AtomicLong();
  private final Coverage coverage;

  /** @param coverage where to count the protocol tuples every world reaches, or null */
  public HuntJob(HuntSpec spec, Coverage coverage) {
    this.spec = spec;
    this.coverage = coverage;
  }

  public HuntJob(HuntSpec spec) {
    this(spec, null);
  }

  public long schedulesSoFar() {
    return schedules.get();
  }

  @Override
  public int rangeSize() {
    return HuntSpec.RANGE_SIZE;
  }

  @Override
  public RangeWorker<HuntRange> open(int worker) {
    return RangeWorker.onSystem("tdxsim-hunt-" + worker, this::runRange);
  }

  /** The scenario of world {@code index}, the design options switched on. */
  public Scenario scenario(long index) {
    long worldSeed = spec.worldSeed(index);
    String name = WorldGenerator.name(worldSeed);
    try {
      return ScenarioLoader.parse(name + ".conf", name, WorldGenerator.generate(worldSeed))
          .withOptions(spec.options());
    } catch (ScenarioException e) {
      throw new IllegalStateException("the world generator drew a world the loader refuses: " + e.getMessage(), e);
    }
  }

  HuntRange runRange(DeterministicSystem system, long from, long to, RangeControl control) {
    long runs = 0;
    long deliveries = 0;
    long skipped = 0;
    long i = from;
    for (; i < to && control.proceed(i); i++) {
      long worldSeed = spec.worldSeed(i);
      Scenario world = scenario(i);
      TdxWorldFactory factory = new TdxWorldFactory(world).coverage(coverage);
      Strategy strategy = FairStrategy.wrap(spec.strategy().create());
      long worldDeliveries = 0;
      for (int j = 0; j < spec.schedulesPerWorld(); j++) {
        long scheduleSeed = Seeds.forSchedule(worldSeed, j);
        Budget budget = spec.budget();
        strategy.reset(scheduleSeed);
        ScheduleResult r = system.run(factory.create(scheduleSeed), strategy, budget);
        if (!r.ok() && RuntimeViolations.STEP_BUDGET.equals(r.violation().invariant())) {
          // the budget is the simulator's, not the kernel's: the same seed again with ten times the steps (a
          // fault spinning on a long zap's invalidation ends with the zap; a livelock runs out again)
          worldDeliveries += r.steps();
          budget = new Budget(budget.maxSteps() * WIDER_BUDGET, budget.maxVirtualTime());
          strategy.reset(scheduleSeed);
          r = system.run(factory.create(scheduleSeed), strategy, budget);
        }
        runs++;
        schedules.incrementAndGet();
        worldDeliveries += r.steps();
        if (!r.ok() && spec.skip().contains(r.violation().invariant())) {
          skipped++;
          break;
        }
        if (!r.ok()) {
          control.done(worldDeliveries);
          Trace t = trace(world, worldSeed, budget, new Counterexample(j, scheduleSeed, r));
          return new HuntRange(from, i - from + 1, runs, deliveries + worldDeliveries, skipped, i, t);
        }
      }
      deliveries += worldDeliveries;
      control.done(worldDeliveries);
    }
    return new HuntRange(from, i - from, runs, deliveries, skipped, RangeOutcome.NONE, null);
  }

  private Trace trace(Scenario world, long worldSeed, Budget budget, Counterexample c) {
    String text = WorldGenerator.generate(worldSeed);
    return Trace.of(spec.toolVersion(), ModelVersion.VERSION, new Trace.Scenario(world.name(), text),
        spec.options(), spec.strategy().cliName(), worldSeed, budget, c);
  }
}
