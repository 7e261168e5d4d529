package tdxsim.stress.parallel;

import java.util.Optional;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.record.ReceiveOrders;

/**
 * What a parallel run did.
 *
 * @param violation the verdict: the first violation (world checks, liveness at quiescence, an actor that threw),
 *     or null
 * @param stateHash the world's state hash at the final cut
 * @param deliveries messages delivered to world actors
 * @param elapsedNanos wall time from the world's start to the final cut
 * @param stoppedBy why the run ended
 * @param orders every world actor's receive order (null unless recording)
 * @param barriers consistent cuts taken for checks (the final one included)
 * @param barrierNanos wall time the actors spent paused for them (the final cut's hash included)
 * @param pauseNanos of which: waiting for the running mailboxes to finish (reaching the cut)
 * @param checkNanos of which: the world's checks at the cuts
 */
public record ParallelResult(
    Violation violation,
    long stateHash,
    long deliveries,
    long elapsedNanos,
    StopReason stoppedBy,
    ReceiveOrders orders,
    long barriers,
    long barrierNanos,
    long pauseNanos,
    long checkNanos) {

  public enum StopReason {
    /** Nothing left to do. */
    QUIESCENT,
    /** The wall-time limit. */
    DURATION,
    /** A violation. */
    VIOLATION,
    /** Asked to stop (Ctrl-C). */
    INTERRUPTED
  }

  public Optional<Violation> verdict() {
    // a run stopped as VIOLATION has one (a host run of generations may end DURATION after a violating one)
    assert stoppedBy != StopReason.VIOLATION || violation != null : stoppedBy + " without a violation";
    return Optional.ofNullable(violation);
  }

  public boolean ok() {
    assert deliveries >= 0 : "negative run figures";
    assert barriers >= 0 : "negative run figures";
    assert pauseNanos >= 0 : "negative run figures";
    assert checkNanos >= 0 : "negative run figures";
    return violation == null;
  }

  public double deliveriesPerSecond() {
    assert elapsedNanos >= 0 : "elapsed " + elapsedNanos;
    return elapsedNanos == 0 ? 0 : deliveries * 1e9 / elapsedNanos;
  }
}
