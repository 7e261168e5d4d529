package tdxsim.stress.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.runtime.Explorer;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;

class CoverageTest {
  private static Coverage explore(String scenario, List<String> options) {
    Coverage c = new Coverage();
    TdxWorldFactory worlds = new TdxWorldFactory(ScenarioLoader.load(scenario, options)).coverage(c);
    // bounded by the schedule count only: the negative checks below mean something only if every schedule ran
    // (or, with a mutation, the run ended on its violation)
    ExplorationResult r = Explorer.explore(worlds, StrategyKind.PCT, 1, 20, Duration.ofDays(1), Budget.DEFAULT, null,
        () -> false);
    assertTrue(r.violation().isPresent() == !options.isEmpty(), () -> scenario + " " + options + ": " + r.violation());
    if (options.isEmpty()) assertEquals(20, r.schedules());
    return c;
  }

  @Test
  void listsATupleTheScenarioReachesAndOmitsOneItCannot() {
    Coverage c = explore("small", List.of());
    assertTrue(c.reached().containsKey("seamcall TDH_MEM_PAGE_AUG / FREE / TDX_SUCCESS"), c.reached().toString());
    assertTrue(c.reached().containsKey("meets punch-hole zapped a live mapping"), c.reached().toString());
    // the v3 mirror root never promotes (disallowed_hugepage_adjust): no PROMOTE in the baseline
    assertTrue(c.reached().keySet().stream().noneMatch(k -> k.startsWith("seamcall TDH_MEM_PAGE_PROMOTE")));
    assertTrue(c.neverReached().contains("seamcall TDH_MEM_PAGE_PROMOTE / * / TDX_SUCCESS"), c.neverReached()
        .toString());
    assertFalse(c.neverReached().contains("seamcall TDH_MEM_PAGE_AUG / * / TDX_SUCCESS"));
  }

  @Test
  void onlyTheMirrorPromotionMutationBlocksANonLeaf() {
    String blockNonLeaf = "seamcall TDH_MEM_RANGE_BLOCK / NL_MAPPED / TDX_SUCCESS"; // the promotion's BLOCK
    assertTrue(explore("race-r10", List.of("mut-mirror-promotion")).reached().containsKey(blockNonLeaf));
    assertFalse(explore("race-r10", List.of()).reached().containsKey(blockNonLeaf));
  }
}
