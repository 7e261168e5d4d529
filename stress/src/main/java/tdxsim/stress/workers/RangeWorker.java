package tdxsim.stress.workers;

import tdxsim.stress.runtime.DeterministicSystem;

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

  /** How a job runs a range on a worker's deterministic system. */
  @FunctionalInterface
  interface OnSystem<R extends RangeOutcome> {
    R run(DeterministicSystem system, long from, long to, RangeControl control);
  }

  /** A worker owning a fresh deterministic system named {@code name}, running each range with {@code body}. */
  static <R extends RangeOutcome> RangeWorker<R> onSystem(String name, OnSystem<R> body) {
    DeterministicSystem system = DeterministicSystem.create(name);
    return new RangeWorker<>() {
      @Override
      public R run(long from, long to, RangeControl control) {
        return body.run(system, from, to, control);
      }

      @Override
      public void close() {
        system.close();
      }
    };
  }
}
