package tdxsim.stress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tdxsim.actors.invariants.Invariant;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioException;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;

/**
 * The guest kind [LNX tdx.c]: a Linux TD runs with SEPT_VE_DISABLE set, and its touch of a page it has not
 * accepted is an EPT violation whose extended exit qualification says PENDING: tdx_handle_ept_violation kills the
 * VM ("Guest access before accepting"), in every schedule, instead of faulting it in. Touch-before-accept is a
 * non-Linux guest (SEPT_VE_DISABLE clear, #VE), which runs clean. And KVM_EXIT_MEMORY_FAULT: a private access to a
 * shared page goes to the VMM, which converts it back (QEMU's kvm_convert_memory) and runs KVM_RUN again.
 */
class GuestKindTest {
  private static final String TOUCH = """
      vcpus = 2
      ranges-2m = 2
      workloads = [ [ { op = touch, at = r0, pages = 1 } ], [ { op = accept, at = r1, pages = 512 } ] ]
      """;

  private static ExplorationResult explore(String text) {
    Scenario s = ScenarioLoader.parse("t.conf", "t", text);
    return TdxWorldFactoryTest.explore(s.config(), StrategyKind.RANDOM, 30);
  }

  @Test
  void aLinuxGuestTouchingAPendingPageKillsTheVm() {
    ExplorationResult r = explore(TOUCH);
    assertTrue(r.violation().isPresent(), "explored clean");
    assertEquals(Invariant.KVM_VM_DEAD.id(), r.violation().get().violation().invariant(),
        r.violation().get().violation().oneLine());
  }

  @Test
  void aNonLinuxGuestTakesTheVeAndAcceptsAt4k() {
    ExplorationResult r = explore(TOUCH + "guest = non-linux\n");
    assertEquals(30, r.schedules(), () -> r.violation().get().violation().oneLine());
  }

  @Test
  void theGuestKindSetsSeptVeDisable() {
    assertTrue(ScenarioLoader.parse("t.conf", "t", "vcpus = 1\nranges-2m = 1\n").config().septVeDisable());
    assertFalse(ScenarioLoader.parse("t.conf", "t", "vcpus = 1\nranges-2m = 1\nguest = non-linux\n").config()
        .septVeDisable());
    ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioLoader.parse("t.conf", "t",
        "vcpus = 1\nranges-2m = 1\nsept-ve-disable = false\n"));
    assertTrue(e.getMessage().startsWith("scenario t.conf: sept-ve-disable: a Linux guest runs with SEPT_VE_DISABLE"
        + " set"), e.getMessage());
  }

  @Test
  void aMemoryFaultExitIsConvertedByTheVmmAndTheGuestGoesOn() {
    TdxWorldFactory f = new TdxWorldFactory(ScenarioLoader.load("memory-fault"));
    // bounded by the schedule count only (no wall-time limit: the same on any machine)
    ExplorationResult r = Explorer.explore(f, StrategyKind.RANDOM, 42, 200, Duration.ofDays(1), Budget.DEFAULT,
        null, () -> false);
    assertTrue(r.violation().isEmpty(), () -> r.violation().get().violation().oneLine());
    assertEquals(200, r.schedules());
    Map<String, Long> totals = f.totals();
    assertTrue(totals.getOrDefault("flow.MEMORY_FAULT_EXIT", 0L) > 0, totals.toString());
    assertEquals(800L, totals.get("accept.accepted"), "every ACCEPT succeeds in every schedule");
  }
}
