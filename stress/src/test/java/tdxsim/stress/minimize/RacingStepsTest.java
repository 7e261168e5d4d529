package tdxsim.stress.minimize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tdxsim.stress.minimize.fixtures.FixtureTraces;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.trace.Trace;

/**
 * The racing steps of the lost update: the second CPU's read and the first CPU's write, whose reversal lets the
 * second CPU read the updated value. Neither the two reads nor the two writes race: reversed, the update is still
 * lost.
 */
class RacingStepsTest {
  /** A CPU's lane: the vCPU that sent or received the delivery. */
  static final Function<Decision, String> LANE = d -> d.receiver().startsWith("vcpu-") ? d.receiver() : d.sender();

  @Test
  void theLostUpdateRacesOnTheSecondReadAndTheFirstWrite() {
    try (DeterministicSystem system = DeterministicSystem.create("racing-test")) {
      Trace noisy = FixtureTraces.noisyRace(system);
      Trace t = Minimizer.minimize(system, FixtureTraces.NOISY_RACE, noisy, MinimizeBudget.attempts(2_000), null)
          .minimized();
      List<Long> gets = new ArrayList<>();
      List<Long> puts = new ArrayList<>();
      for (int i = 0; i < t.decisions().size(); i++) {
        Decision d = t.decisions().get(i);
        if (d.receiver().equals("table")) (d.message().equals("Get") ? gets : puts).add(i + 1L);
      }
      assertEquals(2, gets.size(), t.decisions().toString());
      assertEquals(Set.of(gets.get(1), puts.get(0)), RacingSteps.find(FixtureTraces.NOISY_RACE, t, LANE),
          t.decisions().toString());
    }
  }

  @Test
  void aPairIsMovedAsItsLaneNeedsAndNothingElse() {
    List<Decision> ds = List.of(d("t", "vcpu-0"), d("vcpu-1", "x"), d("t", "vcpu-1"), d("vcpu-0", "t"),
        d("t", "vcpu-1"));
    assertEquals(List.of(ds.get(1), ds.get(2), ds.get(0), ds.get(3), ds.get(4)), RacingSteps.moved(ds, 0, 2, LANE));
    assertEquals(List.of(0, 2), List.of(RacingSteps.pairs(ds, LANE).get(0)[0], RacingSteps.pairs(ds, LANE).get(0)[1]));
  }

  private static Decision d(String receiver, String sender) {
    return new Decision(receiver, 1, sender, "M");
  }
}
