package tdxsim.stress.strategy;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * PCTCP with conflict-directed delays: {@link PctcpStrategy}'s chain priorities, with its two random placements
 * aimed at steps that conflict, in DPOR's sense coarsened to 2M ranges of guest memory ({@link Footprint}).
 *
 * <ol>
 *   <li><b>Held script messages are released right after a conflicting step.</b> A message the VMM sends (a punch
 *       hole, a conversion) is, with probability 1/2, held back; where PCTCP releases it at a uniformly random
 *       step of the whole schedule (about 13,500 in {@code default}, of which a handful matter), this strategy
 *       releases it right after the j-th delivery that touches one of its 2M ranges, j uniform in [1, K], K the
 *       most such deliveries an earlier schedule saw on those ranges ({@link RangeTouches}, as PCT's k is the
 *       longest schedule seen). The released message runs at the next pick, so it lands between two steps of a
 *       flow on the same memory (a fault between its {@code kvm_gmem_get_pfn} and its mmu_lock; an ACCEPT between
 *       its TDCALL and its retry), which is where an invalidation or conversion race lives. A VMM message with no
 *       footprint (starting the vCPUs, an NMI burst) is held to a random step as in PCTCP.</li>
 *   <li><b>Change points only at conflicting races.</b> A step is a race, where a change point may fall and k is
 *       counted, when its receiver has another enabled delivery, not held, whose footprint overlaps its own or
 *       where either has none (a lock request, a continuation, a kick: the receiver's state is all they touch).
 *       Two SEAMCALLs or SPTE steps on different 2M ranges commute for what the invariants see, so k shrinks to
 *       the steps where the order can matter.</li>
 * </ol>
 *
 * <p>A held delivery is exempt from {@link FairStrategy}'s bound; when only held deliveries are enabled, the
 * first one held runs. Deterministic in the seed and what it was shown; it keeps across schedules only K's and
 * k's maxima.
 */
public final class ConflictStrategy implements Strategy, FairStrategy.Holding {
  /** Priority slot value of a delivery that is not held. */
  private static final long RELEASED = -1;
  /** Priority slot of the i-th held delivery of the schedule: {@code HELD - i}. */
  private static final long HELD = -2;

  private final ChainPriorities chains;
  private final RangeTouches touches = new RangeTouches();
  private SplittableRandom rng = new SplittableRandom(0);
  private long picks;
  private long maxPicks;

  // the held deliveries of this schedule, by the order they were first seen
  private long[] heldFootprint = new long[8];
  /** Conflicting deliveries to wait for; with {@link #heldByStep}, the pick it is released at. */
  private long[] heldTarget = new long[8];
  private long[] heldSeen = new long[8];
  private boolean[] heldByStep = new boolean[8];
  private boolean[] heldOut = new boolean[8];
  private int heldCount;
  /** A held delivery released by its conflict count: it runs at the next pick. -1: none. */
  private int urgent = -1;

  public ConflictStrategy() {
    this(PctStrategy.DEFAULT_DEPTH);
  }

  /** @param depth the bug depth d to target (d-1 change points); at least 1 */
  public ConflictStrategy(int depth) {
    this.chains = new ChainPriorities(depth);
    assert depth >= 1;
    assert invariant();
  }

  @Override
  public String name() {
    return "conflict";
  }

  @Override
  public void reset(long scheduleSeed) {
    maxPicks = Math.max(maxPicks, picks);
    if (picks > 0) touches.endSchedule();
    picks = 0;
    heldCount = 0;
    urgent = -1;
    rng = new SplittableRandom(scheduleSeed);
    chains.reset(rng);
    assert picks == 0 : "conflict strategy reset to " + picks + " picks";
    assert heldCount == 0 : "conflict strategy reset to " + picks + " picks";
    assert invariant() : "conflict strategy reset to " + picks + " picks";
  }

  @Override
  public boolean holds(Delivery d) {
    assert d != null;
    assert invariant();
    return heldNow(d.priority(), picks + 1); // asked before the pick that counts it
  }

  @Override
  public int pick(List<Delivery> enabled) {
    picks++;
    int n = enabled.size();
    int chosen = urgentIndex(enabled, n);
    if (chosen < 0) chosen = choose(enabled, n);
    ran(enabled.get(chosen));
    assert chosen >= 0 : "conflict picked " + chosen + " of " + n;
    assert chosen < n : "conflict picked " + chosen + " of " + n;
    assert invariant() : "conflict picked " + chosen + " of " + n;
    return chosen;
  }

  /** PCTCP's choice: the highest chain, with a change point if this step is a conflicting race. */
  private int choose(List<Delivery> enabled, int n) {
    assert n > 0 : "choose from an empty enabled list";
    int best = highest(enabled, n);
    assert best >= 0 : "the highest of " + n + " is " + best;
    assert best < n : "the highest of " + n + " is " + best;
    if (n == 1 || !racing(enabled, best, n)) return best;
    return chains.changeAt(enabled.get(best).chain()) ? highest(enabled, n) : best;
  }

  /** The delivery of the highest-priority chain among those not held; if every one is held, the first held. */
  private int highest(List<Delivery> enabled, int n) {
    int best = -1;
    long bestChain = Long.MIN_VALUE;
    int first = 0;
    long firstSlot = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      Delivery d = enabled.get(i);
      long slot = slotOf(d);
      if (heldNow(slot, picks)) {
        if (slot > firstSlot) { // HELD - i: the larger, the earlier held
          first = i;
          firstSlot = slot;
        }
        continue;
      }
      long chain = chains.of(d.chain(), rng);
      if (best < 0 || chain > bestChain) {
        best = i;
        bestChain = chain;
      }
    }
    return best >= 0 ? best : first;
  }

  /** Another enabled delivery to the same receiver, not held, conflicts with it (the list is grouped by receiver). */
  private boolean racing(List<Delivery> enabled, int best, int n) {
    assert best >= 0 : "racing of " + best + " of " + n;
    assert best < n : "racing of " + best + " of " + n;
    Delivery b = enabled.get(best);
    int r = b.receiverIndex();
    long f = Footprint.of(b.message());
    for (int i = best - 1; i >= 0 && enabled.get(i).receiverIndex() == r; i--) {
      if (conflicts(f, enabled.get(i))) return true;
    }
    for (int i = best + 1; i < n && enabled.get(i).receiverIndex() == r; i++) {
      if (conflicts(f, enabled.get(i))) return true;
    }
    return false;
  }

  private boolean conflicts(long f, Delivery other) {
    assert other != null : "a conflict with no delivery";
    if (heldNow(other.priority(), picks)) return false;
    if (f == Footprint.NONE) return true;
    long g = Footprint.of(other.message());
    return g == Footprint.NONE || Footprint.overlap(f, g);
  }

  /** The delivery's slot, drawn when first seen: a VMM message is held with probability 1/2 (once k is known). */
  private long slotOf(Delivery d) {
    long p = d.priority();
    if (p == Delivery.UNSET) {
      p = maxPicks > 0 && PctcpStrategy.SCRIPT.equals(d.sender()) && rng.nextBoolean() ? hold(d) : RELEASED;
      d.setPriority(p);
      assert p == RELEASED || p <= HELD : "slot " + p + " is neither released nor held";
    }
    return p;
  }

  /** Holds {@code d}: until the j-th conflicting delivery if its ranges saw any before, else to a random pick. */
  private long hold(Delivery d) {
    int i = heldCount++;
    if (i == heldTarget.length) grow();
    long f = Footprint.of(d.message());
    long k = touches.estimate(f);
    heldFootprint[i] = f;
    heldSeen[i] = 0;
    heldOut[i] = false;
    heldByStep[i] = k == 0;
    heldTarget[i] = k > 0 ? 1 + rng.nextLong(k) : picks + 1 + rng.nextLong(maxPicks);
    // a conflict count in [1, K], or a pick after this one within the longest schedule seen
    assert heldByStep[i] ? heldTarget[i] > picks && heldTarget[i] <= picks + maxPicks : heldTarget[i] >= 1;
    return HELD - i;
  }

  /** The slot is a held delivery's, still held at pick {@code pick}. */
  private boolean heldNow(long slot, long pick) {
    assert pick >= 0 : "heldNow at pick " + pick;
    if (slot > HELD || slot == Delivery.UNSET) return false;
    int i = (int) (HELD - slot);
    assert i >= 0 : "held slot " + i + " of " + heldCount;
    assert i < heldCount : "held slot " + i + " of " + heldCount;
    if (heldOut[i]) return false;
    return !heldByStep[i] || heldTarget[i] > pick;
  }

  /** The index of the delivery released at the last pick, if it is enabled; clears the release. */
  private int urgentIndex(List<Delivery> enabled, int n) {
    assert urgent < heldCount : "urgent " + urgent + " of " + heldCount + " held";
    if (urgent < 0) return -1;
    long slot = HELD - urgent;
    urgent = -1;
    for (int i = 0; i < n; i++) {
      if (enabled.get(i).priority() == slot) return i;
    }
    return -1;
  }

  /** {@code d} runs now: count its touches and the held deliveries it conflicts with; release those due. */
  private void ran(Delivery d) {
    assert d != null : "ran no delivery";
    long slot = d.priority();
    if (slot <= HELD && slot != Delivery.UNSET) heldOut[(int) (HELD - slot)] = true;
    long f = Footprint.of(d.message());
    if (f == Footprint.NONE) return;
    touches.touch(f);
    assert f != Footprint.NONE : "touches counted without a footprint";
    for (int i = 0; i < heldCount; i++) {
      if (heldOut[i] || heldByStep[i] || !Footprint.overlap(f, heldFootprint[i])) continue;
      if (++heldSeen[i] >= heldTarget[i]) {
        heldOut[i] = true;
        if (urgent < 0) urgent = i;
      }
    }
  }

  /** Field invariants (O(1)): the held columns of one length holding heldCount, the urgent one among them. */
  private boolean invariant() {
    int len = heldTarget.length;
    assert heldFootprint.length == len && heldSeen.length == len && heldByStep.length == len
        && heldOut.length == len : "held columns of different lengths";
    assert heldCount >= 0 : heldCount + " held, urgent " + urgent;
    assert urgent >= -1 : heldCount + " held, urgent " + urgent;
    assert urgent < Math.max(heldCount, 1) : heldCount + " held, urgent " + urgent;
    assert picks >= 0 : picks + " picks, most " + maxPicks;
    assert maxPicks >= 0 : picks + " picks, most " + maxPicks;
    return true;
  }

  private void grow() {
    assert heldCount > heldTarget.length : "grow at " + heldCount + " of " + heldTarget.length;
    int size = heldTarget.length * 2;
    heldFootprint = Arrays.copyOf(heldFootprint, size);
    heldTarget = Arrays.copyOf(heldTarget, size);
    heldSeen = Arrays.copyOf(heldSeen, size);
    heldByStep = Arrays.copyOf(heldByStep, size);
    heldOut = Arrays.copyOf(heldOut, size);
    assert invariant() : "held arrays grown to " + size;
    assert heldCount <= size : "held arrays grown to " + size;
  }
}
