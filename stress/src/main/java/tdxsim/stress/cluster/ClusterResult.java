package tdxsim.stress.cluster;

import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.SearchResult;

/**
 * A cluster search's result: the same {@link SearchResult} a local search gives (its ranges, so the same verdict,
 * trace and hash), how many worker nodes took part (at most at once), and how many left holding ranges that were
 * then handed to others ({@link SearchResult#reassigned()} counts those ranges), and the coordinator's overhead per
 * range: its own time handling a range's outcome (decoding it, the book, the next assignment), and the round trip
 * beyond the worker's run time (assignment to outcome, network and queues included).
 */
public record ClusterResult<R extends RangeOutcome>(
    SearchResult<R> search, int nodes, int nodesLeft, double handlingMicrosPerRange, double roundTripMicrosPerRange) {}
