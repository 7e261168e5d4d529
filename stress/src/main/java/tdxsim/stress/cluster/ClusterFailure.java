package tdxsim.stress.cluster;

/** A cluster search that could not run or complete (a bind that failed, a worker that broke): one line. */
public final class ClusterFailure extends RuntimeException {
  public ClusterFailure(String message) {
    super(message);
  }

  public ClusterFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
