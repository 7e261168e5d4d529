package tdxsim.stress.strategy;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * PCT priorities per chain and their change points, shared by {@link PctStrategy} (a receiver is the chain),
 * {@link PctcpStrategy} and {@link ConflictStrategy} (causal chains, {@link Delivery#chain()}): a chain's initial
 * priority is drawn when it is first seen and is at least the depth d, so each of the d-1 change points
 * ({@link #lower}) puts a chain below every initial priority. The change points are numbered in the steps the
 * strategy counts ({@link #changeAt}); k is the most such steps an earlier schedule counted.
 */
final class ChainPriorities {
  private final int depth;
  private long[] priority = new long[64];
  private final long[] changeStep;
  private int changes;
  private long steps;
  private long maxSteps;

  ChainPriorities(int depth) {
    if (depth < 1) throw new IllegalArgumentException("PCT depth must be at least 1: " + depth);
    this.depth = depth;
    this.changeStep = new long[depth - 1];
  }

  /** Forgets every chain and draws the new schedule's change points from {@code rng}. */
  void reset(SplittableRandom rng) {
    maxSteps = Math.max(maxSteps, steps);
    steps = 0;
    clear();
    changes = PctStrategy.changePoints(rng, changeStep, maxSteps);
  }

  /** Forgets every chain. */
  void clear() {
    Arrays.fill(priority, Delivery.UNSET);
  }

  /**
   * Counts one step, about to run {@code chain}'s delivery; if a change point falls on it, lowers that chain
   * below every initial priority and returns true (the strategy then picks again).
   */
  boolean changeAt(long chain) {
    steps++;
    for (int i = 0; i < changes; i++) {
      if (changeStep[i] == steps) {
        lower(chain, i);
        return true;
      }
    }
    return false;
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
