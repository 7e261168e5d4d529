package tdxsim.stress.runtime;

/**
 * An exploration's progress, reported at most about once a second.
 *
 * @param schedules schedules finished
 * @param schedulesPlanned schedules asked for
 * @param deliveries deliveries made in them
 * @param elapsedNanos wall time so far
 */
public record Progress(long schedules, long schedulesPlanned, long deliveries, long elapsedNanos) {
  public double schedulesPerSecond() {
    return elapsedNanos == 0 ? 0 : schedules * 1e9 / elapsedNanos;
  }

  public double deliveriesPerSecond() {
    return elapsedNanos == 0 ? 0 : deliveries * 1e9 / elapsedNanos;
  }
}
