package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tdxsim.stress.schedule.Decision;

/** Strategies in isolation, on hand-made enabled sets. */
class StrategyUnitTest {

  /** A stand-in for the runtime's deliveries. */
  static final class Fake implements Delivery {
    final String receiver;
    final int receiverIndex;
    final String sender;
    long seq = 1;
    long priority = UNSET;
    int passedOver;

    @Override
    public int passedOver() {
      return passedOver;
    }

    @Override
    public void setPassedOver(int n) {
      passedOver = n;
    }

    Fake(String receiver, int receiverIndex, String sender) {
      this.receiver = receiver;
      this.receiverIndex = receiverIndex;
      this.sender = sender;
    }

    @Override
    public String receiver() {
      return receiver;
    }

    @Override
    public int receiverIndex() {
      return receiverIndex;
    }

    @Override
    public long receiverSeq() {
      return seq;
    }

    @Override
    public String sender() {
      return sender;
    }

    @Override
    public Class<?> messageClass() {
      return String.class;
    }

    @Override
    public long priority() {
      return priority;
    }

    @Override
    public void setPriority(long p) {
      priority = p;
    }
  }

  @Test
  void pctWithoutChangePointsAlwaysRunsTheSameReceiverWhileItIsEnabled() {
    // first schedule: k is unknown, so no change points: pure priorities
    PctStrategy pct = new PctStrategy(3);
    pct.reset(11);
    List<Delivery> enabled = List.of(new Fake("a", 0, "x"), new Fake("b", 1, "x"), new Fake("c", 2, "x"));
    int first = pct.pick(enabled);
    for (int i = 0; i < 50; i++) assertEquals(first, pct.pick(enabled));
  }

  @Test
  void pctChangePointsDemoteTheRunningReceiverOncePerPoint() {
    PctStrategy pct = new PctStrategy(3);
    List<Delivery> enabled = List.of(new Fake("a", 0, "x"), new Fake("b", 1, "x"), new Fake("c", 2, "x"));
    pct.reset(1);
    for (int i = 0; i < 100; i++) pct.pick(enabled); // learn k = 100
    Set<Integer> switches = new HashSet<>();
    for (long seed = 2; seed < 40; seed++) {
      pct.reset(seed);
      int changes = 0;
      int last = pct.pick(enabled);
      for (int i = 1; i < 100; i++) {
        int now = pct.pick(enabled);
        if (now != last) changes++;
        last = now;
      }
      assertTrue(changes <= 2, "d-1 = 2 change points at most: " + changes);
      switches.add(changes);
    }
    assertTrue(switches.contains(2), "change points do happen: " + switches);
  }

  @Test
  void posRunsTheHighestPriorityAndRerandomisesOnlyDeliveriesRacingWithIt() {
    PosStrategy pos = new PosStrategy();
    pos.reset(3);
    Fake a1 = new Fake("a", 0, "x");
    Fake a2 = new Fake("a", 0, "y");
    Fake b = new Fake("b", 1, "x");
    Fake fresh = new Fake("c", 2, "x");
    a1.priority = Long.MAX_VALUE; // no drawn priority exceeds it, and ties go to the first
    a2.priority = 50;
    b.priority = 10;
    assertEquals(0, pos.pick(List.of(a1, a2, b, fresh)));
    assertEquals(Long.MAX_VALUE, a1.priority, "the winner keeps its priority");
    assertNotEquals(50, a2.priority, "a2 races with a1 (same receiver): new priority");
    assertEquals(10, b.priority, "b does not race with a1: unchanged");
    assertNotEquals(Delivery.UNSET, fresh.priority, "a newly enabled delivery gets a priority");
  }

  @Test
  void replayFollowsDecisionsByNameAndReportsTheFirstMismatch() {
    Fake a = new Fake("a", 0, "x");
    Fake b = new Fake("b", 1, "x");
    ReplayStrategy replay =
        new ReplayStrategy(List.of(new Decision("b", 1, "x", "String"), new Decision("a", 1, "y", "String")));
    replay.reset(0);
    assertEquals(1, replay.pick(List.of(a, b)));
    assertEquals(-1, replay.pick(List.of(a, b)));
    Divergence d = replay.divergence();
    assertEquals(2, d.step());
    assertEquals(
        "diverged at step 2: expected a#1 <- y: String, but enabled [a#1 <- x: String, b#1 <- x: String]",
        d.describe());
  }

  @Test
  void strategyKindParsesCliNames() {
    assertEquals(StrategyKind.PCT, StrategyKind.parse("pct"));
    assertEquals("pos", StrategyKind.POS.cliName());
    assertThrows(IllegalArgumentException.class, () -> StrategyKind.parse("dfs"));
  }
}
