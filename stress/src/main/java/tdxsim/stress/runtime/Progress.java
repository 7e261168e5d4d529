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
    assert schedules >= 0 : "progress " + schedules + " in " + elapsedNanos;
    assert elapsedNanos >= 0 : "progress " + schedules + " in " + elapsedNanos;
    return elapsedNanos == 0 ? 0 : schedules * 1e9 / elapsedNanos;
  }

  public double deliveriesPerSecond() {
    assert deliveries >= 0 : "progress " + deliveries + " in " + elapsedNanos;
    assert elapsedNanos >= 0 : "progress " + deliveries + " in " + elapsedNanos;
    return elapsedNanos == 0 ? 0 : deliveries * 1e9 / elapsedNanos;
  }
}
