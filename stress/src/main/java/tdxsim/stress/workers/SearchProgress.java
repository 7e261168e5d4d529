package tdxsim.stress.workers;

/**
 * A search's progress, reported about once a second.
 *
 * @param indices indices finished
 * @param total indices asked for
 * @param work work units (deliveries) in them
 * @param rangesDone ranges finished
 * @param workers workers running (threads; on a cluster, over every node)
 * @param nodes nodes taking part (1 for a local search)
 * @param elapsedNanos wall time so far
 */
public record SearchProgress(
    long indices, long total, long work, long rangesDone, int workers, int nodes, long elapsedNanos) {
  public double indicesPerSecond() {
    return elapsedNanos == 0 ? 0 : indices * 1e9 / elapsedNanos;
  }

  public double workPerSecond() {
    return elapsedNanos == 0 ? 0 : work * 1e9 / elapsedNanos;
  }
}
