package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PCTCP on hand-made enabled sets: the VMM's messages held back, exempt from the fairness bound. */
class PctcpStrategyTest {

  private static FakeDelivery fake(String receiver, int index, String sender, long chain) {
    return new FakeDelivery(receiver, index, sender, chain);
  }

  @Test
  void aHeldVmmMessageWaitsPastTheFairnessBoundAndIsThenDelivered() {
    // a first schedule of 200 picks teaches k, so the second one holds VMM messages (for some seed)
    boolean heldPastBound = false;
    for (long seed = 1; seed <= 20 && !heldPastBound; seed++) {
      PctcpStrategy pctcp = new PctcpStrategy();
      FairStrategy fair = FairStrategy.wrap(pctcp);
      run(fair, 1, 200);
      fair.reset(seed);
      FakeDelivery vmm = fake("guest-memfd", 1, "vmm", 2);
      FakeDelivery vcpu = fake("vcpu-0", 0, "mmu-lock", 1);
      int waited = 0;
      for (int pick = 0; pick < 300; pick++) {
        int i = fair.pick(List.of(vcpu, vmm));
        if (i == 1) break;
        vcpu.priority = Delivery.UNSET; // vcpu-0's next message: a new head
        waited++;
      }
      assertTrue(waited < 300, "seed " + seed + ": the held message was never delivered");
      heldPastBound = waited > FairStrategy.DEFAULT_BOUND + 8; // the bound alone delivers it at 33
    }
    assertTrue(heldPastBound, "no seed held the VMM's message past the fairness bound");
  }

  @Test
  void onlyTheVmmsMessagesAreHeld() {
    PctcpStrategy pctcp = new PctcpStrategy();
    run(FairStrategy.wrap(pctcp), 1, 200);
    for (long seed = 1; seed <= 20; seed++) {
      pctcp.reset(seed);
      FakeDelivery other = fake("guest-memfd", 1, "vcpu-1", 3);
      pctcp.pick(List.of(other));
      assertFalse(pctcp.holds(other), "seed " + seed);
    }
  }

  @Test
  void theSameSeedPicksTheSameWay() {
    assertEquals(run(new PctcpStrategy(), 7, 100), run(new PctcpStrategy(), 7, 100));
  }

  /** {@code picks} picks over three actors' deliveries; returns the indices chosen. */
  private static List<Integer> run(Strategy s, long seed, int picks) {
    s.reset(seed);
    List<Integer> chosen = new ArrayList<>();
    List<FakeDelivery> en = List.of(fake("a", 0, "x", 1), fake("a", 0, "y", 2), fake("b", 1, "vmm", 3));
    for (int i = 0; i < picks; i++) {
      int c = s.pick(new ArrayList<>(en));
      chosen.add(c);
      en.get(c).priority = Delivery.UNSET;
    }
    return chosen;
  }
}
