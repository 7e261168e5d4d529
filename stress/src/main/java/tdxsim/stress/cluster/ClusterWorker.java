package tdxsim.stress.cluster;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import tdxsim.stress.cluster.ClusterMessage.ToWorker;

/**
 * A worker node, from its command's side: joins the coordinator at {@code join}, bound to {@code bind}, runs what
 * it is given on {@code slots} deterministic systems, and returns when the run is over, the join was refused, or
 * the coordinator left.
 */
public final class ClusterWorker {
  private ClusterWorker() {}

  /** @throws IllegalArgumentException in one line if the node cannot start (the address cannot be bound) */
  public static WorkerOutcome run(HostPort join, HostPort bind, int slots, ClusterSecret secret) {
    NodeIdentity id = NodeIdentity.install(secret, why -> {});
    CompletableFuture<WorkerOutcome> outcome = new CompletableFuture<>();
    ActorSystem<ToWorker> system;
    try {
      system = ActorSystem.create(WorkerNode.create(join, slots, outcome), NodeConfig.SYSTEM,
          NodeConfig.of(bind, join, id));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot start a worker node on " + bind + ": "
          + ClusterSearch.rootMessage(e), e);
    }
    system.getWhenTerminated().thenRun(() -> outcome.complete(ended(system, join, id)));
    try {
      return outcome.join();
    } finally {
      system.terminate();
      ClusterSearch.awaitTermination(system);
    }
  }

  /** Why the node's actor system ended before the run did. */
  private static WorkerOutcome ended(ActorSystem<?> system, HostPort join, NodeIdentity id) {
    Optional<CoordinatedShutdown.Reason> reason = CoordinatedShutdown.get(system).getShutdownReason();
    CoordinatedShutdown.Reason r = reason.orElse(null);
    if (r == CoordinatedShutdown.incompatibleConfigurationDetectedReason()) {
      return new WorkerOutcome(WorkerOutcome.Kind.REFUSED, "the cluster at " + join + " refused this node at join: "
          + "its shared secret differs, or it runs another model version (this node: " + id.modelVersion() + ")",
          0, 0);
    }
    if (r == CoordinatedShutdown.clusterJoinUnsuccessfulReason()) {
      return new WorkerOutcome(WorkerOutcome.Kind.UNREACHABLE, "no coordinator answered at " + join, 0, 0);
    }
    return new WorkerOutcome(WorkerOutcome.Kind.COORDINATOR_LOST, "the node was shut down (" + r + ")", 0, 0);
  }
}
