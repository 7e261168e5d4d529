package tdxsim.stress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tdxsim.actors.invariants.Invariant;
import tdxsim.actors.invariants.InvariantChecker;
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

/**
 * The adapter against the real model in the deterministic runtime: the v3 baseline explores clean, a schedule
 * replays to the same final-state hash, counters add up, and each v1 design option the review thread argued
 * about is caught by a generic invariant.
 */
class TdxWorldFactoryTest {
  static ExplorationResult explore(VmConfig cfg, StrategyKind k, long schedules) {
    return Explorer.explore(new TdxWorldFactory(cfg), k, 42, schedules, Duration.ofSeconds(60), Budget.DEFAULT,
        null, () -> false);
  }

  @Test
  void baselineSmallScenarioExploresClean() {
    for (StrategyKind k : StrategyKind.values()) {
      ExplorationResult r = explore(ScenarioLoader.load("small").config(), k, 40);
      assertEquals(40, r.schedules(), k + ": " + r.violation().map(c -> c.violation().oneLine()).orElse(""));
    }
  }

  @Test
  void sameScheduleSameHashAndCountersAddUp() {
    TdxWorldFactory f = new TdxWorldFactory(ScenarioLoader.load("small"));
    long[] hashes = new long[2];
    Map<String, Long> first = null;
    try (DeterministicSystem sys = DeterministicSystem.create("tdx-world-test")) {
      for (int i = 0; i < 2; i++) {
        Strategy s = StrategyKind.RANDOM.create();
        s.reset(1234);
        ScheduleResult r = sys.run(f.create(1234), s, Budget.DEFAULT);
        assertTrue(r.ok(), () -> r.violation().oneLine());
        hashes[i] = r.stateHash();
        if (i == 0) first = f.current().counters();
      }
    }
    assertEquals(hashes[0], hashes[1]);
    assertNotNull(first);
    assertTrue(first.get("aug.2m") > 0, first.toString());
    Map<String, Long> totals = f.totals();
    assertEquals(InvariantChecker.counterSummaryKeys(), List.copyOf(totals.keySet())
        .subList(0, InvariantChecker.counterSummaryKeys().size()));
    assertEquals(2 * first.get("aug.2m"), totals.get("aug.2m"));
  }

  static void caughtBy(String scenario, DesignOption o, Set<Invariant> expected) {
    VmConfig cfg = ScenarioLoader.load(scenario).config().withOptions(EnumSet.of(o));
    ExplorationResult r = explore(cfg, StrategyKind.RANDOM, 20);
    assertTrue(r.violation().isPresent(), o + " explored clean");
    String id = r.violation().get().violation().invariant();
    assertTrue(expected.stream().anyMatch(i -> i.id().equals(id)), o + ": " + r.violation().get().violation()
        .oneLine());
  }

  @Test
  void v1DesignOptionsAreCaughtByGenericInvariants() {
    // R2: v1 lets the 2M accepter win; the 4K ACCEPT is never honoured (or exits forever)
    caughtBy("small", DesignOption.V1_IGNORE_SHARED_SPLIT,
        Set.of(Invariant.MMU_ACCEPT_LEVEL_HONOURED, Invariant.LIVENESS_ACCEPT_RETRIES));
    // R8: TDX refs block the folio restructuring after the zap already happened
    caughtBy("small", DesignOption.V1_FOLIO_REFCOUNT,
        Set.of(Invariant.GMEM_FAILED_CONVERSION_NO_ZAP, Invariant.GMEM_FOLIO_SPLIT_WITH_TDX_REFS));
    // R7: the seed's A/B/C, users unmapped before a pinned IOMMU refused
    caughtBy("default", DesignOption.FAILABLE_NOTIFIER,
        Set.of(Invariant.GMEM_CONVERSION_ALL_OR_NOTHING, Invariant.GMEM_FAILED_CONVERSION_NO_ZAP));
  }
}
