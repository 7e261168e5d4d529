package tdxsim.stress.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tdxsim.stress.workers.RangeBook;
import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.SearchProgress;
import tdxsim.stress.workers.SearchResult;

/**
 * One search as the coordinator runs it, and how it ends: what to run, whom to wait for, when to stop, where
 * progress and events go, and the future the command waits on.
 *
 * @param job the job
 * @param total indices 0..total-1
 * @param expectWorkers worker nodes to wait for before the first range is handed out
 * @param timeLimitNanos from the first range on
 * @param stop asked every second (Ctrl-C)
 * @param progress told every second
 * @param events told, in one line each, of nodes that join or leave
 * @param result completed when the run is over
 */
record ClusterRun<R extends RangeOutcome>(
    ClusterJob<R> job, long total, int expectWorkers, long timeLimitNanos, BooleanSupplier stop,
    Consumer<SearchProgress> progress, Consumer<String> events, CompletableFuture<ClusterResult<R>> result) {

  void finish(RangeBook<R> book, boolean timedOut, long elapsed, int slots, int nodes, int nodesLeft,
      Overhead overhead) {
    result.complete(new ClusterResult<>(
        new SearchResult<>(book.kept(), timedOut, elapsed, slots, book.reassigned()), nodes, nodesLeft,
        overhead.handlingMicros(), overhead.roundTripMicros()));
  }

  void fail(String reason) {
    result.completeExceptionally(new ClusterFailure(reason));
  }
}
