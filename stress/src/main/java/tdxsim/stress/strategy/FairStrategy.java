package tdxsim.stress.strategy;

import java.util.List;

/**
 * Bounded fairness around any strategy: a delivery that has been enabled for more than {@code bound} picks
 * without being chosen is delivered next (the longest-waiting first), otherwise the inner strategy decides.
 *
 * <p>Why: the model has retry loops (RET_PF_RETRY re-faults, TDX_OPERAND_BUSY retries) that real CPUs leave
 * because the CPU they wait on keeps running. PCT, by design, can starve a low-priority actor for the whole
 * schedule, so a vCPU spinning on a stale fault while the invalidation that makes it stale never ends would be
 * reported as a livelock the hardware cannot produce. Under bounded fairness every enabled delivery runs within
 * {@code bound} picks, so a liveness violation means the protocol itself does not make progress (as the v1
 * endless EPT violation). Like CHESS's fair scheduler, fairness is a property of the schedules explored, not of
 * the model. The choice is still a function of the seed and what was shown, so traces replay unchanged.
 */
public final class FairStrategy implements Strategy {
  public static final int DEFAULT_BOUND = 32;

  /**
   * A strategy that deliberately holds some deliveries back (a chain that has not started yet): those are exempt
   * from the bound, since nothing waits on them.
   */
  public interface Holding {
    /** {@code d} is held back by choice; asked before the pick. */
    boolean holds(Delivery d);
  }

  private final Strategy inner;
  private final int bound;
  private final Holding holding;

  public FairStrategy(Strategy inner, int bound) {
    if (bound < 1) throw new IllegalArgumentException("fairness bound must be at least 1: " + bound);
    this.inner = inner;
    this.bound = bound;
    this.holding = inner instanceof Holding h ? h : null;
    assert inner != null : "fairness around no strategy";
    assert this.bound >= 1 : "fairness around no strategy";
  }

  public static FairStrategy wrap(Strategy inner) {
    assert !(inner instanceof FairStrategy) : "fairness wrapped twice around " + inner.name();
    return new FairStrategy(inner, DEFAULT_BOUND);
  }

  @Override
  public String name() {
    assert inner != null : "fairness around no strategy";
    return inner.name();
  }

  @Override
  public void reset(long scheduleSeed) {
    inner.reset(scheduleSeed);
  }

  @Override
  public int pick(List<Delivery> enabled) {
    int n = enabled.size();
    assert n > 0 : "pick from an empty enabled list";
    int starved = -1;
    int longest = bound;
    for (int i = 0; i < n; i++) {
      int waited = enabled.get(i).passedOver();
      if (waited > longest && (holding == null || !holding.holds(enabled.get(i)))) {
        longest = waited;
        starved = i;
      }
    }
    int chosen = starved >= 0 ? starved : inner.pick(enabled);
    if (chosen < 0) return chosen;
    assert chosen < n : inner.name() + " picked " + chosen + " of " + n;
    assert starved < 0 || chosen == starved : "the starved delivery " + starved + " not chosen";
    for (int i = 0; i < n; i++) {
      Delivery d = enabled.get(i);
      d.setPassedOver(i == chosen ? 0 : d.passedOver() + 1);
    }
    return chosen;
  }
}
