package tdxsim.stress.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tdxsim.protocol.LockMode;
import tdxsim.stress.model.TdxWorldFactory;
import tdxsim.stress.runtime.DeterministicSystem;
import tdxsim.stress.scenario.Scenario;
import tdxsim.stress.scenario.ScenarioLoader;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Issue 10's TDP MMU windows as explorations: tdp_mmu_split_huge_pages_root drops mmu_lock to allocate the split's
 * sp [P3-11], and tdp_mmu_zap_leafs yields between batches (tdp_mmu_iter_cond_resched) [LNX tdp_mmu.c]. A
 * {@link WindowProbe} fires when another context takes mmu_lock inside the window, so a sweep that finds it has
 * reached the window; the model before issue 10 held the lock across both and could not.
 */
class MmuWindowsTest {
  private static DeterministicSystem system;

  @BeforeAll
  static void start() {
    system = DeterministicSystem.create("mmu-windows-test");
  }

  @AfterAll
  static void stop() {
    system.close();
  }

  private static SweepResult sweep(Scenario scenario, SweepLimits limits) {
    return sweep(scenario, StrategyKind.PCT, limits);
  }

  private static SweepResult sweep(Scenario scenario, StrategyKind kind, SweepLimits limits) {
    return Sweep.run(system, new TdxWorldFactory(scenario), kind, 1, limits, true);
  }

  /** race-r12: two vCPUs, each 4K-ACCEPTs over a 2M mapping of its own range: two accept-level splits. */
  private static final String TWO_SPLITS = """
      vcpus = 2
      ranges-2m = 2
      workloads = [
        [ { op = touch, at = r0, pages = 1 } ]
        [ { op = touch, at = r1, pages = 1 } ]
      ]
      guest = non-linux
      """;

  /** Sweeps {@code text} with a probe for the window {@code opens}; asserts that {@code mode} got into it. */
  private static void assertReached(String text, StrategyKind kind, String opens, LockMode mode) {
    Scenario s = ScenarioLoader.parse("test", "probed", text).withPlugin(new WindowProbe(opens, mode));
    SweepResult r = sweep(s, kind, TestBudgets.HUNT);
    assertFalse(r.clean(), () -> "no " + mode + " holder ever ran in the " + opens + " window");
    assertEquals(WindowProbe.INVARIANT, r.first().violation().invariant(), r.first().violation().oneLine());
  }

  @Test
  void aFaultLandsWhileTheAcceptLevelSplitHasDroppedMmuLockToAllocate() {
    assertReached(TWO_SPLITS, StrategyKind.PCT, "SPLIT_ALLOC_UNLOCK", LockMode.SHARED);
  }

  @Test
  void anotherWriterSplitsInTheWindowAndTheBaselineStaysClean() {
    assertReached(TWO_SPLITS, StrategyKind.PCT, "SPLIT_ALLOC_UNLOCK", LockMode.EXCLUSIVE);
    SweepResult baseline = sweep(ScenarioLoader.parse("test", "two-splits", TWO_SPLITS),
        SweepLimits.schedules(500, TestBudgets.SCHEDULE));
    assertTrue(baseline.clean(), () -> baseline.first().violation().oneLine());
  }

  /**
   * A punch hole over two 2M leaves (one zap batch each) while another vCPU faults in a third range, page by page.
   * PCTCP holds the VMM's punch hole back to a random step, so that it finds the two leaves mapped.
   */
  private static final String TWO_BATCHES = """
      vcpus = 2
      ranges-2m = 3
      workloads = [
        [ { op = accept, at = r0, pages = 1024 } ]
        [ { op = accept, at = r2, pages = 32, style = tolerant, max-level = 4K } ]
      ]
      vmm = [ { op = punch-hole, at = r0, pages = 1024 } ]
      """;

  @Test
  void aFaultLandsBetweenTwoZapBatchesAfterTheFlush() {
    assertReached(TWO_BATCHES, StrategyKind.PCTCP, "ZAP_YIELD", LockMode.SHARED);
    SweepResult baseline = sweep(ScenarioLoader.parse("test", "two-batches", TWO_BATCHES), StrategyKind.PCTCP,
        SweepLimits.schedules(300, TestBudgets.SCHEDULE));
    assertTrue(baseline.clean(), () -> baseline.first().violation().oneLine());
    assertTrue(baseline.perSchedule("flow.ZAP_YIELD") > 0, "the punch hole's zap never yielded");
  }

  @Test
  void nonBlockingResizeSplitsUnderTheReadLockWithoutBlockOrTrack() {
    Scenario s = ScenarioLoader.load("race-r12", java.util.List.of("non-blocking-resize"));
    SweepResult r = sweep(s, SweepLimits.schedules(300, TestBudgets.SCHEDULE));
    assertTrue(r.clean(), () -> r.first().violation().oneLine());
    assertEquals(2.0, r.perSchedule("flow.NON_BLOCKING_SPLIT"), "both accept-level splits under the read lock");
    assertEquals(0.0, r.perSchedule("flow.BLOCK"), "a DEMOTE of NON-BLOCKING-RESIZE needs no BLOCK");
  }

  @Test
  void nonBlockingResizeMissesAFaultMidInstallAndTheInhibitIsBroken() {
    // P3-13's "(a) set the inhibit after the split" holds under the write lock only: under the read lock the split
    // walk skips a 2M SPTE another vCPU's fault has FROZEN to AUG it, sets the inhibit, and the 2M leaf lands after.
    for (long seed = 1; seed <= 3; seed++) {
      SweepResult r = Sweep.run(system, new TdxWorldFactory(ScenarioLoader.load("race-r4",
          java.util.List.of("non-blocking-resize"))), StrategyKind.PCT, seed, TestBudgets.HUNT, true);
      assertFalse(r.clean(), "seed " + seed);
      assertEquals("mmu.guest-inhibit-respected", r.first().violation().invariant(), r.first().violation().oneLine());
    }
  }

  @Test
  void aSplitThatRunsOutOfMemoryStopsTheVmAndIsNoProtocolVerdict() {
    // One split's worth of memory for two accept-level splits: the second's allocation fails, v3 returns -ENOMEM
    // from KVM_RUN [P3-13] and the VMM stops the VM. The model before issue 10 judged the stopped VM at
    // quiescence (the hunt's mmu.accept-level-honoured on worlds with a 1-2 page split cache).
    Scenario s = ScenarioLoader.parse("test", "two-splits-one-page", TWO_SPLITS + "split-cache-pages = 1\n");
    SweepResult r = sweep(s, SweepLimits.schedules(300, TestBudgets.SCHEDULE));
    assertTrue(r.clean(), () -> r.first().violation().oneLine());
    assertTrue(r.perSchedule("flow.SPLIT_ENOMEM") > 0, "the second split never ran out of memory");
  }
}
