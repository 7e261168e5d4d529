package tdxsim.stress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.invariants.Bounds;
import tdxsim.actors.monitor.Violation;
import tdxsim.actors.options.DesignOption;
import tdxsim.actors.vm.VmConfig;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.runtime.ScheduleResult;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.Strategy;
import tdxsim.stress.strategy.StrategyKind;

/** A host of several TDs on the deterministic runtime: one checker per TD, violations named for their TD. */
class HostWorldTest {
  private static final VmConfig SMALL = ScenarioLoader.load("small").config();

  @Test
  void aViolationInOneTdIsNamedForItAndTheOtherTdStaysClean() {
    VmConfig broken = SMALL.withOptions(EnumSet.of(DesignOption.V1_IGNORE_SHARED_SPLIT));
    TdxWorldFactory host = new TdxWorldFactory(List.of(SMALL, broken), Bounds.DEFAULT);
    ExplorationResult r = Explorer.explore(host, StrategyKind.RANDOM, 42, 20, Duration.ofSeconds(60),
        Budget.DEFAULT, null, () -> false);
    assertTrue(r.violation().isPresent(), "v1-ignore-shared-split in td-1 explored clean");
    Violation v = r.violation().get().violation();
    assertTrue(v.detail().startsWith("td-1: "), v.oneLine());
    assertTrue(v.actors().stream().allMatch(a -> a.startsWith("td-1/")), v.oneLine());
    TdxWorld w = host.current();
    assertEquals(0, w.checker().violationCount(), "td-0 runs the clean baseline");
  }

  @Test
  void aHostOfTwoTdsRunsBothToTheEndAndReplaysToTheSameState() {
    TdxWorldFactory host = new TdxWorldFactory(List.of(SMALL, SMALL), Bounds.DEFAULT);
    TdxWorldFactory one = new TdxWorldFactory(SMALL, Bounds.DEFAULT);
    long[] hashes = new long[2];
    try (DeterministicSystem sys = DeterministicSystem.create("host-world-test")) {
      for (int i = 0; i < 2; i++) {
        Strategy s = StrategyKind.RANDOM.create();
        s.reset(7);
        ScheduleResult r = sys.run(host.create(7), s, Budget.DEFAULT);
        assertTrue(r.ok(), () -> r.violation().oneLine());
        hashes[i] = r.stateHash();
      }
      Strategy s = StrategyKind.RANDOM.create();
      s.reset(7);
      ScheduleResult single = sys.run(one.create(7), s, Budget.DEFAULT);
      assertTrue(single.ok());
      assertNotEquals(single.stateHash(), hashes[0], "the host hashes both TDs");
      assertTrue(one.current().counters().get("page_add") > 0);
      assertEquals(2 * one.current().counters().get("page_add"), host.current().counters().get("page_add"),
          "both TDs were built; ok() above: both ran their workloads to the end");
    }
    assertEquals(hashes[0], hashes[1]);
  }
}
