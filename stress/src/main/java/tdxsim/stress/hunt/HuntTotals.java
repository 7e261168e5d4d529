package tdxsim.stress.hunt;

import tdxsim.stress.trace.Trace;
import tdxsim.stress.workers.SearchResult;

/**
 * A hunt's result folded from the ranges that count: the same on any number of workers.
 *
 * @param worlds worlds run
 * @param schedules schedules run in them
 * @param deliveries deliveries in them
 * @param skipped worlds left on a skipped invariant
 * @param violationWorld the index of the lowest violating world, or -1
 * @param violation its trace, or null
 * @param search the search (time, workers)
 */
public record HuntTotals(
    long worlds, long schedules, long deliveries, long skipped, long violationWorld, Trace violation,
    SearchResult<HuntRange> search) {

  public static HuntTotals of(SearchResult<HuntRange> search) {
    long worlds = 0;
    long schedules = 0;
    long deliveries = 0;
    long skipped = 0;
    for (HuntRange r : search.ranges()) {
      skipped += r.skipped();
      worlds += r.ran();
      schedules += r.schedules();
      deliveries += r.deliveries();
    }
    HuntRange v = search.violation().orElse(null);
    return new HuntTotals(worlds, schedules, deliveries, skipped, v == null ? -1 : v.violationIndex(),
        v == null ? null : v.violation(), search);
  }

  public double schedulesPerSecond() {
    long ns = search.elapsedNanos();
    return ns == 0 ? 0 : schedules * 1e9 / ns;
  }
}
