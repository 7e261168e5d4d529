package tdxsim.stress.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import tdxsim.stress.cluster.ClusterMessage.ToWorker;

/**
 * A worker node, from its command's side: joins the coordinator at {@code join}, bound to {@code bind}, runs what
 * it is given on {@code slots} deterministic systems, and returns when the run is over, the join was refused, or
 * the coordinator left or stopped answering. Serving several runs, it joins afresh for each (a new actor system:
 * the next coordinator at the same address is a new cluster) and waits for it as long as it takes.
 */
public final class ClusterWorker {
  private ClusterWorker() {}

  /**
   * Serves {@code runs} runs one after the other (0: until the process is stopped), each told to {@code each} as it
   * ends. A coordinator that had ended its run before this node registered is no run: the node joins again.
   *
   * @return the outcome that ended the serving: the last run's, or the first one not {@code FINISHED}
   * @throws IllegalArgumentException in one line if the node cannot start (the address cannot be bound)
   */
  public static WorkerOutcome serve(HostPort join, HostPort bind, int slots, ClusterSecret secret, int runs,
      Consumer<WorkerOutcome> each) {
    WorkerOutcome last = null;
    for (int served = 0; runs == 0 || served < runs; ) {
      WorkerOutcome o = run(join, bind, slots, secret, runs != 1);
      if (o.kind() == WorkerOutcome.Kind.MISSED && runs != 1) continue;
      each.accept(o);
      served++;
      last = o;
      if (o.kind() != WorkerOutcome.Kind.FINISHED) break;
    }
    return last;
  }

  /** One run; {@code waitLong}: wait for a coordinator at {@code join} for as long as it takes. */
  static WorkerOutcome run(HostPort join, HostPort bind, int slots, ClusterSecret secret, boolean waitLong) {
    NodeIdentity id = NodeIdentity.install(secret, why -> {});
    CompletableFuture<WorkerOutcome> outcome = new CompletableFuture<>();
    Config config = NodeConfig.of(bind, join, id);
    if (waitLong) {
      config = config.withValue("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes",
          ConfigValueFactory.fromAnyRef("off"));
    }
    ActorSystem<ToWorker> system;
    try {
      system = ActorSystem.create(WorkerNode.create(join, slots, outcome), NodeConfig.SYSTEM, config);
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
