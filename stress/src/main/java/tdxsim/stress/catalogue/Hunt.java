package tdxsim.stress.catalogue;

import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.Budget;
import tdxsim.stress.runtime.Counterexample;
import tdxsim.stress.runtime.ExplorationResult;
import tdxsim.stress.strategy.StrategyKind;

/**
 * One exploration of a target with one strategy and one run seed, exactly {@code ./tdxsim explore --scenario S
 * --option O --strategy K --seed N}, so any figure in the table can be re-run by hand.
 *
 * @param target what was hunted
 * @param strategy the strategy
 * @param seed the run seed
 * @param budget each schedule's budget (a trace of it must record the same one to replay)
 * @param result the exploration
 */
public record Hunt(Target target, StrategyKind strategy, long seed, Budget budget, ExplorationResult result) {
  public boolean found() {
    return result.violation().isPresent();
  }

  /** The invariant that fired, if any. */
  public Optional<String> invariant() {
    return result.violation().map(Counterexample::violation).map(Violation::invariant);
  }

  /** Schedules run up to and including the violating one. */
  public long schedules() {
    return result.schedules();
  }

  public long wallNanos() {
    return result.elapsedNanos();
  }
}
