package tdxsim.stress.strategy;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Partial Order Sampling (Yuan, Yang, Gu, CAV 2018): every delivery gets a random priority when it becomes
 * enabled; the highest runs; after it runs, the deliveries still enabled that race with it (same receiver: the
 * order in which one actor handles two messages is what matters) get fresh priorities. Unlike a random walk,
 * this samples partial orders nearly uniformly instead of favouring those with many interleavings.
 */
public final class PosStrategy implements Strategy {
  private SplittableRandom rng = new SplittableRandom(0);

  @Override
  public String name() {
    return "pos";
  }

  @Override
  public void reset(long scheduleSeed) {
    assert rng != null : "POS without its generator";
    rng = new SplittableRandom(scheduleSeed);
  }

  @Override
  public int pick(List<Delivery> enabled) {
    int n = enabled.size();
    assert n > 0 : "pick from an empty enabled list";
    int best = 0;
    long bestPriority = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      Delivery d = enabled.get(i);
      long p = d.priority();
      if (p == Delivery.UNSET) {
        p = rng.nextLong() >>> 1;
        d.setPriority(p);
      }
      if (p > bestPriority) {
        best = i;
        bestPriority = p;
      }
    }
    int receiver = enabled.get(best).receiverIndex();
    assert bestPriority >= 0 : "POS priorities are non-negative: " + bestPriority;
    for (int i = 0; i < n; i++) {
      if (i != best) {
        Delivery d = enabled.get(i);
        if (d.receiverIndex() == receiver) d.setPriority(rng.nextLong() >>> 1);
      }
    }
    return best;
  }
}
