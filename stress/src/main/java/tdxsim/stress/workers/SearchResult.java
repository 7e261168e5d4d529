package tdxsim.stress.workers;

import java.util.List;
import java.util.Optional;

/**
 * What a search kept: the ranges that count, in index order. With a violation they are every range up to and
 * including the one holding the lowest violating index (cut there); ranges above it, cancelled or finished, are
 * dropped, so counters summed over {@link #ranges} do not depend on how many workers ran.
 *
 * @param ranges the ranges that count, by {@code from}
 * @param timedOut the wall-time limit stopped the search before every index ran
 * @param elapsedNanos wall time
 * @param workers workers that ran (threads; on a cluster, over every node)
 * @param reassigned ranges handed to another worker after theirs left (a cluster only; 0 locally)
 */
public record SearchResult<R extends RangeOutcome>(
    List<R> ranges, boolean timedOut, long elapsedNanos, int workers, long reassigned) {
  public SearchResult {
    ranges = List.copyOf(ranges);
  }

  /** The range with the lowest violation (the last range kept), if any. */
  public Optional<R> violation() {
    if (ranges.isEmpty()) return Optional.empty();
    R last = ranges.get(ranges.size() - 1);
    return last.violated() ? Optional.of(last) : Optional.empty();
  }

  /** Indices run in the ranges that count. */
  public long indices() {
    long n = 0;
    for (R r : ranges) n += r.ran();
    return n;
  }
}
