package tdxsim.stress.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import tdxsim.stress.cluster.ClusterMessage.Assign;
import tdxsim.stress.cluster.ClusterMessage.Done;
import tdxsim.stress.cluster.ClusterMessage.Failed;
import tdxsim.stress.cluster.ClusterMessage.Gone;
import tdxsim.stress.cluster.ClusterMessage.Register;
import tdxsim.stress.cluster.ClusterMessage.Tick;
import tdxsim.stress.cluster.ClusterMessage.ToCoordinator;
import tdxsim.stress.cluster.ClusterMessage.ToWorker;
import tdxsim.stress.cluster.ClusterMessage.Unreachable;
import tdxsim.stress.cluster.ClusterMessage.Want;
import tdxsim.stress.workers.RangeBook;
import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.SearchProgress;

/**
 * The coordinator of a cluster search: the guardian of the coordinator node. It waits for the expected worker
 * nodes, then hands out ranges (lowest first, a lost one before any fresh one: {@link RangeBook}), keeps what comes
 * back (a range that comes back twice counts once), tells every node the lowest violating index it knows, downs a
 * node the failure detector finds unreachable and hands its ranges to the others, and ends when every wanted
 * range is back (or, past the time limit or after Ctrl-C, when every range out has come back cut short). Only
 * members of the cluster (admitted by {@link JoinCheck}) may register.
 */
final class Coordinator<R extends RangeOutcome> extends AbstractBehavior<ToCoordinator> {
  private final ClusterRun<R> run;
  private final RangeBook<R> book;
  private final Cluster cluster;
  private final Map<ActorRef<ToWorker>, Node> nodes = new LinkedHashMap<>();
  private final ArrayDeque<Want> idle = new ArrayDeque<>();
  private long start;
  private long indices;
  private long work;
  private long lowest = Long.MAX_VALUE;
  private int slotsMax;
  private int nodesMax;
  private int nodesLeft;
  private boolean stopping;
  /** When each range out was handed out, for the overhead figures (the clock decides nothing). */
  private final Map<Long, Long> assignedAt = new java.util.HashMap<>();
  private final Overhead overhead = new Overhead();

  /** A registered worker node: its slots and the ranges it holds. */
  private static final class Node {
    final String name;
    final int slots;
    final TreeSet<Long> out = new TreeSet<>();

    Node(String name, int slots) {
      this.name = name;
      this.slots = slots;
    }
  }

  static <R extends RangeOutcome> Behavior<ToCoordinator> create(ClusterRun<R> run) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerAtFixedRate(new Tick(), Duration.ofSeconds(1));
      return new Coordinator<>(ctx, run);
    }));
  }

  private Coordinator(ActorContext<ToCoordinator> ctx, ClusterRun<R> run) {
    super(ctx);
    this.run = run;
    this.book = new RangeBook<>(run.total(), run.job().job().rangeSize());
    this.cluster = Cluster.get(ctx.getSystem());
    ActorRef<ClusterEvent.UnreachableMember> unreachable =
        ctx.messageAdapter(ClusterEvent.UnreachableMember.class, u -> new Unreachable(u.member().address()));
    cluster.subscriptions().tell(Subscribe.create(unreachable, ClusterEvent.UnreachableMember.class));
  }

  @Override
  public Receive<ToCoordinator> createReceive() {
    return newReceiveBuilder()
        .onMessage(Register.class, this::register)
        .onMessage(Want.class, this::want)
        .onMessage(Done.class, this::done)
        .onMessage(Failed.class, f -> fail("a worker of " + name(f.worker()) + " failed: " + f.reason()))
        .onMessage(Gone.class, this::gone)
        .onMessage(Unreachable.class, u -> {
          cluster.manager().tell(new Down(u.node()));
          return this;
        })
        .onMessage(Tick.class, t -> tick())
        .build();
  }

  private Behavior<ToCoordinator> register(Register r) {
    if (nodes.containsKey(r.worker()) || !isMember(r.worker())) return this;
    nodes.put(r.worker(), new Node(r.node(), r.slots()));
    getContext().watchWith(r.worker(), new Gone(r.worker()));
    r.worker().tell(new ClusterMessage.Start(run.job().kind(), run.job().spec(), getContext().getSelf()));
    slotsMax = Math.max(slotsMax, slots());
    nodesMax = Math.max(nodesMax, nodes.size());
    run.events().accept("node " + r.node() + " joined with " + r.slots() + " worker" + (r.slots() == 1 ? "" : "s")
        + " (" + nodes.size() + " of " + run.expectWorkers() + " nodes)");
    if (start == 0 && nodes.size() >= run.expectWorkers()) start = System.nanoTime();
    if (lowest != Long.MAX_VALUE) r.worker().tell(new ClusterMessage.Lowest(lowest));
    return dispatch();
  }

  /** Admitted: an Up member of this cluster (a node that merely reached the port is not one). */
  private boolean isMember(ActorRef<?> ref) {
    for (var m : cluster.state().getMembers()) {
      if (m.address().equals(ref.path().address()) && m.status() == MemberStatus.up()) return true;
    }
    return false;
  }

  private Behavior<ToCoordinator> want(Want w) {
    if (nodes.containsKey(w.worker())) idle.add(w);
    return dispatch();
  }

  private Behavior<ToCoordinator> done(Done d) {
    long t0 = System.nanoTime();
    Node node = nodes.get(d.worker());
    if (node == null) return this; // a node already given up for lost: its range went to another
    node.out.remove(d.range());
    Long sent = assignedAt.remove(d.range());
    R outcome = run.job().decode(Packed.unpack(d.outcome()));
    if (book.complete(d.range(), outcome)) {
      indices += outcome.ran();
      work += run.job().work(outcome);
      if (outcome.violated() && outcome.violationIndex() < lowest) {
        lowest = outcome.violationIndex();
        nodes.keySet().forEach(n -> n.tell(new ClusterMessage.Lowest(lowest)));
      }
    }
    idle.add(new Want(d.worker(), d.slot()));
    Behavior<ToCoordinator> next = dispatch();
    long t1 = System.nanoTime();
    if (sent != null) overhead.add(t1 - t0, t0 - sent - d.runNanos());
    return next;
  }

  private Behavior<ToCoordinator> gone(Gone g) {
    Node node = nodes.remove(g.worker());
    if (node == null) return this;
    idle.removeIf(w -> w.worker().equals(g.worker()));
    for (long r : node.out) book.lose(r);
    if (!node.out.isEmpty()) {
      nodesLeft++;
      run.events().accept("node " + node.name + " left holding " + node.out.size() + " range"
          + (node.out.size() == 1 ? "" : "s") + " " + node.out + ": handed to the other nodes");
    }
    return dispatch();
  }

  private Behavior<ToCoordinator> tick() {
    if (start == 0) {
      if (!run.stop().getAsBoolean()) return this;
      stopping = true; // Ctrl-C before the nodes came: nothing ran
      return end();
    }
    long now = System.nanoTime();
    if (!stopping && (now - start >= run.timeLimitNanos() || run.stop().getAsBoolean())) {
      stopping = true;
      nodes.keySet().forEach(n -> n.tell(new ClusterMessage.Stop()));
    }
    run.progress().accept(progress(now));
    return stopping ? dispatch() : this;
  }

  private SearchProgress progress(long now) {
    return new SearchProgress(indices, book.total(), work, book.rangesDone(), slots(), nodes.size(), now - start);
  }

  private int slots() {
    int n = 0;
    for (Node node : nodes.values()) n += node.slots;
    return n;
  }

  /** Hands free slots a range each while any is wanted; ends the run when nothing more will come back. */
  private Behavior<ToCoordinator> dispatch() {
    if (start == 0) return this;
    while (!stopping && !idle.isEmpty()) {
      long r = book.next();
      if (r < 0) break;
      Want w = idle.poll();
      nodes.get(w.worker()).out.add(r);
      assignedAt.put(r, System.nanoTime());
      w.worker().tell(new Assign(w.slot(), r, book.from(r), book.to(r)));
    }
    boolean over = book.finished() || (stopping && book.outstanding() == 0);
    return over ? end() : this;
  }

  private Behavior<ToCoordinator> end() {
    long elapsed = start == 0 ? 0 : System.nanoTime() - start;
    if (start != 0) run.progress().accept(progress(System.nanoTime()));
    nodes.keySet().forEach(n -> n.tell(new ClusterMessage.Finish("done")));
    run.finish(book, !book.finished(), elapsed, slotsMax, nodesMax, nodesLeft, overhead);
    return Behaviors.stopped();
  }

  private Behavior<ToCoordinator> fail(String reason) {
    nodes.keySet().forEach(n -> n.tell(new ClusterMessage.Finish("failed")));
    run.fail(reason);
    return Behaviors.stopped();
  }

  private String name(ActorRef<ToWorker> worker) {
    Node n = nodes.get(worker);
    return n == null ? worker.path().address().toString() : n.name;
  }
}
