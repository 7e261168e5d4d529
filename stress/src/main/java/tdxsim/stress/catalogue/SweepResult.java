package tdxsim.stress.catalogue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tdxsim.stress.runtime.Counterexample;

/**
 * What a {@link Sweep} saw.
 *
 * @param schedules schedules run
 * @param deliveries deliveries in them
 * @param violating schedules that broke an invariant
 * @param first the first of them, or null
 * @param counters the checker's counters summed over every schedule run (a violating schedule stops at the
 *     violation, so it counts only up to there)
 * @param cutShort a delivery or wall-time cap stopped it before its schedule count
 * @param elapsedNanos wall time
 */
public record SweepResult(long schedules, long deliveries, long violating, Counterexample first,
    Map<String, Long> counters, boolean cutShort, long elapsedNanos) {

  public SweepResult {
    counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
  }

  public boolean clean() {
    return violating == 0;
  }

  public Optional<Counterexample> firstViolation() {
    return Optional.ofNullable(first);
  }

  /** 1-based: the schedule count an {@code explore} with the same seed needs to find it. */
  public Optional<Long> schedulesToFirstViolation() {
    return firstViolation().map(c -> c.scheduleIndex() + 1);
  }

  /** A counter's mean per schedule run (0 if it never counted). */
  public double perSchedule(String counter) {
    return schedules == 0 ? 0 : counters.getOrDefault(counter, 0L) / (double) schedules;
  }
}
