package tdxsim.stress.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** explore on 1, 2 and 4 deterministic systems: the same verdict, trace, hash and counters. */
class ExploreWorkersTest {
  private static ExploreTotals explore(String scenarioName, List<String> options, long schedules, int workers) {
    Scenario scenario = ScenarioLoader.load(scenarioName, options);
    ExploreJob job = new ExploreSpec(Worlds.traceScenario(scenario), options, "pct", 1, schedules, 200_000, "test")
        .job(scenario);
    return ExploreTotals.of(IndexedSearch.run(job, schedules, workers, Duration.ofMinutes(5), null));
  }

  private static void assertSame(ExploreTotals one, ExploreTotals other, String what) {
    assertEquals(one.shown(), other.shown(), what + ": trace (decisions, verdict, hash)");
    assertEquals(one.schedules(), other.schedules(), what + ": schedules");
    assertEquals(one.deliveries(), other.deliveries(), what + ": deliveries");
    assertEquals(one.counters(), other.counters(), what + ": counters");
  }

  @Test
  void aMutationFoundInEveryRangeReportsTheLowestIndexOnAnyNumberOfWorkers() {
    // skip-block breaks at once in every schedule, so with 4 workers ranges 0..3 all violate side by side
    ExploreTotals one = explore("small", List.of("mut-skip-block"), 1000, 1);
    assertNotNull(one.violation());
    assertEquals(0, one.violation().scheduleIndex());
    for (int workers : new int[] {2, 4}) assertSame(one, explore("small", List.of("mut-skip-block"), 1000, workers),
        workers + " workers");
  }

  @Test
  void aMutationFoundAfterSomeSchedulesGivesTheSameTraceOnAnyNumberOfWorkers() {
    ExploreTotals one = explore("race-r5", List.of("mut-no-retry-check"), 1000, 1);
    assertNotNull(one.violation());
    for (int workers : new int[] {2, 4}) {
      assertSame(one, explore("race-r5", List.of("mut-no-retry-check"), 1000, workers), workers + " workers");
    }
  }

  @Test
  void aCleanRunOverSeveralRangesGivesTheSameLastTraceAndCountersOnAnyNumberOfWorkers() {
    long schedules = 3 * ExploreJob.RANGE_SIZE + 5;
    ExploreTotals one = explore("race-r5", List.of(), schedules, 1);
    assertNull(one.violation());
    assertEquals(schedules, one.schedules());
    assertEquals(schedules - 1, one.shown().scheduleIndex());
    for (int workers : new int[] {2, 4}) assertSame(one, explore("race-r5", List.of(), schedules, workers),
        workers + " workers");
  }
}
