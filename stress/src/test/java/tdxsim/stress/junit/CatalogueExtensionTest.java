package tdxsim.stress.junit;

import tdxsim.stress.strategy.StrategyKind;

/**
 * The race catalogue through the extension, as a user's CI would run it: each race's v3 baseline clean over
 * {@link CatalogueRuns#BASELINE_SCHEDULES} PCT schedules, each exposure caught by one of its listed invariants within
 * 500 (seed 1, no minimizing: {@code CatalogueTest} checks the other seeds and strategies).
 */
class CatalogueExtensionTest {
  @TdxSimTest(catalogue = "*", strategy = StrategyKind.PCT, seed = 1, schedules = 500, minimize = false)
  void catalogue(TdxExploration entry) {}
}
