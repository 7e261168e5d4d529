package tdxsim.stress.strategy;

import java.util.List;
import java.util.SplittableRandom;

/** Uniform random walk: every enabled delivery is equally likely at every step. The baseline. */
public final class RandomWalkStrategy implements Strategy {
  private SplittableRandom rng = new SplittableRandom(0);

  @Override
  public String name() {
    return "random";
  }

  @Override
  public void reset(long scheduleSeed) {
    rng = new SplittableRandom(scheduleSeed);
  }

  @Override
  public int pick(List<Delivery> enabled) {
    int n = enabled.size();
    return n == 1 ? 0 : rng.nextInt(n);
  }
}
