package tdxsim.stress.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Mailbox;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.runtime.RuntimeViolations;
import tdxsim.stress.runtime.SystemRegistry;

/**
 * The per-ActorSystem state of the parallel runtime: its pool and threads, the world's actors (their queues, in
 * creation order, which numbers them as senders), and the barrier that pauses every actor between two messages.
 *
 * <p>Nothing here is on the per-message path except {@link #frozen} (one volatile read per dequeue) and, while
 * recording, the external/timer sequence counters for sends from outside the pool.
 */
final class ParRuntime {
  /** The open parallel runtimes, by the id in their system's config. */
  static final SystemRegistry<ParRuntime> REGISTRY = new SystemRegistry<>("tdxsim.par.runtime-id", "par", r -> r.id);

  /** Sender codes below the first world actor. */
  static final int EXTERNAL = 0;

  static final int TIMER = 1;
  static final int OUTSIDE = 2;
  static final int FIRST_WORLD = 3;
  /** Bits of a packed receive-log entry that hold the sender's sequence number; the sender index is above. */
  static final int SEQ_BITS = 40;

  static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
  static final int MAX_SENDERS = 1 << (63 - SEQ_BITS);

  final String id;
  final boolean recording;
  final int threads;
  /** Each TD's home thread in the pool (a thread out of work takes a waiting TD). */
  final TdHomes homes;
  /** The running world's TDs each on one thread at a time ({@link ConcurrentWorld#tdsOnOneThread}). */
  volatile boolean tdsOnOneThread;

  /** Between two messages every actor waits: see {@link #pause}. */
  volatile boolean paused;
  /** The world is over: its actors take no more normal messages (system messages still run, for the stop). */
  volatile boolean frozen;

  private volatile ParPool pool;
  final CopyOnWriteArrayList<ParWorkerThread> workers = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<RunTask> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger foreignBusy = new AtomicInteger();

  // ---- the world (one at a time)
  private final Object worldLock = new Object();
  private String worldPath;
  /** World actors' queues; index i is sender FIRST_WORLD + i. Guarded by worldLock. */
  private final ArrayList<ParMessageQueue> worldQueues = new ArrayList<>();
  private final AtomicInteger liveWorldQueues = new AtomicInteger();
  final AtomicLong externalSent = new AtomicLong();
  final AtomicLong timerSent = new AtomicLong();
  /** Nanos origin of the receive-log timestamps. */
  volatile long originNanos = System.nanoTime();
  volatile Violation fault;

  ParRuntime(String id, boolean recording, int threads) {
    this.id = id;
    this.recording = recording;
    this.threads = threads;
    this.homes = new TdHomes(threads);
    assert id != null : "a parallel runtime of " + threads + " threads";
    assert threads >= 1 : "a parallel runtime of " + threads + " threads";
  }

  /**
   * The pool of the system's default dispatcher. A second one comes only after the first is shut down: a dispatcher
   * whose actors are all gone shuts its executor down and keeps a fresh lazy one, and if its actor count falls to zero
   * again while the system terminates, Pekko builds that executor only to shut it down (seen once at the end of a
   * 10,000-vCPU run in {@code bench --stress}).
   */
  void attach(ParPool pool) {
    assert pool != null : "runtime " + id + " attached to no pool";
    assert this.pool == null || this.pool.isShutdown() : "runtime " + id + " attached to a second pool";
    this.pool = pool;
  }

  /**
   * {TDs moved whole to a thread out of work, actors taken from another thread's inbox, actors given alone to a thread
   * out of work} so far ({@link ParPool}; read racily).
   */
  long[] moves() {
    ParPool p = pool;
    return p == null ? new long[3] : p.moves();
  }

  /**
   * The pool threads' runs so far if every one is parked for want of work, else -1 (read racily: a hint of when to
   * look for quiescence).
   */
  long idleRuns() {
    long runs = 0;
    for (ParWorkerThread w : workers) {
      if (!w.idle) return -1;
      runs += w.runs;
    }
    return workers.isEmpty() ? -1 : runs;
  }

  // ---- queues ---------------------------------------------------------------------------------------------

  ParMessageQueue newQueue(ActorRef owner) {
    String path = owner == null ? "(no owner)" : owner.path().toStringWithoutAddress();
    synchronized (worldLock) {
      String wp = worldPath;
      if (wp != null && path.startsWith(wp) && (path.length() == wp.length() || path.charAt(wp.length()) == '/')) {
        String name = path.length() == wp.length() ? "world" : path.substring(wp.length() + 1);
        int index = FIRST_WORLD + worldQueues.size();
        if (index >= MAX_SENDERS) throw new IllegalStateException("more than " + MAX_SENDERS + " actors in a world");
        ParMessageQueue q = new ParMessageQueue(this, name, index, true);
        worldQueues.add(q);
        liveWorldQueues.incrementAndGet();
        assert q.index == FIRST_WORLD + worldQueues.size() - 1 : "queue " + name;
        assert liveWorldQueues.get() > 0 : "queue " + name;
        return q;
      }
    }
    ParMessageQueue q = new ParMessageQueue(this, path, OUTSIDE, false);
    if (path.endsWith("/" + FaultListener.NAME)) faultQueue = q;
    return q;
  }

  /** The {@link FaultListener}'s queue, once it is made. */
  private volatile ParMessageQueue faultQueue;

  /**
   * Whether an actor failure is published but not yet handled by the {@link FaultListener} (which runs on the pool
   * but is no world actor): a world that looks quiescent then is not done, its failure is on its way to
   * {@link #failed}. The typed parent that handles a child's failure publishes it, and may stop the child first, so
   * that {@link #checkFailed} does not see it.
   */
  boolean faultEventsPending() {
    ParMessageQueue q = faultQueue;
    return q != null && q.pending();
  }

  void worldQueueClosed() {
    liveWorldQueues.decrementAndGet();
    assert liveWorldQueues.get() >= 0 : "more world queues closed than opened";
  }

  int liveWorldQueues() {
    assert liveWorldQueues.get() >= 0 : "a negative count of world queues";
    return liveWorldQueues.get();
  }

  /**
   * Actors created under {@code path} from now on belong to the world; its TDs each run on one thread at a time if
   * {@code tdsOnOneThread} ({@link ConcurrentWorld#tdsOnOneThread}).
   */
  void beginWorld(String path, boolean tdsOnOneThread) {
    assert path != null : "a world at " + path;
    assert path.startsWith("/") : "a world at " + path;
    synchronized (worldLock) {
      this.tdsOnOneThread = tdsOnOneThread;
      worldPath = path;
      worldQueues.clear();
      externalSent.set(0);
      timerSent.set(0);
      fault = null;
      frozen = false;
      originNanos = System.nanoTime();
    }
  }

  void endWorld() {
    synchronized (worldLock) {
      worldPath = null;
      worldQueues.clear();
      assert worldPath == null : "world not ended";
      assert worldQueues.isEmpty() : "world not ended";
    }
  }

  /** The world's queues so far, in creation order (a copy). */
  List<ParMessageQueue> worldQueues() {
    synchronized (worldLock) {
      return new ArrayList<>(worldQueues);
    }
  }

  /** Name of sender index {@code i} (while the world lives). */
  String senderName(int i) {
    assert i >= 0 : "sender index " + i;
    switch (i) {
      case EXTERNAL:
        return "external";
      case TIMER:
        return "timer";
      case OUTSIDE:
        return "(outside the world)";
      default:
        synchronized (worldLock) {
          return worldQueues.get(i - FIRST_WORLD).name;
        }
    }
  }

  // ---- the barrier ----------------------------------------------------------------------------------------

  /**
   * Stops every actor between two messages and returns once none is running: a consistent cut. Each
   * {@link RunTask} sets its thread's {@code busy} flag and then reads {@link #paused}; this method sets
   * {@code paused} and then waits for every {@code busy} flag to drop. Both are volatile, so either the task sees
   * the pause (and waits), or this method sees the task and waits for its run to end (a run is at most
   * {@code throughput} messages). Afterwards the caller sees everything the actors wrote (the busy flag's
   * release and acquire).
   */
  void pause() {
    paused = true;
    assert workers.size() <= threads : workers.size() + " workers of " + threads + " threads";
    for (ParWorkerThread w : workers) {
      for (int spins = 0; w.busy; spins++) backOff(spins);
    }
    for (int spins = 0; foreignBusy.get() != 0; spins++) backOff(spins);
  }

  /**
   * A pool thread about to run a mailbox found the runtime paused: it waits here, not busy, until {@link #resume}.
   * Its task, and every task queued behind it, keep their places in the pool's queue: a cut does not change whose
   * turn is next.
   */
  void awaitResume() {
    assert Thread.currentThread() instanceof ParWorkerThread w && !w.busy : "awaitResume off the pool or while busy";
    while (paused) LockSupport.park(this);
  }

  /** Lets the actors run again: wakes the waiting pool threads, forks what a foreign thread parked. */
  void resume() {
    paused = false;
    assert !paused : "resume left the runtime paused";
    for (ParWorkerThread w : workers) LockSupport.unpark(w);
    unparkAll();
  }

  void park(RunTask t) {
    assert t != null && !(Thread.currentThread() instanceof ParWorkerThread) : "a pool thread parked a task";
    parked.add(t);
    if (!paused) unparkAll(); // resume() may have drained the list just before this add
  }

  private void unparkAll() {
    ParPool p = pool;
    assert p != null : "runtime " + id + " without its pool";
    for (RunTask t; (t = parked.poll()) != null; ) p.execute(t);
  }

  private static void backOff(int spins) {
    assert spins >= 0 : "backOff(" + spins + ")";
    if (spins < 100) Thread.onSpinWait();
    else if (spins < 200) Thread.yield();
    else LockSupport.parkNanos(20_000);
  }

  /** A mailbox run on a thread that is not one of the pool's (not expected): counted for the barrier. */
  void runForeign(RunTask t) {
    assert !(Thread.currentThread() instanceof ParWorkerThread) : "a pool thread's run taken as foreign";
    foreignBusy.incrementAndGet();
    try {
      if (paused) {
        park(t);
        return;
      }
      t.mailbox.run();
    } finally {
      foreignBusy.decrementAndGet();
    }
  }

  // ---- failures -------------------------------------------------------------------------------------------

  /**
   * An actor failed (from the event stream): if it is a world actor, that is a model bug, reported as the
   * deterministic runtime reports it.
   */
  void failed(String path, String cause) {
    assert path != null : "a failure of no actor";
    String p = path.replaceFirst("^pekko://[^/]*", "");
    synchronized (worldLock) {
      String wp = worldPath;
      if (fault != null || wp == null || frozen) return;
      if (!(p.equals(wp) || p.startsWith(wp + "/"))) return;
      String name = p.equals(wp) ? "world" : p.substring(wp.length() + 1);
      fault = new Violation(RuntimeViolations.ACTOR_FAILURE,
          name + " threw while handling a message: " + cause, List.of(name), List.of());
    }
  }

  /**
   * After a mailbox run that left the mailbox suspended: a world actor whose behaviour threw (it waits for its
   * parent's verdict) is a model bug, reported as the deterministic runtime reports it.
   */
  void checkFailed(ParMessageQueue q, Mailbox m) {
    assert q != null : "checkFailed of another runtime's queue";
    assert m != null : "checkFailed of another runtime's queue";
    assert q.runtime == this : "checkFailed of another runtime's queue";
    if (!q.inWorld || fault != null) return;
    if (m.isSuspended() && !m.isClosed() && m.actor() != null && !m.actor().isTerminating()) {
      synchronized (worldLock) {
        if (fault == null) {
          fault = new Violation(RuntimeViolations.ACTOR_FAILURE,
              q.name + " threw while handling a message (the exception is in the log)", List.of(q.name), List.of());
        }
      }
    }
  }
}
