package tdxsim.stress.catalogue;

import java.time.Duration;
import java.util.List;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The catalogue tests' fixed budgets, in one place. Schedule and delivery caps only (no wall time), so a test
 * explores the same schedules on every machine; the delivery cap keeps a big scenario's check cheap without
 * making it machine dependent. The long runs with the real figures are {@code ./tdxsim catalogue}'s.
 *
 * <p>A target that needs more than {@link #HUNT} to be caught says its scenario is too big: shrink the scenario
 * rather than raise the budget.
 */
final class TestBudgets {
  /** Each schedule's own budget, as {@code explore}'s default. */
  static final Budget SCHEDULE = Budget.steps(200_000);

  /** Baselines: each strategy with seed 1, up to 150 schedules or 300k deliveries. */
  static final List<StrategyKind> BASELINE_STRATEGIES = List.of(StrategyKind.PCT, StrategyKind.RANDOM);
  static final SweepLimits BASELINE = new SweepLimits(150, 300_000, Duration.ofDays(1), SCHEDULE);

  /** Hunts: PCT with each of these seeds must catch the target within 500 schedules or 1M deliveries. */
  static final List<Long> HUNT_SEEDS = List.of(1L, 2L, 3L);
  static final SweepLimits HUNT = new SweepLimits(500, 1_000_000, Duration.ofDays(1), SCHEDULE);

  private TestBudgets() {}
}
