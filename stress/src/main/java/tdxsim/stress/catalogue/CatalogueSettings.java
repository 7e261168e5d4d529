package tdxsim.stress.catalogue;

import java.time.Duration;
import java.util.List;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The knobs of a catalogue run. Seeds are fixed (1..n) so that the README's figures can be reproduced, and every
 * figure is the result of {@code explore} with one of them.
 *
 * @param seeds run seeds per target and strategy
 * @param strategies strategies, in column order
 * @param maxSchedules schedules per hunt at most
 * @param timeLimit wall time per hunt at most
 * @param budget each schedule's budget
 * @param baselineSchedules schedules per baseline (0: skip the baselines)
 * @param baselineTimeLimit wall time per baseline at most
 * @param baselineStrategy the baselines' strategy
 * @param baselineSeed the baselines' run seed
 */
public record CatalogueSettings(List<Long> seeds, List<StrategyKind> strategies, long maxSchedules,
    Duration timeLimit, Budget budget, long baselineSchedules, Duration baselineTimeLimit,
    StrategyKind baselineStrategy, long baselineSeed) {

  public CatalogueSettings {
    seeds = List.copyOf(seeds);
    strategies = List.copyOf(strategies);
    if (seeds.isEmpty()) throw new IllegalArgumentException("no seeds");
    if (strategies.isEmpty()) throw new IllegalArgumentException("no strategies");
    if (maxSchedules <= 0) throw new IllegalArgumentException("maxSchedules must be positive: " + maxSchedules);
    if (baselineSchedules < 0) throw new IllegalArgumentException("baselineSchedules is negative");
  }

  /** Seeds 1..n. */
  public static List<Long> seeds(int n) {
    return java.util.stream.LongStream.rangeClosed(1, n).boxed().toList();
  }
}
