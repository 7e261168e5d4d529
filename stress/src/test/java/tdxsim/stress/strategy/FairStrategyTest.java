package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FairStrategyTest {
  /** An unfair inner strategy: always the first delivery (a spinning vCPU at the top of PCT's order). */
  private static final Strategy FIRST = new Strategy() {
    @Override
    public String name() {
      return "first";
    }

    @Override
    public void reset(long scheduleSeed) {}

    @Override
    public int pick(List<Delivery> enabled) {
      return 0;
    }
  };

  @Test
  void aDeliveryPassedOverMoreThanTheBoundRunsNext() {
    FairStrategy fair = new FairStrategy(FIRST, 3);
    StrategyUnitTest.Fake spinner = new StrategyUnitTest.Fake("vcpu-0", 0, "vcpu-0");
    StrategyUnitTest.Fake starved = new StrategyUnitTest.Fake("guest-memfd", 1, "mmu-lock");
    List<Delivery> enabled = List.of(spinner, starved);
    // The spinner's head is a new message each time (setPassedOver(0) on choice), the starved one waits.
    for (int pick = 1; pick <= 4; pick++) assertEquals(0, fair.pick(enabled), "pick " + pick);
    assertEquals(4, starved.passedOver());
    assertEquals(1, fair.pick(enabled), "passed over 4 > 3 times: forced");
    assertEquals(0, starved.passedOver());
    assertEquals(0, fair.pick(enabled), "back to the inner strategy");
  }

  @Test
  void theLongestWaitingGoesFirstAndTheNameIsTheInnerOne() {
    FairStrategy fair = new FairStrategy(FIRST, 1);
    StrategyUnitTest.Fake a = new StrategyUnitTest.Fake("a", 0, "x");
    StrategyUnitTest.Fake b = new StrategyUnitTest.Fake("b", 1, "x");
    StrategyUnitTest.Fake c = new StrategyUnitTest.Fake("c", 2, "x");
    b.setPassedOver(5);
    c.setPassedOver(7);
    assertEquals(2, fair.pick(List.of(a, b, c)));
    assertEquals(6, b.passedOver());
    assertEquals("first", fair.name());
  }
}
