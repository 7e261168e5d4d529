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
  /** The pool thread whose queues this actor's runs go to, and its group there ({@link ParPool#home}, #group). */
  final int home;

  final int group;

  RunTask(ParRuntime runtime, ParMessageQueue queue, Mailbox mailbox) {
    this.runtime = runtime;
    this.queue = queue;
    this.mailbox = mailbox;
    int td = ParPool.td(queue.name);
    this.home = ParPool.home(td, queue.name, runtime.threads);
    this.group = ParPool.group(td, runtime.threads);
    assert mailbox != null : queue.name + " at home " + home;
    assert home >= 0 : queue.name + " at home " + home;
    assert home < runtime.threads : queue.name + " at home " + home;
    assert group >= 0 : queue.name + " at home " + home;
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
