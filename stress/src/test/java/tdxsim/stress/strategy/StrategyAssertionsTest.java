package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The strategies' assertions (on in the test run): a pick outside the enabled list, priorities out of range. */
class StrategyAssertionsTest {
  private static List<Delivery> three() {
    return List.of(new FakeDelivery("vcpu-0", 0, "external", 1), new FakeDelivery("vcpu-1", 1, "external", 2),
        new FakeDelivery("vcpu-2", 2, "external", 3));
  }

  /** Before the assertions, a PCT strategy picked before its first reset ranked 64 receivers at priority 0. */
  @Test
  void pctPickedBeforeItsFirstResetDrawsReceiverPriorities() {
    PctStrategy pct = new PctStrategy();
    List<Delivery> enabled = three();
    int i = pct.pick(enabled);
    assertTrue(i >= 0 && i < enabled.size(), "pick " + i);
    for (Delivery d : enabled) assertNotEquals(Delivery.UNSET, d.priority(), "every delivery got its priority");
  }

  @Test
  void anInnerStrategyPickingOutsideTheEnabledListFailsLoudly() {
    Strategy wild = new Strategy() {
      @Override public String name() {
        return "wild";
      }

      @Override public void reset(long seed) {}

      @Override public int pick(List<Delivery> enabled) {
        return enabled.size();
      }
    };
    assertThrows(AssertionError.class, () -> FairStrategy.wrap(wild).pick(three()));
  }

  @Test
  void changePointsAreDistinctStepsWithinTheLongestSchedule() {
    long[] out = new long[5];
    int n = PctStrategy.changePoints(new SplittableRandom(7), out, 6);
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      assertTrue(out[i] >= 1 && out[i] <= 6, "change point " + out[i]);
      assertTrue(seen.add(out[i]), "change point " + out[i] + " twice");
    }
    assertEquals(5, n, "change points");
  }
}
