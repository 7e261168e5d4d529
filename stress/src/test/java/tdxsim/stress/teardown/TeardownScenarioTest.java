package tdxsim.stress.teardown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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
 * The built-in {@code teardown} scenario (issue 10, section 3): the baseline's teardown (kvm_gmem_release, then
 * tdx_mmu_release_hkid, then RECLAIM of the S-EPT pages) breaks nothing and ends; each protocol mutation that breaks
 * the order is caught by its invariant in the first schedule.
 */
class TeardownScenarioTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("teardown");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static ExplorationResult explore(List<String> options, StrategyKind kind, int schedules) {
    TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load("teardown", options));
    return Explorer.explore(system, worlds, FairStrategy.wrap(kind.create()), 1, schedules, Duration.ofDays(1),
        Budget.DEFAULT, null, () -> false);
  }

  @Test
  void theScenarioEndsWithTheDestroy() {
    List<VmmAction> vmm = ScenarioLoader.load("teardown", List.of()).config().vmmActions();
    assertEquals(List.of(new VmmAction.Destroy()), vmm);
  }

  @ParameterizedTest
  @CsvSource({"RANDOM", "PCT", "POS", "PCTCP"})
  void theBaselineTeardownIsCleanAndEnds(StrategyKind kind) {
    ExplorationResult r = explore(List.of(), kind, 40);
    assertFalse(r.violation().isPresent(), () -> r.violation().get().violation().oneLine());
    assertEquals(40, r.schedules());
  }

  @ParameterizedTest
  @CsvSource({"mut-freeid-before-vpflushdone, kvm.bug-on", "mut-free-before-reclaim, tdx.freed-page-reclaimed",
      "mut-gmem-release-no-zap, tdx.teardown-unmapped"})
  void aMutationOfTheTeardownOrderIsCaught(String option, String invariant) {
    ExplorationResult r = explore(List.of(option), StrategyKind.PCT, 5);
    assertTrue(r.violation().isPresent(), option + " not caught");
    assertEquals(invariant, r.violation().get().violation().invariant());
  }
}
