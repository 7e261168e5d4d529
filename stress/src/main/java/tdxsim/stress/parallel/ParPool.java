package tdxsim.stress.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The parallel runtime's pool: {@code threads} {@link ParWorkerThread}s and a home thread for every actor. The
 * actors of TD K of a host start on thread K mod threads (the TDs are dealt out round-robin) and move, a whole TD at
 * a time, to a thread that runs out of work ({@link #share}); any other actor lives on the thread its name hashes to,
 * or on thread 0 in a world that keeps each TD on one thread ({@link ConcurrentWorld#tdsOnOneThread}). Unless the
 * world keeps its TDs whole, single actors move too (a home of their own) when the busy thread has no whole TD to
 * give, so that one TD can use every thread. A thread takes its TDs in turn, like a host scheduler's time slices: it
 * runs up to {@value SliceQueue#QUANTUM} mailbox runs of one TD's actors (in the order they became ready), then moves
 * on to the next TD with work ({@link SliceQueue}). A thread with nothing to run takes the oldest task in another
 * thread's inbox, and its actor with it, unless the world keeps its TDs whole.
 *
 * <p>Not ForkJoinPool's work stealing, on purpose. There a thread runs what its own runs make ready and steals only
 * when its queue is empty; actors that keep each other busy never let it empty, so the actors are split between the
 * threads once, by the first steals, and stay split: at 1,000 vCPUs in 16 TDs one thread ran TD 0 alone and the
 * other the 15 others, so TD 0 got a quarter of all turns. Nor one shared queue: fair, but every task then runs on
 * whichever thread takes it, and its actor's state moves between cores.
 *
 * <p>An idle thread parks; a producer wakes the home thread of what it offers. The handshake is Dekker's: a thread
 * announces itself idle, then looks at its inbox once more; a producer offers, then reads the flag; one of the two
 * sees the other.
 */
final class ParPool extends AbstractExecutorService {
  private static final int SPINS = 64;
  /** Runs of a busy thread while another is out of work before single actors move to it ({@link #share}). */
  static final int PATIENCE = 1 << 16;
  private static final long HUNGRY_RETRY_NANOS = 100_000;

  private final ConcurrentLinkedQueue<Runnable>[] inbox;
  private final List<ParWorkerThread> threads = new ArrayList<>();
  private final AtomicInteger nextOther = new AtomicInteger();
  /** A thread parked for want of work that would take a TD or actors from a busy one, or -1 ({@link #share}). */
  private final AtomicInteger hungry = new AtomicInteger(-1);
  /** TDs moved to a thread out of work (plain: read for statistics only). */
  long donations;

  private final ParRuntime runtime;
  private volatile boolean shutdown;

  @SuppressWarnings("unchecked")
  ParPool(ParRuntime runtime, String prefix, int n) {
    inbox = new ConcurrentLinkedQueue[n];
    this.runtime = runtime;
    assert n >= 1 : "a pool of " + n + " threads";
    assert runtime != null : "a pool of " + n + " threads";
    for (int i = 0; i < n; i++) {
      inbox[i] = new ConcurrentLinkedQueue<>();
      ParWorkerThread t = new ParWorkerThread(this, i, prefix + (i + 1), runtime);
      threads.add(t);
      runtime.workers.add(t);
    }
    for (ParWorkerThread t : threads) t.start();
    assert threads.size() == n : threads.size() + " threads, " + inbox.length + " inboxes";
    assert inbox.length == n : threads.size() + " threads, " + inbox.length + " inboxes";
  }

  /** The TD of the actor named {@code name} (relative to the world root), or -1 (not in a host's TD). */
  static int td(String name) {
    assert name != null : "the TD of no actor";
    if (!name.startsWith("td-")) return -1;
    int end = name.indexOf('/');
    try {
      return Integer.parseInt(name, 3, end < 0 ? name.length() : end, 10);
    } catch (NumberFormatException notATd) {
      return -1;
    }
  }

  /**
   * The home thread of an actor of TD {@code td} (-1: none) named {@code name}. In a world that keeps each TD on one
   * thread, the actors outside a host's TDs (all of a world that is one TD) start together on thread 0: spread by their
   * names' hash, most of a one-TD world's messages crossed threads and its checker's lock was taken from both.
   */
  static int home(int td, String name, int threads, boolean tdsOnOneThread) {
    assert threads >= 1 : "the home of TD " + td + " among " + threads + " threads";
    assert td >= -1 && name != null : "the home of TD " + td + " among " + threads + " threads";
    if (td >= 0) return td % threads;
    return tdsOnOneThread ? 0 : Math.floorMod(name.hashCode(), threads);
  }

  /** The actor's group in a thread's time slices: 0 for actors outside TDs, 1 + its TD (the same on every thread). */
  static int group(int td) {
    assert td >= -1 : "the group of TD " + td;
    return td < 0 ? 0 : 1 + td;
  }

  private static int groupOf(Runnable task) {
    assert task != null : "the group of no task";
    return task instanceof RunTask rt ? rt.group : 0;
  }

  @Override
  public void execute(Runnable task) {
    if (shutdown) throw new RejectedExecutionException("the parallel runtime's pool is shut down");
    int q = task instanceof RunTask rt ? rt.home() : Math.floorMod(nextOther.getAndIncrement(), inbox.length);
    assert task != null : "a task for thread " + q + " of " + inbox.length;
    assert q >= 0 : "a task for thread " + q + " of " + inbox.length;
    assert q < inbox.length : "a task for thread " + q + " of " + inbox.length;
    if (Thread.currentThread() instanceof ParWorkerThread w && w.pool == this && w.index == q) {
      w.slices.ready(task, groupOf(task)); // no other thread touches them
      return;
    }
    inbox[q].offer(task);
    ParWorkerThread home = threads.get(q);
    if (home.idle) LockSupport.unpark(home);
  }

  /**
   * The next task for {@code self}: its inbox joins its own queues first; then another thread's inbox. An actor whose
   * run it takes from another thread's inbox (sent there from a third thread, or from this one while it ran here)
   * stays here from then on: this thread had nothing else to do, and the actor's next runs would come here again, one
   * by one, each through an inbox and a wake-up of its home thread.
   */
  private Runnable next(ParWorkerThread self) {
    // a thread's own slice queue is touched by that thread alone
    assert Thread.currentThread() == self : "next() for " + self.getName() + " on another thread";
    assert self.pool == this : "next() for " + self.getName() + " on another thread";
    ConcurrentLinkedQueue<Runnable> in = inbox[self.index];
    for (Runnable r; (r = in.poll()) != null; ) self.slices.ready(r, groupOf(r));
    int h = hungry.get();
    if (h >= 0 && h != self.index) share(self, h);
    else self.hungerSeen = 0;
    Runnable r = self.slices.next();
    // a TD kept whole moves only whole (share): a run offered here before its TD moved away is run here, and its
    // actor follows its TD from then on
    boolean whole = runtime.tdsOnOneThread;
    for (int i = 1; r == null && !whole && i < inbox.length; i++) r = inbox[(self.index + i) % inbox.length].poll();
    if (!whole && r instanceof RunTask rt && rt.home() != self.index) {
      rt.moveTo(self.index);
      self.actorsTaken++;
    }
    return r;
  }

  /**
   * Thread {@code to} has run out of work: give it one of this thread's TDs that wait for a slice, if this thread
   * has at least one other TD with work. The TD's home moves first, so its later runs go to {@code to}; its waiting
   * runs follow in their order. Without such a TD (this thread runs one TD, or only actors outside TDs), unless the
   * world keeps its TDs whole ({@link ConcurrentWorld#tdsOnOneThread}), and once {@code to} has stayed out of work
   * for {@value #PATIENCE} of this thread's runs, give it the later half of the waiting runs of this thread's busiest
   * group, each actor with a home of its own there ({@link RunTask#moveTo}): one TD then runs on more than one
   * thread. Not at once: a thread that waits for a reply from this one is out of work for a moment only, and moving
   * actors at each such moment (or after 1,024 runs) cost a one-TD run of 512 vCPUs 10-20% of its messages/s (their
   * state changes cores, the threads trade them back and forth); after 65,536 (a few tens of ms) it is an imbalance
   * that lasts. A thread that would be left with nothing gives nothing.
   */
  private void share(ParWorkerThread self, int to) {
    assert to != self.index : self.getName() + " sharing with itself";
    int g = self.slices.donatable();
    if (g > 0) {
      if (!hungry.compareAndSet(to, -1)) return;
      runtime.homes.of(g - 1).thread = to;
      donations++; // before the hand-over, which publishes it to whatever the moved actors do next
      hand(self.slices.take(g), to);
      return;
    }
    if (runtime.tdsOnOneThread || ++self.hungerSeen < PATIENCE) return;
    int half = self.slices.halvable();
    if (half < 0 || !hungry.compareAndSet(to, -1)) return;
    self.hungerSeen = 0;
    java.util.ArrayDeque<Runnable> tasks = self.slices.takeHalf(half);
    for (Runnable t : tasks) {
      if (t instanceof RunTask rt) rt.moveTo(to);
    }
    self.actorsGiven += tasks.size(); // before the hand-over, as donations
    hand(tasks, to);
  }

  /** {TDs moved, actors taken, actors given} so far (see {@link ParRuntime#moves}; read racily). */
  long[] moves() {
    long[] m = {donations, 0, 0};
    for (ParWorkerThread t : threads) {
      m[1] += t.actorsTaken;
      m[2] += t.actorsGiven;
    }
    return m;
  }

  /** Waiting runs, in their order, to thread {@code to}'s inbox; wakes it. */
  private void hand(java.util.ArrayDeque<Runnable> tasks, int to) {
    assert !tasks.isEmpty() : "nothing handed to thread " + to;
    for (Runnable t : tasks) inbox[to].offer(t);
    LockSupport.unpark(threads.get(to));
  }

  /**
   * Fault injection for the out-of-memory path (its tests): the N-th task run on pool thread 0 throws an
   * OutOfMemoryError once it has run (the actor's state stays whole), when {@code -Dtdxsim.fault.oom-at-task=N} is set. 0: never.
   */
  private static final long FAULT_OOM_AT_TASK = Long.getLong("tdxsim.fault.oom-at-task", 0);

  /** A pool thread's loop: run tasks in order; park when there are none; leave once shut down and drained. */
  void work(ParWorkerThread self) {
    assert Thread.currentThread() == self : "work of " + self;
    assert self.index >= 0 : "work of " + self;
    assert self.index < inbox.length : "work of " + self;
    for (int spins = 0; ; ) {
      Runnable r = next(self);
      if (r != null) {
        spins = 0;
        run(self, r);
      } else if (shutdown) {
        return;
      } else if (++spins < SPINS) {
        Thread.onSpinWait();
      } else {
        spins = 0;
        self.idle = true;
        r = next(self); // after announcing: a producer that offered before it did not see us idle
        if (r == null && !shutdown) parkHungry(self);
        self.idle = false;
        if (r != null) run(self, r);
      }
    }
  }

  /**
   * Parks {@code self}, out of work, as the thread a busy one may give a TD or actors to ({@link #share}). The slot
   * holds one thread: if another idle thread has it, {@code self} looks again after {@value #HUNGRY_RETRY_NANOS} ns
   * (it used to park unannounced until a message came for it: with two threads idle at the start, the one that woke
   * first cleared the slot, and the other was never given anything while the first ran a TD's actors alone).
   */
  private void parkHungry(ParWorkerThread self) {
    if (hungry.compareAndSet(-1, self.index)) {
      LockSupport.park(this);
      hungry.compareAndSet(self.index, -1);
    } else {
      LockSupport.parkNanos(this, HUNGRY_RETRY_NANOS);
    }
  }

  private static void run(ParWorkerThread self, Runnable r) {
    assert r != null : "a run inside " + self.current;
    assert self.current == null : "a run inside " + self.current;
    self.runs++;
    try {
      r.run();
      if (FAULT_OOM_AT_TASK > 0 && self.index == 0 && self.runs == FAULT_OOM_AT_TASK) {
        throw new OutOfMemoryError("injected by -Dtdxsim.fault.oom-at-task=" + FAULT_OOM_AT_TASK);
      }
    } catch (Throwable t) {
      self.getUncaughtExceptionHandler().uncaughtException(self, t);
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    for (ParWorkerThread t : threads) LockSupport.unpark(t);
    assert shutdown : "shutdown() left the pool running";
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    List<Runnable> left = new ArrayList<>();
    assert shutdown : "shutdownNow() left the pool running";
    for (ConcurrentLinkedQueue<Runnable> q : inbox) {
      for (Runnable r; (r = q.poll()) != null; ) left.add(r);
    }
    return left; // the threads' own slice queues are theirs: they drain them before they leave
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    if (!shutdown) return false;
    for (ParWorkerThread t : threads) {
      if (t.isAlive()) return false;
    }
    return true;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    assert unit != null : "awaitTermination(" + timeout + ")";
    assert timeout >= 0 : "awaitTermination(" + timeout + ")";
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (ParWorkerThread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return isTerminated();
      TimeUnit.NANOSECONDS.timedJoin(t, left);
    }
    return isTerminated();
  }
}
