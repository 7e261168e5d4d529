package tdxsim.stress.workers;

/**
 * A search over indices 0..total-1 (schedule indices for explore, world indices for hunt) split into fixed ranges.
 * What index i does must be a function of the run seed and i alone, and what a range does a function of its
 * bounds alone: a worker starts every range from a clean state (a fresh strategy), so the outcome of a range is
 * the same on whichever worker, thread or node runs it. {@link #rangeSize()} is therefore part of the run's
 * definition, like the seed, and never depends on the number of workers.
 *
 * @param <R> what a range reports
 */
public interface RangeJob<R extends RangeOutcome> {
  /** Indices per range; a constant of the job, never derived from the worker count. */
  int rangeSize();

  /** A worker's private state (its own deterministic system), created and used only on the calling thread. */
  RangeWorker<R> open(int worker);
}
