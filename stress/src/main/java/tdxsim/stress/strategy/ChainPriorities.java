package tdxsim.stress.strategy;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * PCT priorities per causal chain ({@link Delivery#chain()}), shared by {@link PctcpStrategy} and
 * {@link ConflictStrategy}: a chain's initial priority is drawn when it is first seen and is at least the depth d,
 * so the d-1 change points ({@link #lower}) put a chain below every initial priority.
 */
final class ChainPriorities {
  private final int depth;
  private long[] priority = new long[64];

  ChainPriorities(int depth) {
    this.depth = depth;
  }

  /** Forgets every chain (a new schedule). */
  void clear() {
    Arrays.fill(priority, Delivery.UNSET);
  }

  /** The chain's priority, drawn from {@code rng} when first seen. */
  long of(long chain, SplittableRandom rng) {
    int c = (int) chain;
    if (c >= priority.length) {
      int old = priority.length;
      priority = Arrays.copyOf(priority, Math.max(c + 1, old * 2));
      Arrays.fill(priority, old, priority.length, Delivery.UNSET);
    }
    long p = priority[c];
    if (p == Delivery.UNSET) {
      p = depth + (rng.nextLong() >>> 2);
      priority[c] = p;
    }
    return p;
  }

  /** The {@code i}-th change point (0-based): the chain drops to priority i + 1, below every initial one. */
  void lower(long chain, int i) {
    priority[(int) chain] = i + 1;
  }
}
