package tdxsim.stress.parallel;

import org.apache.pekko.dispatch.Mailbox;

/**
 * One actor's mailbox run on the parallel pool, allocated once per actor and submitted again each time Pekko
 * schedules the mailbox (at most once at a time). Around the run it tells the thread which actor is running (the
 * sender of its sends) and that it is busy; while the runtime is paused its thread waits before running the
 * mailbox, until resume.
 */
final class RunTask implements Runnable {
  private final ParRuntime runtime;
  private final ParMessageQueue queue;
  final Mailbox mailbox;
  /** The TD's home, which may move ({@link TdHomes}), or null for an actor outside the host's TDs. */
  private final TdHomes.Home tdHome;
  /** The home thread of an actor outside the TDs ({@link ParPool#home}). */
  private final int fixedHome;
  /** Its group in a thread's time slices ({@link ParPool#group}): the same on every thread. */
  final int group;
  /**
   * A home of its own, given when a thread out of work took this actor's run from another thread's inbox, or from a
   * busy thread that had no whole TD to give ({@link ParPool}); or -1: it follows its TD (or its name). A hint, like
   * the TD's home: Pekko runs a mailbox at most once at a time wherever its run is offered.
   */
  private volatile int own = -1;

  RunTask(ParRuntime runtime, ParMessageQueue queue, Mailbox mailbox) {
    this.runtime = runtime;
    this.queue = queue;
    this.mailbox = mailbox;
    int td = ParPool.td(queue.name);
    this.tdHome = td >= 0 ? runtime.homes.of(td) : null;
    this.fixedHome = ParPool.home(td, queue.name, runtime.threads, runtime.tdsOnOneThread);
    this.group = ParPool.group(td);
    assert mailbox != null : queue.name + " at home " + fixedHome;
    assert fixedHome >= 0 && fixedHome < runtime.threads : queue.name + " at home " + fixedHome;
    assert group >= 0 : queue.name + " in group " + group;
  }

  /** The pool thread whose queues this actor's runs go to now. */
  int home() {
    int o = own;
    return o >= 0 ? o : tdHome != null ? tdHome.thread : fixedHome;
  }

  /** From now on this actor's runs go to pool thread {@code thread} (see {@link #own}). */
  void moveTo(int thread) {
    assert thread >= 0 && thread < runtime.threads : queue.name + " moved to thread " + thread;
    own = thread;
  }

  @Override
  public void run() {
    Thread t = Thread.currentThread();
    if (!(t instanceof ParWorkerThread)) {
      runtime.runForeign(this);
      return;
    }
    ParWorkerThread w = (ParWorkerThread) t;
    // one mailbox run at a time per thread: Pekko runs a mailbox at most once at a time, a thread one task
    assert w.current == null : w.getName() + " runs " + queue.name + " inside " + w.current;
    assert !w.busy : w.getName() + " runs " + queue.name + " inside " + w.current;
    while (true) {
      w.busy = true; // volatile write, then the volatile read of paused: see ParRuntime#pause
      if (!runtime.paused) break;
      w.busy = false;
      runtime.awaitResume(); // holding this task: the others keep their places in the pool's queue
    }
    w.current = queue;
    assert w.busy : w.getName() + " runs " + queue.name + " without being busy for the barrier";
    try {
      mailbox.run();
    } finally {
      w.current = null;
      w.busy = false;
    }
    if (mailbox.isSuspended()) runtime.checkFailed(queue, mailbox);
    assert w.current == null : w.getName() + " still marked running " + queue.name;
    assert !w.busy : w.getName() + " still marked running " + queue.name;
  }
}
