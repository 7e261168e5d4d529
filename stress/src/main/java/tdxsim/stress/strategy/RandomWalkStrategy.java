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
    assert rng != null : "a random walk without its generator";
    rng = new SplittableRandom(scheduleSeed);
  }

  @Override
  public int pick(List<Delivery> enabled) {
    int n = enabled.size();
    assert n > 0 : "pick from an empty enabled list";
    return n == 1 ? 0 : rng.nextInt(n);
  }
}
