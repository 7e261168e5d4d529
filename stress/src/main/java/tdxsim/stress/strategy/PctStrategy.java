package tdxsim.stress.strategy;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010), with the receiver
 * actor as the "thread": each receiver gets a random priority when first seen, the highest-priority receiver's
 * delivery always runs, and at d-1 random steps (change points) the receiver about to run drops to a priority
 * below every initial one. A bug of depth d is then found with probability at least 1/(n k^(d-1)) per schedule
 * (n receivers, k steps).
 *
 * <p>k is not known in advance: as in Shuttle and Coyote, it is the longest schedule seen so far (counted in
 * steps with a real choice); the first schedule has no change points. Within one receiver, deliveries from
 * different senders are ordered by a random per-delivery priority, drawn when the delivery becomes enabled.
 */
public final class PctStrategy implements Strategy {
  public static final int DEFAULT_DEPTH = 3;

  private final int depth;
  private SplittableRandom rng = new SplittableRandom(0);
  /** Receiver priorities by {@link Delivery#receiverIndex()}, change points at steps with a real choice. */
  private final ChainPriorities receivers;

  public PctStrategy() {
    this(DEFAULT_DEPTH);
  }

  /** @param depth the bug depth d to target (d-1 change points); at least 1 */
  public PctStrategy(int depth) {
    this.receivers = new ChainPriorities(depth);
    this.depth = depth;
    assert depth >= 1 : "PCT depth " + depth;
  }

  @Override
  public String name() {
    return "pct";
  }

  public int depth() {
    assert depth >= 1 : "PCT depth " + depth;
    return depth;
  }

  @Override
  public void reset(long scheduleSeed) {
    rng = new SplittableRandom(scheduleSeed);
    // d-1 distinct change points in [1, k]; the i-th one drawn lowers its receiver to priority i
    receivers.reset(rng);
  }

  /** Draws min(out.length, k) distinct change points in [1, k] into {@code out}; returns how many. */
  static int changePoints(SplittableRandom rng, long[] out, long k) {
    assert rng != null : "change points in [1, " + k + "]";
    assert out != null : "change points in [1, " + k + "]";
    assert k >= 0 : "change points in [1, " + k + "]";
    int n = (int) Math.min(out.length, k);
    for (int i = 0; i < n; i++) {
      long s;
      do {
        s = 1 + rng.nextLong(k);
      } while (contains(out, i, s));
      out[i] = s;
      assert s >= 1 : "change point " + s + " outside [1, " + k + "]";
      assert s <= k : "change point " + s + " outside [1, " + k + "]";
    }
    return n;
  }

  @Override
  public int pick(List<Delivery> enabled) {
    assert !enabled.isEmpty() : "pick from an empty enabled list";
    int n = enabled.size();
    int best = highest(enabled, n);
    assert best >= 0 : "PCT picked " + best + " of " + n;
    assert best < n : "PCT picked " + best + " of " + n;
    if (n == 1) return best;
    return receivers.changeAt(enabled.get(best).receiverIndex()) ? highest(enabled, n) : best;
  }

  /** Index of the delivery of the highest-priority receiver; ties within a receiver by delivery priority. */
  private int highest(List<Delivery> enabled, int n) {
    int best = -1;
    long bestChain = Long.MIN_VALUE;
    long bestOwn = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      Delivery d = enabled.get(i);
      long chain = receivers.of(d.receiverIndex(), rng);
      long own = d.priority();
      if (own == Delivery.UNSET) {
        assert d.priority() == Delivery.UNSET : "a delivery's priority drawn twice";
        own = rng.nextLong() >>> 1;
        d.setPriority(own);
      }
      if (best < 0 || chain > bestChain || (chain == bestChain && own > bestOwn)) {
        best = i;
        bestChain = chain;
        bestOwn = own;
      }
    }
    return best;
  }

  private static boolean contains(long[] a, int n, long v) {
    assert n <= a.length : "contains over " + n + " of " + a.length;
    for (int i = 0; i < n; i++) if (a[i] == v) return true;
    return false;
  }
}
