package tdxsim.stress.cluster;

import tdxsim.stress.workers.RangeJob;
import tdxsim.stress.workers.RangeOutcome;

/**
 * A search the cluster runs: a {@link RangeJob} that a worker node can rebuild from a text ({@link #spec()}) and
 * whose range outcomes travel as text. {@link ClusterJobs} finds a job by {@link #kind()} on a worker: explore
 * ({@link ExploreClusterJob}: schedule indices) and hunt ({@link HuntClusterJob}: world indices).
 *
 * @param <R> what a range reports
 */
public interface ClusterJob<R extends RangeOutcome> {
  /** The job's name in {@link ClusterMessage.Start} ({@code explore}, {@code hunt}). */
  String kind();

  /** Everything a worker needs to run the same ranges (scenario text, options, seed, ...), as text. */
  String spec();

  /** The ranges themselves (a worker runs them; the coordinator only needs the range size). */
  RangeJob<R> job();

  String encode(R outcome);

  /** Work units (deliveries) in a range's outcome, for the progress line. */
  long work(R outcome);

  R decode(String outcome);
}
