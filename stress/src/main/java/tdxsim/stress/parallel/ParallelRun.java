package tdxsim.stress.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.dispatch.Mailbox;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.record.ReceiveOrder;
import tdxsim.stress.record.ReceiveOrders;
import tdxsim.stress.runtime.World;

/**
 * One world running on a {@link ParallelSystem}. The driver (one thread) may {@link #pause} it at a consistent
 * cut (every actor between two messages; the world's state and receive logs are then safe to read), look at it,
 * {@link #resume} it, and finally {@link #finish} it: freeze at a cut, take the receive orders, stop the actors.
 */
public final class ParallelRun {
  private final ParallelSystem owner;
  private final ParRuntime runtime;
  private final World world;
  private final ActorRef<?> root;
  private final long startNanos;
  private boolean paused;
  private volatile boolean over;

  ParallelRun(ParallelSystem owner, ParRuntime runtime, World world, ActorRef<?> root, long startNanos) {
    this.owner = owner;
    this.runtime = runtime;
    this.world = world;
    this.root = root;
    this.startNanos = startNanos;
    assert owner != null : "a run without its world";
    assert runtime != null : "a run without its world";
    assert world != null : "a run without its world";
    assert root != null : "a run without its world";
  }

  public World world() {
    assert world != null : "a run without its world";
    return world;
  }

  public long startNanos() {
    assert world != null : "a run without its world";
    assert root != null : "a run without its world";
    return startNanos;
  }

  public boolean isOver() {
    return over;
  }

  /** Stops every actor between two messages; returns once none runs. Idempotent. */
  public void pause() {
    if (over) throw new IllegalStateException("the run is over");
    if (paused) return;
    runtime.pause();
    assert runtime.paused : "pause() left the runtime running";
    paused = true;
  }

  public void resume() {
    if (over) throw new IllegalStateException("the run is over");
    if (!paused) return;
    paused = false;
    runtime.resume();
    assert !paused : "resume() left the runtime paused";
    assert !runtime.paused : "resume() left the runtime paused";
  }

  /**
   * While paused: no world actor has a message (normal or system) waiting, so none will ever run again (the
   * model uses no timers and nothing outside the world sends to it), and no world actor's failure is still on its
   * way to the fault listener.
   */
  public boolean quiescent() {
    requirePaused();
    if (runtime.faultEventsPending()) return false;
    for (ParMessageQueue q : runtime.worldQueues()) {
      if (q.pending()) return false;
      Mailbox m = q.mailboxOrNull();
      if (m != null && m.hasSystemMessages()) return false;
    }
    return true;
  }

  /** Runs so far if every pool thread is out of work now, else -1 (a racy hint: a quiescent world leaves them so). */
  long idleRuns() {
    return runtime.idleRuns();
  }

  /** Messages delivered to world actors so far (exact while paused, approximate while running). */
  public long deliveries() {
    assert !over || runtime.frozen : "a run over whose world still takes messages";
    long n = 0;
    for (ParMessageQueue q : runtime.worldQueues()) n += q.delivered;
    return n;
  }

  /** Messages delivered per world actor, in creation order (exact while paused). */
  public List<ActorLoad> loads() {
    List<ParMessageQueue> qs = runtime.worldQueues();
    List<ActorLoad> out = new ArrayList<>(qs.size());
    for (ParMessageQueue q : qs) out.add(new ActorLoad(q.name, q.delivered, q.sent));
    assert out.size() == qs.size() : out.size() + " loads of " + qs.size() + " actors";
    return out;
  }

  /** Messages an actor received and sent. */
  public record ActorLoad(String actor, long received, long sent) {}

  /** A world actor that threw (a model bug), if any. */
  public Violation fault() {
    assert runtime.fault == null || runtime.fault.invariant() != null : "a fault without its invariant";
    return runtime.fault;
  }

  /** Whether this run records receive orders. */
  public boolean recording() {
    return runtime.recording;
  }

  /**
   * Ends the run: pauses it (if not paused), takes every world actor's receive order (null unless recording),
   * then stops the world's actors and waits for them to be gone. The world's state is not touched by the stop:
   * from the cut on, no normal message is handled.
   */
  public ReceiveOrders finish() {
    pause();
    ReceiveOrders orders = runtime.recording ? orders() : null;
    assert paused : "the receive orders taken without a consistent cut";
    assert runtime.paused : "the receive orders taken without a consistent cut";
    teardown();
    return orders;
  }

  /** Stops the world without taking anything (the system is closing). */
  void abandon() {
    assert !over : "abandon() of a run that is over";
    if (!paused) runtime.pause();
    paused = true;
    teardown();
  }

  private void teardown() {
    runtime.frozen = true;
    paused = false;
    runtime.resume();
    over = true;
    Adapter.toClassic(owner.system()).stop(Adapter.toClassic(root));
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (runtime.liveWorldQueues() > 0 && System.nanoTime() < deadline) LockSupport.parkNanos(200_000);
    runtime.endWorld();
    assert over : "a torn-down world still takes messages";
    assert runtime.frozen : "a torn-down world still takes messages";
  }

  private ReceiveOrders orders() {
    assert paused : "receive orders taken without a cut or without recording";
    assert runtime.recording : "receive orders taken without a cut or without recording";
    List<ParMessageQueue> qs = runtime.worldQueues();
    List<String> senders = new ArrayList<>(qs.size() + ParRuntime.FIRST_WORLD);
    senders.add("external");
    senders.add("timer");
    senders.add("(outside the world)");
    for (ParMessageQueue q : qs) senders.add(q.name);
    List<ReceiveOrder> actors = new ArrayList<>();
    for (ParMessageQueue q : qs) {
      if (q.logSize() == 0) continue;
      long[][] a = q.logArrays();
      actors.add(new ReceiveOrder(q.name, a[0], a[1]));
    }
    assert senders.size() == qs.size() + ParRuntime.FIRST_WORLD : "orders of " + qs.size();
    assert actors.size() <= qs.size() : "orders of " + qs.size();
    return new ReceiveOrders(senders, actors);
  }

  private void requirePaused() {
    assert !paused || runtime.paused : "the run paused but not its runtime";
    if (!paused) throw new IllegalStateException("pause the run first");
  }
}
