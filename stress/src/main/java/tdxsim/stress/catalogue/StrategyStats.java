package tdxsim.stress.catalogue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import tdxsim.stress.strategy.StrategyKind;

/**
 * One target under one strategy over the seeds: how many seeds found it, and the medians over those that did
 * (schedules to the first violation, wall time). Seeds that did not find it are left out of the medians and
 * show in {@link #found} / {@link #seeds} instead, so a median never hides a miss.
 *
 * @param strategy the strategy
 * @param seeds seeds run
 * @param found seeds that found a violation
 * @param medianSchedules median schedules to the first violation, over the seeds that found one
 * @param medianSeconds median wall time to it, over the same seeds
 * @param invariants invariants fired, with how many seeds fired each, sorted by name
 */
public record StrategyStats(StrategyKind strategy, int seeds, int found, OptionalDouble medianSchedules,
    OptionalDouble medianSeconds, Map<String, Integer> invariants) {

  public StrategyStats {
    invariants = Collections.unmodifiableMap(new LinkedHashMap<>(invariants));
  }

  static StrategyStats of(StrategyKind strategy, List<Hunt> hunts) {
    List<Hunt> hits = hunts.stream().filter(Hunt::found).toList();
    Map<String, Integer> fired = new TreeMap<>();
    for (Hunt h : hits) fired.merge(h.invariant().orElseThrow(), 1, Integer::sum);
    double[] schedules = hits.stream().mapToDouble(Hunt::schedules).toArray();
    double[] seconds = hits.stream().mapToDouble(h -> h.wallNanos() / 1e9).toArray();
    return new StrategyStats(strategy, hunts.size(), hits.size(), Medians.of(schedules), Medians.of(seconds), fired);
  }
}
