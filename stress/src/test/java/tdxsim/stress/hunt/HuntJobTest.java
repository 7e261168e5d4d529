package tdxsim.stress.hunt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.stress.parallel.StressWorlds;
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
    ReplayReport r = Replayer.replay(StressWorlds.forTrace(t), t);
    assertTrue(r.reproduced(), r.summary());
    assertEquals(t.finalStateHash(), WorldHash.of(t, r.result().stateHash()));
  }
}
