package tdxsim.stress.memslot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The built-in {@code interrupt-retry} and {@code map-gpa-chunks} scenarios (issue 10, sections 2 and 3): the
 * baseline reaches the local-retry loop's exit on a posted interrupt and MapGPA's TDVMCALL_STATUS_RETRY, breaks
 * nothing, and mutation 17 (no kvm_vcpu_has_events() break) is caught.
 */
class VcpuFlowScenariosTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("vcpu-flows");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static Map<String, Long> cleanRun(String scenario, StrategyKind kind, int schedules) {
    TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load(scenario, List.of()));
    ExplorationResult r = explore(worlds, kind, schedules);
    assertFalse(r.violation().isPresent(), () -> r.violation().get().violation().oneLine());
    return worlds.totals();
  }

  private static ExplorationResult explore(TdxWorldFactory worlds, StrategyKind kind, int schedules) {
    return Explorer.explore(system, worlds, FairStrategy.wrap(kind.create()), 1, schedules, Duration.ofDays(1),
        Budget.DEFAULT, null, () -> false);
  }

  @Test
  void aPostedInterruptEndsTheLocalRetryLoop() {
    Map<String, Long> c = cleanRun("interrupt-retry", StrategyKind.PCT, 200);
    assertTrue(c.getOrDefault("flow.LOCAL_RETRY_EVENT_EXIT", 0L) > 0, c.toString());
    assertTrue(c.getOrDefault("flow.INTERRUPT_DELIVERED", 0L) > 0, c.toString());
  }

  @Test
  void theLoopWithoutTheEventsBreakIsCaught() {
    ExplorationResult r = explore(new TdxWorldFactory(ScenarioLoader.load("interrupt-retry",
        List.of("mut-local-retry-ignores-events"))), StrategyKind.PCT, 40);
    assertTrue(r.violation().isPresent(), "mutation 17 not caught");
    assertEquals("liveness.local-retry-events", r.violation().get().violation().invariant());
  }

  @Test
  void aMapGpaIsOneExitPerChunkAndRetriesOnAPendingInterrupt() {
    Map<String, Long> c = cleanRun("map-gpa-chunks", StrategyKind.PCTCP, 200);
    // 768 pages: one exit of 512 and one of 256, a RETRY resuming where the last exit stopped
    assertEquals(2 * 200L, c.get("flow.MAPGPA_SHARED"), c.toString());
    assertTrue(c.getOrDefault("flow.MAPGPA_RETRY", 0L) > 0, c.toString());
    assertEquals(0L, c.getOrDefault("flow.MAPGPA_FAILED", 0L));
  }
}
