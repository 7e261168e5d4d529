package tdxsim.stress.catalogue;

import java.time.Duration;
import tdxsim.stress.runtime.Budget;

/**
 * How far a {@link Sweep} goes. The schedule and delivery caps are deterministic (the same sweep always stops at
 * the same schedule), which is what a test needs: a delivery cap keeps a baseline check cheap on a big scenario
 * without making it depend on the machine. The wall-time cap is for the commands only.
 *
 * @param schedules schedules at most
 * @param deliveries deliveries at most, summed over schedules (checked before each schedule starts)
 * @param wallTime wall time at most
 * @param budget each schedule's budget
 */
public record SweepLimits(long schedules, long deliveries, Duration wallTime, Budget budget) {
  public SweepLimits {
    if (schedules <= 0) throw new IllegalArgumentException("schedules must be positive: " + schedules);
    if (deliveries <= 0) throw new IllegalArgumentException("deliveries must be positive: " + deliveries);
  }

  /** Only a schedule count, for the commands: no delivery cap, no wall-time cap. */
  public static SweepLimits schedules(long schedules, Budget budget) {
    return new SweepLimits(schedules, Long.MAX_VALUE, Duration.ofDays(365), budget);
  }

  long wallNanos() {
    try {
      return wallTime.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
