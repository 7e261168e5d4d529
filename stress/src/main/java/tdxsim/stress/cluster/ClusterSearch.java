package tdxsim.stress.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import tdxsim.stress.cluster.ClusterMessage.ToCoordinator;
import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.SearchProgress;

/**
 * A search on a cluster, from the coordinator's side: this process becomes the cluster's first node, bound to
 * {@code bind}, and its {@link Coordinator} runs the search on the worker nodes that join
 * ({@code ./tdxsim worker --join}). Blocks until the search is over; the result is the local search's
 * ({@link tdxsim.stress.workers.IndexedSearch}) for the same job, whatever the nodes and their workers.
 */
public final class ClusterSearch {
  private static final Duration SHUTDOWN = Duration.ofSeconds(10);

  private ClusterSearch() {}

  /** The options of a search: where to bind, whom to expect, the secret, when to stop, where to report. */
  public record Settings(HostPort bind, int expectWorkers, ClusterSecret secret, Duration timeLimit,
      BooleanSupplier stop, Consumer<SearchProgress> progress, Consumer<String> events) {}

  /**
   * @throws IllegalArgumentException in one line if the node cannot start (the address cannot be bound)
   * @throws ClusterFailure in one line if a worker broke
   */
  public static <R extends RangeOutcome> ClusterResult<R> run(ClusterJob<R> job, long total, Settings s) {
    Set<String> told = new HashSet<>();
    NodeIdentity id = NodeIdentity.install(s.secret(), why -> {
      synchronized (told) {
        if (told.add(why)) s.events().accept("refused a node's join: " + why);
      }
    });
    Config config = NodeConfig.of(s.bind(), s.bind(), id);
    CompletableFuture<ClusterResult<R>> result = new CompletableFuture<>();
    ClusterRun<R> run = new ClusterRun<>(job, total, s.expectWorkers(), nanos(s.timeLimit()), s.stop(),
        s.progress(), s.events(), result);
    ActorSystem<ToCoordinator> system;
    try {
      system = ActorSystem.create(Coordinator.create(run), NodeConfig.SYSTEM, config);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot start the coordinator on " + s.bind() + ": " + rootMessage(e), e);
    }
    s.events().accept("coordinator at " + s.bind() + ", model " + id.modelVersion() + ": waiting for "
        + s.expectWorkers() + " worker node" + (s.expectWorkers() == 1 ? "" : "s")
        + " (./tdxsim worker --join " + s.bind() + ")");
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof ClusterFailure f) throw f;
      throw e;
    } finally {
      system.terminate();
      awaitTermination(system);
    }
  }

  static void awaitTermination(ActorSystem<?> system) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // the node is going away either way; a slow shutdown is no result of the search
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
