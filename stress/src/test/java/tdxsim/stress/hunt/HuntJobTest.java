package tdxsim.stress.hunt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.stress.model.Worlds;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.strategy.StrategyKind;
import tdxsim.stress.trace.ReplayReport;
import tdxsim.stress.trace.Replayer;
import tdxsim.stress.trace.Trace;
import tdxsim.stress.trace.WorldHash;
import tdxsim.stress.workers.IndexedSearch;

class HuntJobTest {
  private static final HuntSpec SPEC =
      new HuntSpec(List.of("mut-no-retry-check"), StrategyKind.PCTCP, 1, 4, Budget.DEFAULT, "test");

  private static HuntTotals hunt(int workers) {
    return HuntTotals.of(IndexedSearch.run(new HuntJob(SPEC), 200, workers, Duration.ofDays(1), null));
  }

  @Test
  void theVerdictTheWorldAndTheTraceDoNotDependOnTheWorkers() {
    HuntTotals one = hunt(1);
    HuntTotals two = hunt(2);
    assertTrue(one.violation() != null, "no violation in 200 worlds");
    assertEquals(one.violationWorld(), two.violationWorld());
    assertEquals(one.worlds(), two.worlds());
    assertEquals(one.schedules(), two.schedules());
    assertEquals(one.violation().scenario(), two.violation().scenario());
    assertEquals(one.violation().decisions(), two.violation().decisions());
    assertEquals(one.violation().finalStateHash(), two.violation().finalStateHash());
    assertEquals(one.violation().violation().invariant(), two.violation().violation().invariant());
  }

  @Test
  void aHuntTraceCarriesItsWorldAndReplaysExactly() {
    HuntTotals h = hunt(1);
    Trace t = h.violation();
    long world = h.violationWorld();
    assertEquals(WorldGenerator.generate(SPEC.worldSeed(world)), t.scenario().source());
    assertEquals(SPEC.worldSeed(world), t.runSeed());
    ReplayReport r = Replayer.replay(Worlds.forTrace(t), t);
    assertTrue(r.reproduced(), r.summary());
    assertEquals(t.finalStateHash(), WorldHash.of(t, r.result().stateHash()));
  }

  private static HuntTotals firstWorld(Budget budget) {
    HuntSpec spec = new HuntSpec(List.of(), StrategyKind.PCTCP, 1, 1, budget, "test");
    return HuntTotals.of(IndexedSearch.run(new HuntJob(spec), 1, 1, Duration.ofDays(1), null));
  }

  /**
   * World 0's one schedule needs S deliveries. With S/2 per schedule it runs out, is run again with 5 S and comes
   * out clean; with S/20 it runs out twice, and the step-budget trace records the wider budget and replays.
   */
  @Test
  void aScheduleThatRunsOutOfStepsIsRunAgainWithTenTimesTheSteps() {
    HuntTotals full = firstWorld(Budget.DEFAULT);
    assertTrue(full.violation() == null, "world 0 of seed 1 is not clean: " + full.violation());
    long s = full.deliveries();
    assertTrue(s >= 40, "world 0 ran only " + s + " deliveries");

    HuntTotals half = firstWorld(Budget.steps(s / 2));
    assertTrue(half.violation() == null, "run again with 10 x S/2 steps, world 0 still broke: " + half.violation());
    assertEquals(1, half.schedules());
    assertTrue(half.deliveries() > s / 2, "the re-run's deliveries count: " + half.deliveries() + " of " + s);

    HuntTotals tiny = firstWorld(Budget.steps(s / 20));
    Trace t = tiny.violation();
    assertEquals("liveness.step-budget", t.violation().invariant());
    assertEquals(s / 20 * HuntJob.WIDER_BUDGET, t.budget().maxSteps());
    assertEquals(s / 20 * HuntJob.WIDER_BUDGET, t.decisions().size());
    assertTrue(Replayer.replay(Worlds.forTrace(t), t).reproduced());
  }
}
