package tdxsim.stress.workers;

import java.util.Map;
import tdxsim.stress.model.CounterTotals;
import tdxsim.stress.strategy.PctStrategy;
import tdxsim.stress.strategy.RunCoverage;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.Trace;

/**
 * An exploration's result folded from the ranges that count ({@link SearchResult#ranges}): the same figures,
 * trace and hash on one worker, N workers or a cluster.
 *
 * @param schedules schedules run in the ranges that count
 * @param deliveries deliveries in them
 * @param counters the checker's counters summed over them, in the checker's order
 * @param violation the lowest-index violation's trace, or null
 * @param shown the trace to write: the violation's, else the last schedule's (null if none ran)
 * @param search the search itself (time, workers, reassigned ranges)
 */
public record ExploreTotals(
    long schedules, long deliveries, Map<String, Long> counters, Trace violation, Trace shown,
    SearchResult<ExploreRange> search) {

  public static ExploreTotals of(SearchResult<ExploreRange> search) {
    long schedules = 0;
    long deliveries = 0;
    CounterTotals counters = new CounterTotals();
    Trace last = null;
    long lastIndex = -1;
    for (ExploreRange r : search.ranges()) {
      schedules += r.ran();
      deliveries += r.deliveries();
      counters.add(r.counters());
      if (r.last() != null && r.last().scheduleIndex() > lastIndex) {
        last = r.last();
        lastIndex = last.scheduleIndex();
      }
    }
    Trace violation = search.violation().map(ExploreRange::violation).orElse(null);
    return new ExploreTotals(schedules, deliveries, counters.snapshot(), violation,
        violation != null ? violation : last, search);
  }

  /**
   * What the ranges that count covered, with PCT's miss-probability bound (n and k the largest of any range: the
   * same on one worker, N workers or a cluster).
   */
  public RunCoverage coverage(StrategyKind kind) {
    int chains = 0;
    long steps = 0;
    for (ExploreRange r : search.ranges()) {
      chains = Math.max(chains, r.chains());
      steps = Math.max(steps, r.choiceSteps());
    }
    int depth = kind == StrategyKind.PCT ? PctStrategy.DEFAULT_DEPTH : 0;
    return new RunCoverage(kind.cliName(), depth, schedules, deliveries, chains, steps);
  }

  public double schedulesPerSecond() {
    long ns = search.elapsedNanos();
    return ns == 0 ? 0 : schedules * 1e9 / ns;
  }

  public double deliveriesPerSecond() {
    long ns = search.elapsedNanos();
    return ns == 0 ? 0 : deliveries * 1e9 / ns;
  }
}
