package tdxsim.stress.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The bookkeeping of a search over ranges, shared by the local executor ({@link IndexedSearch}) and the cluster
 * coordinator: which range to hand out next, which ones are out, which came back, and the lowest violating index
 * known so far. Ranges are handed out lowest first and a lost range (its worker left) is handed out again before
 * any fresh one, so the lowest violation is always found; a range that comes back twice counts once.
 *
 * <p>Not thread-safe: the executor holds its monitor, the coordinator is one actor.
 */
public final class RangeBook<R extends RangeOutcome> {
  private final long total;
  private final int rangeSize;
  private final long ranges;
  private final TreeSet<Long> lost = new TreeSet<>();
  private final TreeSet<Long> out = new TreeSet<>();
  private final TreeMap<Long, R> done = new TreeMap<>();
  private long nextFresh;
  private long lowestViolation = Long.MAX_VALUE;
  private long reassigned;

  public RangeBook(long total, int rangeSize) {
    if (total <= 0) throw new IllegalArgumentException("nothing to search: " + total + " indices");
    if (rangeSize <= 0) throw new IllegalArgumentException("range size must be positive: " + rangeSize);
    this.total = total;
    this.rangeSize = rangeSize;
    this.ranges = (total + rangeSize - 1) / rangeSize;
  }

  public long from(long range) {
    return range * rangeSize;
  }

  public long to(long range) {
    return Math.min(total, from(range) + rangeSize);
  }

  public long total() {
    return total;
  }

  /** The next range to run (a lost one first), or -1 when none is wanted now. */
  public long next() {
    while (!lost.isEmpty()) {
      long r = lost.pollFirst();
      if (!wanted(from(r))) continue;
      reassigned++;
      out.add(r);
      return r;
    }
    if (nextFresh >= ranges || !wanted(from(nextFresh))) return -1;
    out.add(nextFresh);
    return nextFresh++;
  }

  /** Whether index {@code index} can still matter: no violation is known below it. */
  public boolean wanted(long index) {
    return index <= lowestViolation;
  }

  /** Range {@code range} will not come back (its worker left): it is handed out again. */
  public void lose(long range) {
    if (out.remove(range) && !done.containsKey(range)) lost.add(range);
  }

  /** Range {@code outcome} came back; a second copy of one already back is ignored. @return it counted */
  public boolean complete(long range, R outcome) {
    if (outcome.from() != from(range)) {
      throw new IllegalArgumentException("range " + range + " reported from " + outcome.from());
    }
    out.remove(range);
    lost.remove(range);
    if (done.containsKey(range)) return false;
    done.put(range, outcome);
    if (outcome.violated()) lowestViolation = Math.min(lowestViolation, outcome.violationIndex());
    return true;
  }

  /** Every wanted range is back. */
  public boolean finished() {
    if (nextFresh < ranges && wanted(from(nextFresh))) return false;
    for (long r : out) if (wanted(from(r))) return false;
    for (long r : lost) if (wanted(from(r))) return false;
    return true;
  }

  public long rangesDone() {
    return done.size();
  }

  public long outstanding() {
    return out.size();
  }

  /** Ranges handed out again after their worker left. */
  public long reassigned() {
    return reassigned;
  }

  /** The ranges that count, by index: those at or below the lowest violation. */
  public List<R> kept() {
    List<R> kept = new ArrayList<>();
    for (R r : done.values()) if (wanted(r.from())) kept.add(r);
    return kept;
  }
}
