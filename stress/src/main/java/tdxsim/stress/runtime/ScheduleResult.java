package tdxsim.stress.runtime;

import java.util.Optional;
import tdxsim.actors.monitor.Violation;

/**
 * What one schedule did.
 *
 * @param violation the first violation (safety, liveness or budget), or null if the schedule ended cleanly
 * @param decisions every delivery, in order
 * @param stateHash {@link World#stateHash()} at the end
 * @param virtualNanos virtual time at the end
 * @param stoppedByStrategy the strategy ended the schedule (replay: trace exhausted or diverged)
 */
public record ScheduleResult(
    Violation violation, DecisionLog decisions, long stateHash, long virtualNanos, boolean stoppedByStrategy) {

  public Optional<Violation> verdict() {
    assert decisions != null : "a schedule result without decisions";
    return Optional.ofNullable(violation);
  }

  public boolean ok() {
    assert !stoppedByStrategy || violation == null : "a schedule stopped by its strategy with a violation";
    return violation == null;
  }

  public int steps() {
    assert decisions.size() >= 0 : "a schedule of " + decisions.size() + " steps";
    return decisions.size();
  }
}
