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
    clear(); // a strategy picked before its first reset draws priorities too (the array starts at 0, not UNSET)
    assert invariant();
  }

  /** Field invariants (O(d)): the change points distinct and within [1, k]. */
  private boolean invariant() {
    assert depth >= 1 : "depth " + depth + " with " + changeStep.length;
    assert changeStep.length == depth - 1 : "depth " + depth + " with " + changeStep.length;
    for (int i = 0; i < changes; i++) {
      assert changeStep[i] >= 1 : "change point " + changeStep[i] + " of " + maxSteps;
      assert changeStep[i] <= maxSteps : "change point " + changeStep[i] + " of " + maxSteps;
      for (int j = 0; j < i; j++) assert changeStep[j] != changeStep[i] : "change point " + changeStep[i] + " twice";
    }
    return true;
  }

  /** Forgets every chain and draws the new schedule's change points from {@code rng}. */
  void reset(SplittableRandom rng) {
    maxSteps = Math.max(maxSteps, steps);
    steps = 0;
    clear();
    changes = PctStrategy.changePoints(rng, changeStep, maxSteps);
    // at most d-1 distinct change points, each a step in [1, k]
    assert changes >= 0 : changes + " changes";
    assert changes <= changeStep.length : changes + " changes";
    assert changes <= Math.max(0, maxSteps) : changes + " changes";
    assert invariant();
    assert steps == 0;
  }

  /** Forgets every chain. */
  void clear() {
    assert priority.length > 0 : "no chain priorities";
    Arrays.fill(priority, Delivery.UNSET);
    assert priority[priority.length - 1] == Delivery.UNSET : "chain priorities not cleared";
  }

  /**
   * Counts one step, about to run {@code chain}'s delivery; if a change point falls on it, lowers that chain
   * below every initial priority and returns true (the strategy then picks again).
   */
  boolean changeAt(long chain) {
    assert chain >= 0 : "a change point asked for chain " + chain + " at step " + steps;
    assert steps >= 0 : "a change point asked for chain " + chain + " at step " + steps;
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
    // an initial priority is at least d, above every lowered one (1 .. d-1)
    assert p >= 1 : "chain " + chain + " has priority " + p;
    return p;
  }

  /** The {@code i}-th change point (0-based): the chain drops to priority i + 1, below every initial one. */
  void lower(long chain, int i) {
    assert i >= 0 : "change " + i + " of chain " + chain;
    assert i < changes : "change " + i + " of chain " + chain;
    assert chain >= 0 : "change " + i + " of chain " + chain;
    assert chain < priority.length : "change " + i + " of chain " + chain;
    priority[(int) chain] = i + 1;
    assert priority[(int) chain] < depth : "chain " + chain + " lowered to " + priority[(int) chain];
  }
}
