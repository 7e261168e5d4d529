package tdxsim.stress.workers;

/**
 * One worker of a {@link RangeJob}: owns a deterministic system and runs ranges on it, one at a time, on the
 * thread that opened it.
 *
 * @param <R> what a range reports
 */
public interface RangeWorker<R extends RangeOutcome> extends AutoCloseable {
  /**
   * Runs indices {@code from..to-1} in order from a clean state, asking {@code control} before each index and
   * stopping at the first one it refuses or at the first violation (which the outcome names).
   */
  R run(long from, long to, RangeControl control);

  @Override
  void close();
}
