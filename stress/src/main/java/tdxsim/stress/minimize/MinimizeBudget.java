package tdxsim.stress.minimize;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * How much work the minimizer may do. The attempt count bounds it deterministically: the same trace under the
 * same attempt budget always gives the same result. The wall-time limit is a safety net for huge traces; when it
 * is what stopped the search, the result says so ({@link MinimizeResult.Stop#TIME}) and may differ between
 * machines.
 *
 * @param maxAttempts candidate schedules to run at most
 * @param timeLimit wall time at most
 * @param stopRequested asked before each attempt: true ends the search there (Ctrl-C), with the best trace so far
 */
public record MinimizeBudget(int maxAttempts, Duration timeLimit, BooleanSupplier stopRequested) {
  public static final MinimizeBudget DEFAULT = new MinimizeBudget(5_000, Duration.ofMinutes(5));

  public MinimizeBudget {
    if (maxAttempts < 0) throw new IllegalArgumentException("maxAttempts must not be negative: " + maxAttempts);
    if (timeLimit.isNegative()) throw new IllegalArgumentException("timeLimit is negative");
  }

  public MinimizeBudget(int maxAttempts, Duration timeLimit) {
    this(maxAttempts, timeLimit, () -> false);
  }

  public static MinimizeBudget attempts(int maxAttempts) {
    assert maxAttempts >= 0 : "an attempt budget of " + maxAttempts;
    return new MinimizeBudget(maxAttempts, DEFAULT.timeLimit);
  }
}
