package tdxsim.stress.runtime;

import java.time.Duration;

/**
 * Per-schedule bounds. Running out of either while work is still pending is a liveness violation
 * ({@link RuntimeViolations#STEP_BUDGET}, {@link RuntimeViolations#VIRTUAL_TIME_BUDGET}), so a livelocked model
 * ends a schedule instead of hanging the explorer.
 *
 * @param maxSteps deliveries allowed in one schedule
 * @param maxVirtualTime virtual time allowed in one schedule (timers due later count as pending work)
 */
public record Budget(long maxSteps, Duration maxVirtualTime) {
  /**
   * The runtime's default, for worlds run through the library API (Explorer, Schedules.explore, a replay's
   * floor, the runtime's own tests and benchmarks).
   */
  public static final Budget DEFAULT = new Budget(100_000, Duration.ofHours(1));
  /**
   * The TDX model's step bound: the search commands' {@code --max-steps} default, {@code @TdxSimTest#maxSteps}
   * and the model benchmarks. Larger than {@link #DEFAULT}'s: one model schedule of many vCPUs delivers more.
   */
  public static final long MODEL_MAX_STEPS = 200_000;

  public Budget {
    if (maxSteps <= 0) throw new IllegalArgumentException("maxSteps must be positive: " + maxSteps);
    if (maxVirtualTime.isNegative()) throw new IllegalArgumentException("maxVirtualTime is negative");
  }

  public static Budget steps(long maxSteps) {
    assert maxSteps > 0 : "a step budget of " + maxSteps;
    return new Budget(maxSteps, DEFAULT.maxVirtualTime);
  }

  /** {@link #maxVirtualTime} in nanoseconds, saturated at {@link Long#MAX_VALUE}. */
  public long maxVirtualNanos() {
    assert maxSteps > 0 : "budget " + this;
    assert !maxVirtualTime.isNegative() : "budget " + this;
    try {
      return maxVirtualTime.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
