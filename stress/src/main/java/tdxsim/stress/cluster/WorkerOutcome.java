package tdxsim.stress.cluster;

/**
 * How a worker node's part in a run ended.
 *
 * @param kind how
 * @param why one line
 * @param ranges ranges this node ran
 * @param indices indices (schedules) in them
 */
public record WorkerOutcome(Kind kind, String why, long ranges, long indices) {
  public enum Kind {
    /** The coordinator ended the run. */
    FINISHED,
    /** The cluster refused the node at join (another model version, no proof of the secret). */
    REFUSED,
    /** No coordinator answered at the address given. */
    UNREACHABLE,
    /** The coordinator left or stopped answering mid-run. */
    COORDINATOR_LOST,
    /** The coordinator had ended its run (its node still up) before this node registered: no run to take part in. */
    MISSED
  }
}
