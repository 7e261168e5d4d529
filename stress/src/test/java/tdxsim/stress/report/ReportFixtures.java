package tdxsim.stress.report;

import java.util.List;
import tdxsim.stress.minimize.MinimizeBudget;
import tdxsim.stress.minimize.Minimizer;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.minimize.fixtures.NoisyRaceWorld;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.runtime.WorldFactory;
import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.trace.Trace;

/** Traces the report tests draw. */
final class ReportFixtures {
  static final ColumnPolicy VCPUS = ColumnPolicy.cpuContexts(n -> n.startsWith("vcpu-"));

  private ReportFixtures() {}

  /** The noisy lost update, minimized to its 12 deliveries (deterministic). */
  static Trace minimizedRace(DeterministicSystem system) {
    Trace noisy = FixtureTraces.noisyRace(system);
    return Minimizer.minimize(system, FixtureTraces.NOISY_RACE, noisy, MinimizeBudget.attempts(2_000), null)
        .minimized();
  }

  /**
   * An ok run of the race world with no noise and 12 local steps, always delivering the first enabled delivery:
   * vcpu-0 does its whole increment, then vcpu-1 runs 13 Steps in a row (a run the compact view collapses).
   */
  static final WorldFactory LONG_RUN = seed -> new NoisyRaceWorld(12, 0, 0);

  static Trace longRun(DeterministicSystem system) {
    Strategy first = new Strategy() {
      @Override
      public String name() {
        return "first";
      }

      @Override
      public void reset(long scheduleSeed) {}

      @Override
      public int pick(List<Delivery> enabled) {
        return 0;
      }
    };
    ScheduleResult r = system.run(LONG_RUN.create(7), first, Budget.DEFAULT);
    return Trace.of("t", FixtureTraces.MODEL, new Trace.Scenario("long-run", "fixture"), List.of(), "first", 7,
        Budget.DEFAULT, new Counterexample(0, 7, r));
  }
}
