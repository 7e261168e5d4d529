package tdxsim.stress.strategy;

import java.util.List;
import java.util.SplittableRandom;

/**
 * PCTCP: PCT with priorities per causal chain instead of per receiver (Ozkan, Majumdar, Niksic, Tekin, OOPSLA 2018,
 * "Randomized testing of distributed systems with probabilistic guarantees"). The runtime puts every message in a
 * chain ({@link Delivery#chain()}): a reply or the next step of a flow continues the chain of the message it
 * answers, so one page fault, one punch hole or one ACCEPT is one chain across the actors it visits. The enabled
 * delivery of the highest-priority chain runs; at d-1 change points the chain about to run drops below every
 * initial priority.
 *
 * <p>Where this departs from the paper, for the actor model: (1) change points are counted only at <em>racing</em>
 * steps, where the receiver about to run has a second enabled delivery (two deliveries to different actors
 * commute, so a priority change anywhere else reorders nothing that matters; the paper counts every event);
 * k, as in {@link PctStrategy}, is the most racing steps seen in a schedule so far. (2) Delayed script steps: a
 * message the VMM sends (a punch hole, a conversion, a burst of NMIs, the start of the vCPUs) is, with probability
 * 1/2, held back until a random step of the schedule, drawn when it is first seen, so that an action the script
 * issues at once can land anywhere in the vCPUs' flows: the start delays of delay-bounded scheduling (Emmi,
 * Qadeer, Rakamaric, POPL 2011), spent on the VMM, a userspace thread the host schedules at will. Only the VMM's
 * messages are held: a flow's own fan-out (guest_memfd asking its invalidation users) is waited on with the
 * invalidation in progress, and holding it would make the vCPUs' fault retries spin without end. A held delivery
 * is exempt from {@link FairStrategy}'s bound (nothing spins on the VMM). When only held deliveries are enabled,
 * the earliest release runs.
 */
public final class PctcpStrategy implements Strategy, FairStrategy.Holding {
  /** The sender whose messages may be held: the VMM ({@code tdxsim.actors.vm.Vmm.NAME}). */
  static final String SCRIPT = "vmm";
  /** Priority slot value of a delivery that is not held. */
  private static final long RELEASED = -1;

  private SplittableRandom rng = new SplittableRandom(0);
  private final ChainPriorities chains;
  private long picks;
  private long maxPicks;

  public PctcpStrategy() {
    this(PctStrategy.DEFAULT_DEPTH);
  }

  /** @param depth the bug depth d to target (d-1 change points); at least 1 */
  public PctcpStrategy(int depth) {
    this.chains = new ChainPriorities(depth);
    assert depth >= 1 : "PCTCP depth " + depth;
  }

  @Override
  public String name() {
    return "pctcp";
  }

  @Override
  public void reset(long scheduleSeed) {
    maxPicks = Math.max(maxPicks, picks);
    picks = 0;
    rng = new SplittableRandom(scheduleSeed);
    chains.reset(rng);
    assert picks == 0 : "PCTCP reset to " + picks + " picks";
    assert maxPicks >= 0 : "PCTCP reset to " + picks + " picks";
  }

  @Override
  public boolean holds(Delivery d) {
    assert d != null : "holds(" + d + ") at pick " + picks;
    assert picks >= 0 : "holds(" + d + ") at pick " + picks;
    return d.priority() != Delivery.UNSET && d.priority() > picks + 1; // asked before the pick that counts it
  }

  @Override
  public int pick(List<Delivery> enabled) {
    picks++;
    int n = enabled.size();
    int best = highest(enabled, n);
    assert n > 0 : "PCTCP picked " + best + " of " + n;
    assert best >= 0 : "PCTCP picked " + best + " of " + n;
    assert best < n : "PCTCP picked " + best + " of " + n;
    if (n == 1 || !racing(enabled, best, n)) return best;
    return chains.changeAt(enabled.get(best).chain()) ? highest(enabled, n) : best;
  }

  /** Another enabled delivery goes to the same receiver (the enabled list is grouped by receiver). */
  private static boolean racing(List<Delivery> enabled, int best, int n) {
    assert best >= 0 : "racing of " + best + " of " + n;
    assert best < n : "racing of " + best + " of " + n;
    int r = enabled.get(best).receiverIndex();
    return (best > 0 && enabled.get(best - 1).receiverIndex() == r)
        || (best + 1 < n && enabled.get(best + 1).receiverIndex() == r);
  }

  /** The delivery of the highest-priority chain among those not held; if every one is held, the earliest. */
  private int highest(List<Delivery> enabled, int n) {
    int best = -1;
    long bestChain = Long.MIN_VALUE;
    int earliest = 0;
    long earliestRelease = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      Delivery d = enabled.get(i);
      long release = releaseOf(d);
      if (release > picks) {
        if (release < earliestRelease) {
          earliest = i;
          earliestRelease = release;
        }
        continue;
      }
      long chain = chains.of(d.chain(), rng);
      if (best < 0 || chain > bestChain) {
        best = i;
        bestChain = chain;
      }
    }
    assert best >= 0 || earliestRelease < Long.MAX_VALUE : "nothing picked of " + n;
    return best >= 0 ? best : earliest;
  }

  /** The step a delivery is held until ({@link #RELEASED} if it is not held), drawn when it is first seen. */
  private long releaseOf(Delivery d) {
    long p = d.priority();
    if (p == Delivery.UNSET) {
      p = maxPicks > 0 && SCRIPT.equals(d.sender()) && rng.nextBoolean() ? picks + 1 + rng.nextLong(maxPicks)
          : RELEASED;
      d.setPriority(p);
      // a held delivery is released within the longest schedule seen, after the pick that draws it
      assert p == RELEASED || p > picks && p <= picks + maxPicks : "release at " + p + " of " + maxPicks;
    }
    return p;
  }
}
