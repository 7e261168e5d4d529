package tdxsim.stress.cluster;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import tdxsim.stress.cluster.ClusterMessage.Assign;
import tdxsim.stress.cluster.ClusterMessage.CoordinatorGone;
import tdxsim.stress.cluster.ClusterMessage.Finish;
import tdxsim.stress.cluster.ClusterMessage.Lowest;
import tdxsim.stress.cluster.ClusterMessage.Start;
import tdxsim.stress.cluster.ClusterMessage.Stop;
import tdxsim.stress.cluster.ClusterMessage.ToCoordinator;
import tdxsim.stress.cluster.ClusterMessage.ToWorker;

/**
 * A worker node's guardian: once the node is admitted (a member, {@link SelfUp}) it registers its slots with the
 * coordinator (the guardian of the seed node), and on {@link Start} runs the job's ranges on them
 * ({@link WorkerSlots}: one thread and one deterministic system per slot). It routes each {@link Assign} to its
 * slot and keeps the slots told of the lowest violation and of a stop; {@link Finish}, the coordinator leaving, or
 * the coordinator unreachable (SIGKILLed: no one downs it) ends the node's part in the run.
 */
final class WorkerNode extends AbstractBehavior<ToWorker> {
  private final HostPort coordinatorAt;
  private final int slots;
  private final CompletableFuture<WorkerOutcome> outcome;
  private ActorRef<ToCoordinator> coordinator;
  private WorkerSlots running;

  static Behavior<ToWorker> create(HostPort coordinatorAt, int slots, CompletableFuture<WorkerOutcome> outcome) {
    return Behaviors.setup(ctx -> new WorkerNode(ctx, coordinatorAt, slots, outcome));
  }

  private WorkerNode(ActorContext<ToWorker> ctx, HostPort coordinatorAt, int slots,
      CompletableFuture<WorkerOutcome> outcome) {
    super(ctx);
    this.coordinatorAt = coordinatorAt;
    this.slots = slots;
    this.outcome = outcome;
    ActorRef<SelfUp> up = ctx.messageAdapter(SelfUp.class, u -> new ClusterMessage.SelfUp());
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(up, SelfUp.class));
    ActorRef<ClusterEvent.UnreachableMember> unreachable = ctx.messageAdapter(ClusterEvent.UnreachableMember.class,
        u -> new ClusterMessage.Unreachable(u.member().address()));
    Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(unreachable,
        ClusterEvent.UnreachableMember.class));
  }

  @Override
  public Receive<ToWorker> createReceive() {
    return newReceiveBuilder()
        .onMessage(ClusterMessage.SelfUp.class, u -> register())
        .onMessage(Start.class, this::start)
        .onMessage(Assign.class, a -> {
          running.assign(a);
          return this;
        })
        .onMessage(Lowest.class, l -> {
          if (running != null) running.lowest(l.index());
          return this;
        })
        .onMessage(Stop.class, s -> {
          if (running != null) running.stop();
          return this;
        })
        .onMessage(Finish.class, f -> end(WorkerOutcome.Kind.FINISHED, "the coordinator ended the run (" + f.why()
            + ")"))
        .onMessage(CoordinatorGone.class, g -> running == null
            ? end(WorkerOutcome.Kind.MISSED, "the coordinator at " + coordinatorAt + " had ended its run before this "
                + "node took part")
            : end(WorkerOutcome.Kind.COORDINATOR_LOST, "the coordinator at " + coordinatorAt + " left before the run "
                + "was over"))
        .onMessage(ClusterMessage.Unreachable.class, this::unreachable)
        .build();
  }

  private Behavior<ToWorker> register() {
    String path = coordinatorAt.address(NodeConfig.SYSTEM) + "/user";
    coordinator = ActorRefResolver.get(getContext().getSystem()).resolveActorRef(path);
    getContext().watchWith(coordinator, new CoordinatorGone());
    String self = Cluster.get(getContext().getSystem()).selfMember().address().hostPort();
    coordinator.tell(new ClusterMessage.Register(getContext().getSelf(), self, slots));
    return this;
  }

  /**
   * The coordinator stopped answering (killed, its machine gone: no heartbeat for the failure detector's pause):
   * nobody downs it, so the watch would never fire; the node gives the run up instead of waiting forever.
   */
  private Behavior<ToWorker> unreachable(ClusterMessage.Unreachable u) {
    if (!u.node().equals(AddressFromURIString.parse(coordinatorAt.address(NodeConfig.SYSTEM)))) return this;
    return end(WorkerOutcome.Kind.COORDINATOR_LOST, "the coordinator at " + coordinatorAt + " stopped answering "
        + (running == null ? "before the run started" : "mid-run") + " (killed, or its machine or network gone)");
  }

  private Behavior<ToWorker> start(Start s) {
    if (running != null) return this;
    running = WorkerSlots.start(ClusterJobs.forWorker(s.kind(), s.spec()), slots, coordinator,
        getContext().getSelf());
    return this;
  }

  private Behavior<ToWorker> end(WorkerOutcome.Kind kind, String why) {
    WorkerSlots.Counts c = running == null ? new WorkerSlots.Counts(0, 0) : running.finish();
    outcome.complete(new WorkerOutcome(kind, why, c.ranges(), c.indices()));
    return Behaviors.stopped();
  }
}
