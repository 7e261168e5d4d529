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
 * @param deliveries deliveries made in all of them
 * @param elapsedNanos wall time
 * @param timedOut stopped by the wall-time limit before running every schedule
 */
public record ExplorationResult(
    String strategy,
    long runSeed,
    Counterexample counterexample,
    Counterexample last,
    long schedules,
    long deliveries,
    long elapsedNanos,
    boolean timedOut) {

  public Optional<Counterexample> violation() {
    return Optional.ofNullable(counterexample);
  }

  public double schedulesPerSecond() {
    return elapsedNanos == 0 ? 0 : schedules * 1e9 / elapsedNanos;
  }

  public double deliveriesPerSecond() {
    return elapsedNanos == 0 ? 0 : deliveries * 1e9 / elapsedNanos;
  }
}
