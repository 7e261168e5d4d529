package tdxsim.stress.catalogue;

import java.util.List;
import tdxsim.stress.strategy.StrategyKind;

/**
 * A comparison's outcome: the same schedules (strategy, seed, count) run under each variant.
 *
 * @param comparison the catalogue entry
 * @param strategy the strategy
 * @param seed the run seed
 * @param schedules schedules asked for per variant
 * @param variants one outcome per variant, in the entry's order
 */
public record ComparisonReport(Comparison comparison, StrategyKind strategy, long seed, long schedules,
    List<VariantOutcome> variants) {
  public ComparisonReport {
    variants = List.copyOf(variants);
  }
}
