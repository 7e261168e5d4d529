package tdxsim.stress.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.MessageQueue;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.strategy.Delivery;

/**
 * The per-ActorSystem state of deterministic mode: the executor's queue of runnables, the parked world
 * mailboxes, the sender channel of whatever is running, and the virtual clock. Single-threaded by design: every
 * method runs on the driver thread, and anything else arriving from another thread is refused loudly.
 *
 * <p>Runnables are of two kinds. Housekeeping (non-mailbox runnables, mailboxes with system messages, mailboxes
 * of actors outside the world) runs in FIFO order as soon as the driver settles, with no decision. A world
 * mailbox holding only normal messages is parked instead: Pekko believes it scheduled, so it never submits it
 * again, and the heads of its lanes are the enabled deliveries. It leaves the parked set only to handle system
 * messages (which Pekko cannot announce for a scheduled mailbox, so the driver looks for them after every run).
 */
final class DetRuntime implements EnabledIndex {
  /** The open deterministic runtimes, by the id in their system's config. */
  static final SystemRegistry<DetRuntime> REGISTRY = new SystemRegistry<>("tdxsim.det.runtime-id", "det", r -> r.id);

  /** World actors sort after every system channel. */
  static final int WORLD_ORDER_BASE = 1 << 24;

  final String id;
  final Channel external = new Channel("external", 0);
  final Channel timer = new Channel("timer", 1);
  private final Thread driver;

  /** Sender of whatever message is enqueued now. */
  Channel current = external;
  /** Benchmark baseline: world mailboxes run FIFO like housekeeping, with no decision. */
  boolean direct;
  /** Normal messages delivered to world actors (decisions and direct-mode runs alike). */
  long worldDeliveries;
  /**
   * The first fault of the runtime's own kind in this schedule: a world actor that threw, or actor code on a
   * foreign thread (Pekko swallows exceptions thrown while sending, so the driver has to be told here).
   */
  volatile Violation fault;

  /**
   * Causal chains (as PCTCP, Ozkan et al. OOPSLA 2018, orders events in chains): the chain of the message being
   * delivered (0 outside a delivery), whether its handler has sent yet, and the last chain id minted this world.
   */
  private long deliveringChain;
  private boolean sentInDelivery;
  private long chains;

  private final ArrayDeque<Runnable> pending = new ArrayDeque<>(64);
  private DetMessageQueue[] parked = new DetMessageQueue[16];
  private int parkedCount;
  /**
   * A system message was sent to a deterministic mailbox since the parked ones were last found without any
   * (volatile: Pekko may send one from a thread of its own, as the scan's reads of the mailboxes were).
   */
  private volatile boolean systemMessages = true;
  private VirtualTimeScheduler scheduler;
  private int nextSystemOrder = 2;

  private String worldPath;
  /** The world's queues by creation index and by name (for {@link EnabledIndex}). */
  private final ArrayList<DetMessageQueue> worldQueues = new ArrayList<>();
  private final HashMap<String, DetMessageQueue> worldByName = new HashMap<>();
  private int worldActors;
  private int liveWorldQueues;
  private boolean closed;

  DetRuntime(String id, Thread driver) {
    this.id = id;
    this.driver = driver;
    assert id != null && driver != null : "a deterministic runtime without its id or driver";
  }

  void attach(VirtualTimeScheduler scheduler) {
    assert this.scheduler == null && scheduler != null : "runtime " + id + " attached to a second scheduler";
    this.scheduler = scheduler;
  }

  VirtualTimeScheduler scheduler() {
    assert scheduler != null : "runtime " + id + " without its virtual clock";
    return scheduler;
  }

  /** Refuses work from any thread but the driver; {@code what} and {@code detail} only build the message. */
  void checkDriverThread(String what, String detail) {
    if (Thread.currentThread() != driver && !closed) {
      if (fault == null) fault = RuntimeViolations.foreignThread(what + detail, Thread.currentThread().getName());
      throw new IllegalStateException(
          "deterministic runtime " + id + ": " + what + detail + " from thread " + Thread.currentThread().getName()
              + ", but only the driver thread " + driver.getName() + " may run actor code");
    }
  }

  void submit(Runnable r) {
    checkDriverThread("a task", "");
    pending.addLast(r);
    assert r != null : "a null task";
  }

  // ---- worlds -------------------------------------------------------------------------------------------

  /** Actors created under {@code path} from now on belong to the world and are named relative to it. */
  void beginWorld(String path) {
    assert worldPath == null && parkedCount == 0 : "world " + path + " begun inside " + worldPath;
    assert liveWorldQueues == 0 : liveWorldQueues + " world actors of the last world still live";
    worldPath = path;
    worldActors = 0;
    worldQueues.clear();
    worldByName.clear();
    worldDeliveries = 0;
    fault = null;
    chains = 0;
    external.sent = 0; // world channels are new per world; these two are numbered per world too
    timer.sent = 0;
  }

  void endWorld() {
    worldPath = null;
    while (parkedCount > 0) removeParkedAt(parkedCount - 1);
    assert parkedCount == 0 && worldPath == null : "world ended with " + parkedCount + " parked";
    scheduler.reset();
  }

  int liveWorldQueues() {
    assert liveWorldQueues >= 0 && liveWorldQueues <= worldActors : liveWorldQueues + " of " + worldActors;
    return liveWorldQueues;
  }

  void worldQueueClosed() {
    liveWorldQueues--;
    assert liveWorldQueues >= 0 : "more world queues closed than opened";
  }

  DetMessageQueue newQueue(ActorRef owner) {
    String path = owner == null ? "(no owner)" : owner.path().toStringWithoutAddress();
    String wp = worldPath;
    if (wp != null && path.startsWith(wp) && (path.length() == wp.length() || path.charAt(wp.length()) == '/')) {
      String name = path.length() == wp.length() ? "world" : path.substring(wp.length() + 1);
      int index = worldActors++;
      liveWorldQueues++;
      DetMessageQueue q = new DetMessageQueue(this, new Channel(name, WORLD_ORDER_BASE + index), true, index);
      worldQueues.add(q);
      worldByName.put(name, q);
      assert worldQueues.size() == worldActors && worldQueues.get(index) == q : "world queue " + name + " at " + index;
      return q;
    }
    return new DetMessageQueue(this, new Channel(path, nextSystemOrder++), false, -1);
  }

  @Override
  public int receiverId(String name) {
    DetMessageQueue q = worldByName.get(name);
    assert q == null || q.inWorld && worldQueues.get(q.worldIndex) == q : name + " indexed at " + q.worldIndex;
    return q == null ? -1 : q.worldIndex;
  }

  /** World actors, {@code external} and {@code timer}; -1 for the rare sender outside the world. */
  @Override
  public int senderId(String name) {
    DetMessageQueue q = worldByName.get(name);
    if (q != null) return q.self.order;
    if (name.equals(external.name)) return external.order;
    return name.equals(timer.name) ? timer.order : -1;
  }

  /** What {@link #collectEnabled} would list for this receiver and sender, if its head is that message. */
  @Override
  public Delivery enabled(int receiver, int sender, long senderSeq) {
    if (receiver < 0 || receiver >= worldQueues.size() || sender < 0) return null;
    DetMessageQueue q = worldQueues.get(receiver);
    assert q.worldIndex == receiver : "world queue " + receiver + " indexed at " + q.worldIndex;
    if (!q.parked || q.size == 0 || !q.mailbox.shouldProcessMessage()) return null;
    Lane l = q.laneOf(sender);
    return l != null && l.size > 0 && l.senderSeq() == senderSeq ? l : null;
  }

  /**
   * The chain of a message a world actor is sent now, shifted left once with the low bit set for a fork: the first
   * message a handler sends continues the chain of the message it handles (a reply, the next step of a flow);
   * every further one, and anything sent outside a delivery (the world's start, timers), starts a new chain.
   */
  long chainOfNextSend() {
    if (deliveringChain != 0 && !sentInDelivery) {
      sentInDelivery = true;
      return deliveringChain << 1;
    }
    sentInDelivery = true;
    assert chains < Long.MAX_VALUE >>> 2 : "chain ids exhausted";
    return (++chains << 1) | 1;
  }

  // ---- running ------------------------------------------------------------------------------------------

  /** Runs housekeeping until only parked world mailboxes (and timers) are left. */
  void settle() {
    assert !direct : "settle() in direct mode";
    for (; ; ) {
      Runnable r = pending.pollFirst();
      if (r != null) {
        runOrPark(r);
      } else if (!runParkedWithSystemMessages()) {
        return;
      }
    }
  }

  /** Runs the oldest pending task, parking nothing (direct mode); false if there was none. */
  boolean runOne() {
    Runnable r = pending.pollFirst();
    if (r == null) return false;
    assert direct : "runOne() outside direct mode";
    runOrPark(r);
    return true;
  }

  private void runOrPark(Runnable r) {
    assert r != null : "a null task";
    if (r instanceof Mailbox) {
      Mailbox m = (Mailbox) r;
      MessageQueue mq = m.messageQueue();
      if (mq instanceof DetMessageQueue) {
        DetMessageQueue q = (DetMessageQueue) mq;
        q.mailbox = m;
        if (q.inWorld && !direct && !m.hasSystemMessages()) {
          if (!m.isClosed()) park(q);
          return;
        }
        run(m, q.self);
        if (q.inWorld) noteFailure(q, "handling a system message (start, stop or watch)");
      } else {
        run(m, external);
      }
    } else {
      run(r, external);
    }
  }

  private void run(Runnable r, Channel sender) {
    assert r != null && sender != null : "a run without its task or sender channel";
    Channel saved = current;
    current = sender;
    try {
      r.run();
    } finally {
      current = saved;
    }
  }

  /**
   * A parked mailbox that received a system message (stop, watch, resume...) is still marked scheduled, so Pekko
   * does not submit it again: the driver runs it as housekeeping. (A parked mailbox that closes leaves the parked
   * set through {@link DetMessageQueue#cleanUp}.) The scan runs only after a system message was sent
   * ({@link #systemMessageSent}), not after every delivery: it grows with the number of actors.
   */
  private boolean runParkedWithSystemMessages() {
    if (!systemMessages) return false;
    systemMessages = false; // before the scan, so that a message sent during it is not forgotten
    DetMessageQueue[] ps = parked;
    for (int i = 0, n = parkedCount; i < n; i++) {
      Mailbox m = ps[i].mailbox;
      if (m.hasSystemMessages()) {
        DetMessageQueue q = ps[i];
        removeParkedAt(i);
        systemMessages = true; // others may have some too: the next call scans again
        run(m, q.self);
        noteFailure(q, "handling a system message (start, stop or watch)");
        return true;
      }
    }
    return false;
  }

  /** {@link DetDispatcherConfigurator}: a system message went to a deterministic mailbox. */
  void systemMessageSent() {
    systemMessages = true;
  }

  /** Fills {@code out} with the enabled deliveries, in canonical order (receiver creation, then sender). */
  void collectEnabled(ArrayList<Delivery> out) {
    assert pending.isEmpty() : "the enabled set collected before the runtime settled";
    out.clear();
    DetMessageQueue[] ps = parked;
    for (int i = 0, n = parkedCount; i < n; i++) {
      DetMessageQueue q = ps[i];
      if (q.size == 0 || !q.mailbox.shouldProcessMessage()) continue; // empty, or suspended until a system message
      Lane[] lanes = q.lanes;
      for (int j = 0, m = q.laneCount; j < m; j++) {
        if (lanes[j].size > 0) out.add(lanes[j]);
      }
    }
  }

  /**
   * Makes the receiver handle exactly the head of {@code lane}: what {@code Mailbox.run} does for one message
   * (invoke, then the system messages that invocation caused), without giving the mailbox back to Pekko. It
   * stays parked and marked scheduled, so later sends to it only enqueue: no status flips, no resubmission.
   */
  void deliver(Lane lane) {
    // delivery from the enabled set only: a non-empty lane of a parked world mailbox, never after the stop
    assert lane.size > 0 && lane.queue.parked && lane.queue.inWorld && !closed && !direct : "delivery of " + lane;
    assert Thread.currentThread() == driver : "a delivery off the driver thread";
    DetMessageQueue q = lane.queue;
    Mailbox m = q.mailbox;
    deliveringChain = lane.headChain() >>> 1;
    sentInDelivery = false;
    Envelope e = q.take(lane);
    Channel saved = current;
    current = q.self;
    try {
      m.actor().invoke(e);
      m.processAllSystemMessages();
    } finally {
      current = saved;
      deliveringChain = 0;
    }
    assert q.delivered > 0 && current == saved : "delivery of " + lane + " left the sender channel at " + current;
    if (fault == null && failed(m)) {
      fault =
          RuntimeViolations.actorFailure(
              q.self.name, "handling " + e.message().getClass().getSimpleName() + " from " + lane.sender.name);
    }
  }

  private void noteFailure(DetMessageQueue q, String during) {
    assert q.inWorld && q.mailbox != null : q.self.name + ": failure noted outside the world";
    if (fault == null && failed(q.mailbox)) fault = RuntimeViolations.actorFailure(q.self.name, during);
  }

  /**
   * An actor whose behaviour threw suspends its own mailbox and waits for its parent's verdict; the only other
   * way a mailbox is suspended after its own run is a stop that waits for children, which marks the cell as
   * terminating. (Pekko keeps the exception for the parent; the typed parent logs it.)
   */
  private static boolean failed(Mailbox m) {
    return m.isSuspended() && !m.isClosed() && m.actor() != null && !m.actor().isTerminating();
  }

  /** Advances virtual time to {@code time}, firing the due timers as the {@code timer} channel. */
  void advanceTo(long time) {
    assert time >= scheduler.now() : "virtual time back from " + scheduler.now() + " to " + time;
    Channel saved = current;
    current = timer;
    try {
      scheduler.advanceTo(time);
    } finally {
      current = saved;
    }
  }

  private void park(DetMessageQueue q) {
    assert !q.parked && q.inWorld : "park of " + q.self.name + " (parked " + q.parked + ")";
    if (parkedCount == parked.length) parked = java.util.Arrays.copyOf(parked, parkedCount * 2);
    int at = parkedCount;
    while (at > 0 && parked[at - 1].worldIndex > q.worldIndex) {
      parked[at] = parked[at - 1];
      at--;
    }
    parked[at] = q;
    parkedCount++;
    q.parked = true;
    // the parked set stays sorted by creation index (canonical enabled order)
    assert at == 0 || parked[at - 1].worldIndex < q.worldIndex : "parked out of order: " + q.self.name;
  }

  void unpark(DetMessageQueue q) {
    assert q.parked : "unpark of " + q.self.name + ", which is not parked";
    for (int i = parkedCount - 1; i >= 0; i--) {
      if (parked[i] == q) {
        removeParkedAt(i);
        return;
      }
    }
  }

  private void removeParkedAt(int i) {
    assert i >= 0 && i < parkedCount && parked[i].parked : "remove parked " + i + " of " + parkedCount;
    parked[i].parked = false;
    System.arraycopy(parked, i + 1, parked, i, parkedCount - i - 1);
    parked[--parkedCount] = null;
  }

  void markClosed() {
    assert !closed : "runtime " + id + " closed twice";
    closed = true;
  }
}
