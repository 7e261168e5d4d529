package com.example.tdx;

import tdxsim.stress.junit.TdxExploration;
import tdxsim.stress.junit.TdxSimTest;
import tdxsim.stress.strategy.StrategyKind;

/**
 * Concurrency tests of the TDX huge-page protocol. ExamplePlugin is on the test class path, so its invariant
 * (example.no-aug-during-invalidation) is checked in every test, beside the built-in ones.
 */
class HugePageDesignTest {

  /** The v3 baseline: a fault and a punch hole on one 2M range, 500 PCT schedules, seed 1. */
  @TdxSimTest(scenario = "race-r5", schedules = 500, strategy = StrategyKind.PCT, seed = 1)
  void faultVsPunchHole() {}

  /** Without the mmu_invalidate_retry_gfn() check, our invariant catches the AUG inside the invalidation. */
  @TdxSimTest(scenario = "race-r5", options = "mut-no-retry-check",
      expect = {"example.no-aug-during-invalidation", "mmu.no-install-during-invalidation",
          "gmem.freed-folio-mapped"})
  void withoutTheRetryCheck() {}

  /** Our design under review: invalidate_begin without range_add. */
  @TdxSimTest(scenario = "race-r5", options = "example-skip-range-add")
  void skipRangeAdd(TdxExploration exploration) {
    exploration.expectViolation("gmem.freed-folio-mapped", "mmu.no-install-during-invalidation",
        "mmu.attributes-at-invalidate-end", "gmem.private-mapping-of-shared");
  }
}
