package tdxsim.stress.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.runtime.fixtures.LostUpdateWorld;

/**
 * The depth-2 lost update (both reads before either write, with the slow worker 30 local steps behind). Measured
 * with this runtime, seeds 1..8, schedules until the first violation: PCT (d=3) 13 24 1 43 17 19 30 1; POS 8 10
 * 21 10 15 1 3 18; random walk none within 2000 for any seed (it must keep the fast worker's write waiting ~30
 * coin flips in a row, about 2^-30 per schedule).
 */
class BugFindingTest {
  private static final int PADDING = 30;
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("bug-finding");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ExplorationResult explore(Strategy strategy, long seed, int schedules) {
    return Explorer.explore(
        system, s -> new LostUpdateWorld(PADDING), strategy, seed, schedules, Duration.ofMinutes(5), Budget.DEFAULT,
        null, () -> false);
  }

  @Test
  void pctFindsTheDepthTwoLostUpdateWithinSixtySchedulesForEverySeed() {
    for (long seed = 1; seed <= 8; seed++) {
      ExplorationResult r = explore(new PctStrategy(3), seed, 60);
      assertTrue(r.violation().isPresent(), "seed " + seed + ": no violation in 60 schedules");
      assertEquals("table.lost-update", r.violation().get().violation().invariant());
    }
  }

  @Test
  void posFindsItToo() {
    for (long seed = 1; seed <= 8; seed++) {
      assertTrue(explore(new PosStrategy(), seed, 60).violation().isPresent(), "seed " + seed);
    }
  }

  @Test
  void randomWalkDoesNotFindItInFiveHundredSchedules() {
    ExplorationResult r = explore(new RandomWalkStrategy(), 1, 500);
    assertFalse(r.violation().isPresent(), "random walk found it: the comparison in the class comment is stale");
    assertEquals(500, r.schedules());
  }

  @Test
  void theExplorerStopsAtTheFirstViolationAndReportsItsSchedule() {
    ExplorationResult r = explore(new PctStrategy(3), 1, 1000);
    var c = r.violation().orElseThrow();
    assertEquals(r.schedules() - 1, c.scheduleIndex());
    assertEquals(tdxsim.stress.runtime.Seeds.forSchedule(1, c.scheduleIndex()), c.scheduleSeed());
    assertTrue(c.result().steps() > PADDING, "the decisions are kept");
    assertTrue(r.deliveries() >= c.result().steps());
  }
}
