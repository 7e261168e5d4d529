package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PCT's miss-probability bound, (1 - 1/(n k^(d-1)))^schedules, and the n and k a run counts. */
class RunCoverageTest {
  @Test
  void theBoundIsPctsFormula() {
    RunCoverage c = new RunCoverage("pct", 3, 100, 5000, 4, 10);
    assertEquals(Math.pow(1 - 1.0 / 400, 100), c.missBound(), 1e-12);
    assertEquals(Math.pow(1 - 1.0 / 4, 100), new RunCoverage("pct", 1, 100, 5000, 4, 10).missBound(), 1e-12);
    assertEquals(0.0, new RunCoverage("pct", 1, 100, 5000, 1, 10).missBound()); // one chain: nothing to miss
    assertTrue(c.summary().endsWith("P(miss a depth-3 bug) <= 0.7786 (n=4 chains, k=10 steps)"), c.summary());
  }

  @Test
  void otherStrategiesPromiseNothing() {
    RunCoverage c = new RunCoverage("random", 0, 100, 5000, 4, 10);
    assertTrue(Double.isNaN(c.missBound()));
    assertNull(c.figures().get("missBound"));
    assertTrue(c.summary().endsWith("(no miss-probability bound for this strategy)"), c.summary());
  }

  @Test
  void countingSeesTheLargestScheduleWithoutChangingAChoice() {
    RunCoverage.Counting s = new RunCoverage.Counting(new RandomWalkStrategy());
    RandomWalkStrategy same = new RandomWalkStrategy();
    List<Delivery> three = List.of(d(0), d(1), d(2));
    s.reset(7);
    same.reset(7);
    for (int i = 0; i < 5; i++) assertEquals(same.pick(three), s.pick(three));
    s.pick(List.of(d(5))); // no choice: not a step
    s.reset(8);
    s.pick(List.of(d(0), d(1)));
    RunCoverage c = s.coverage("random", 0, 2, 7);
    assertEquals(4, c.chains());
    assertEquals(5, c.choiceSteps());
  }

  private static Delivery d(int receiver) {
    return new StrategyUnitTest.Fake("a-" + receiver, receiver, "external");
  }
}
