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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tdxsim.actors.vm.VmmAction;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.FairStrategy;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The built-in {@code memslot-delete} scenario (issue 10, section 3): the baseline deletes the memslot under a
 * 2M ACCEPT, a touch and a pre-fault of its range, reaches every window of the flow (KVM_MEMSLOT_INVALID retries,
 * the local-retry loop's break, -EAGAIN and -ENOENT to KVM_PRE_FAULT_MEMORY, the memory-fault exit on the deleted
 * slot) and breaks nothing; the two mutations of the flow are caught.
 */
class MemslotScenarioTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("memslot");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ExplorationResult explore(TdxWorldFactory worlds, StrategyKind kind, int schedules) {
    return Explorer.explore(system, worlds, FairStrategy.wrap(kind.create()), 1, schedules, Duration.ofDays(1),
        Budget.DEFAULT, null, () -> false);
  }

  @Test
  void theScenarioDeletesTheMemslotOfR1() {
    List<VmmAction> vmm = ScenarioLoader.load("memslot-delete", List.of()).config().vmmActions();
    assertEquals(List.of(new VmmAction.DeleteMemslot(0x100200, 512)), vmm);
  }

  @Test
  void theBaselineIsCleanAndReachesEveryWindow() {
    TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load("memslot-delete", List.of()));
    ExplorationResult r = explore(worlds, StrategyKind.PCT, 200);
    assertFalse(r.violation().isPresent(), () -> r.violation().get().violation().oneLine());
    Map<String, Long> c = worlds.totals();
    for (String flow : List.of("MEMSLOT_INVALID_RETRY", "LOCAL_RETRY_INVALID_SLOT_EXIT", "PREFAULT_EAGAIN",
        "PREFAULT_NO_MEMSLOT", "MEMORY_FAULT_EXIT_NO_MEMSLOT", "NO_MEMSLOT_EXIT", "ZAP_MEMSLOT", "GMEM_UNBIND")) {
      assertTrue(c.getOrDefault("flow." + flow, 0L) > 0, flow + " never reached: " + c);
    }
    assertEquals(200, c.get("flow.MEMSLOT_DELETE"), "every schedule deletes the memslot once");
  }

  @ParameterizedTest
  @CsvSource({"mut-memslot-no-invalid-check, kvm.memslot-zapped-unmapped",
      "mut-local-retry-ignores-invalid-slot, liveness.srcu-section"})
  void aMutationOfTheDeletionIsCaught(String option, String invariant) {
    ExplorationResult r = explore(new TdxWorldFactory(ScenarioLoader.load("memslot-delete", List.of(option))),
        StrategyKind.PCT, 40);
    assertTrue(r.violation().isPresent(), option + " not caught");
    assertEquals(invariant, r.violation().get().violation().invariant());
  }
}
