package tdxsim.stress.runtime;

import java.util.Optional;

/**
 * What an exploration did.
 *
 * @param strategy the strategy's name
 * @param runSeed the run seed
 * @param counterexample the first violating schedule, or null
 * @param last the last schedule run (the counterexample if there is one), or null if none ran; a clean
 *     exploration writes its trace so that anyone can replay it
 * @param schedules schedules run (including the violating one)
 * @param schedulesPlanned schedules asked for
 * @param deliveries deliveries made in all of them
 * @param elapsedNanos wall time
 * @param timedOut stopped by the wall-time limit before running every schedule
 * @param interrupted stopped on request (Ctrl-C, SIGTERM) before running every schedule
 */
public record ExplorationResult(
    String strategy,
    long runSeed,
    Counterexample counterexample,
    Counterexample last,
    long schedules,
    long schedulesPlanned,
    long deliveries,
    long elapsedNanos,
    boolean timedOut,
    boolean interrupted) {

  /** Every schedule asked for ran, or one broke an invariant: the verdict covers what was asked. */
  public boolean complete() {
    assert schedules >= 0 && schedules <= schedulesPlanned || counterexample != null : schedules + " of " + schedulesPlanned;
    return counterexample != null || schedules >= schedulesPlanned;
  }

  public Optional<Counterexample> violation() {
    assert counterexample == null || counterexample == last : "the counterexample is not the last schedule";
    return Optional.ofNullable(counterexample);
  }

  public double schedulesPerSecond() {
    assert elapsedNanos >= 0 : "elapsed " + elapsedNanos;
    return elapsedNanos == 0 ? 0 : schedules * 1e9 / elapsedNanos;
  }

  public double deliveriesPerSecond() {
    assert deliveries >= 0 : "deliveries " + deliveries;
    return elapsedNanos == 0 ? 0 : deliveries * 1e9 / elapsedNanos;
  }
}
