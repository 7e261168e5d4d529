package tdxsim.stress.cluster;

import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.SearchResult;

/**
 * A cluster search's result: the same {@link SearchResult} a local search gives (its ranges, so the same verdict,
 * trace and hash), how many worker nodes took part (at most at once), and how many left holding ranges that were
 * then handed to others ({@link SearchResult#reassigned()} counts those ranges).
 */
public record ClusterResult<R extends RangeOutcome>(SearchResult<R> search, int nodes, int nodesLeft) {}
