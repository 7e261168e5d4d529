package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.protocol.GuestMemfdMsg;

/**
 * The conflict strategy on hand-made enabled sets: a held VMM message runs right after a step on its own 2M
 * range, never after steps on other ranges alone.
 */
class ConflictStrategyTest {
  private static final long R1 = 0x100200;
  private static final long R9 = 0x101200;

  private static GuestMemfdMsg.GetPfn getPfn(long gfn) {
    return new GuestMemfdMsg.GetPfn("vcpu-0", gfn, null, 0);
  }

  /** Whether the last {@link #schedule} held the punch hole at its first pick. */
  private static boolean held;

  /**
   * One schedule: vCPU 0 sends {@code picks} GetPfns to guest-memfd (the k-th on range r9 when {@code onR9}
   * says so) while the VMM's punch hole of r9 waits at guest-memfd. Returns the GetPfn ranges delivered before
   * the punch hole ran (r9 as 9, r1 as 1), ending with -1 where the punch hole ran; no -1 if it never ran.
   */
  private static List<Integer> schedule(Strategy s, long seed, int picks, java.util.function.IntPredicate onR9) {
    s.reset(seed);
    held = false;
    FakeDelivery vcpu = new FakeDelivery("guest-memfd", 1, "vcpu-0", 1, getPfn(onR9.test(0) ? R9 : R1));
    FakeDelivery vmm = new FakeDelivery("guest-memfd", 1, "vmm", 2, new GuestMemfdMsg.PunchHole(R9, R9 + 512, null, 0));
    List<Integer> ran = new ArrayList<>();
    for (int k = 1; k <= picks; k++) {
      int i = s.pick(new ArrayList<>(List.of(vcpu, vmm)));
      if (k == 1) held = vmm.priority != Delivery.UNSET && vmm.priority < -1; // its slot says "held" (-2 - i)
      if (i == 1) {
        ran.add(-1);
        return ran;
      }
      ran.add(((GuestMemfdMsg.GetPfn) vcpu.message).gfn() == R9 ? 9 : 1);
      vcpu.message = getPfn(onR9.test(k) ? R9 : R1);
      vcpu.priority = Delivery.UNSET;
    }
    return ran;
  }

  @Test
  void aHeldPunchHoleRunsRightAfterAStepOnItsRange() {
    int heldPastAStep = 0;
    for (long seed = 1; seed <= 40; seed++) {
      ConflictStrategy c = new ConflictStrategy(1); // no change points: only the release moves the punch hole
      schedule(c, 100, 60, k -> k % 3 == 0); // teaches K: 20 GetPfns on r9 per 60 steps
      List<Integer> ran = schedule(c, seed, 60, k -> k % 3 == 0);
      if (!held) continue;
      assertEquals(-1, ran.get(ran.size() - 1), "seed " + seed + ": the punch hole never ran: " + ran);
      assertEquals(9, ran.get(ran.size() - 2), "seed " + seed + ": released after a step on r1: " + ran);
      if (ran.size() > 4) heldPastAStep++;
    }
    assertTrue(heldPastAStep >= 5, "the punch hole was held past a conflicting step for only " + heldPastAStep
        + " of 40 seeds");
  }

  @Test
  void stepsOnOtherRangesDoNotReleaseIt() {
    int heldSeeds = 0;
    for (long seed = 1; seed <= 40; seed++) {
      ConflictStrategy c = new ConflictStrategy(1);
      schedule(c, 100, 60, k -> k % 3 == 0);
      List<Integer> ran = schedule(c, seed, 60, k -> false); // only r1 now
      if (!held) continue;
      heldSeeds++;
      assertTrue(!ran.contains(-1), "seed " + seed + ": released with no step on r9: " + ran);
    }
    assertTrue(heldSeeds >= 10, "held in only " + heldSeeds + " of 40 seeds");
  }

  @Test
  void aHeldMessageIsExemptFromTheFairnessBoundButRunsWhenNothingElseCan() {
    ConflictStrategy c = new ConflictStrategy(1);
    FairStrategy fair = FairStrategy.wrap(c);
    schedule(fair, 100, 60, k -> k % 3 == 0);
    for (long seed = 1; seed <= 40; seed++) {
      List<Integer> ran = schedule(fair, seed, 100, k -> false);
      if (!held) continue;
      assertEquals(100, ran.size(), "seed " + seed);
      fair.reset(seed + 1000);
      FakeDelivery vmm = new FakeDelivery("guest-memfd", 1, "vmm", 2, new GuestMemfdMsg.PunchHole(R9, R9 + 512, null, 0));
      assertEquals(0, fair.pick(new ArrayList<>(List.of(vmm))), "alone, it runs");
      return;
    }
    throw new AssertionError("no seed held the punch hole past 100 steps on another range");
  }

  @Test
  void theSameSeedPicksTheSameWay() {
    ConflictStrategy a = new ConflictStrategy();
    ConflictStrategy b = new ConflictStrategy();
    schedule(a, 100, 60, k -> k % 3 == 0);
    schedule(b, 100, 60, k -> k % 3 == 0);
    for (long seed = 1; seed <= 10; seed++) {
      assertEquals(schedule(a, seed, 60, k -> k % 2 == 0), schedule(b, seed, 60, k -> k % 2 == 0));
    }
  }
}
