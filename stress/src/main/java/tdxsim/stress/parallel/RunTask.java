package tdxsim.stress.parallel;

import java.util.concurrent.ForkJoinTask;
import org.apache.pekko.dispatch.Mailbox;

/**
 * One actor's mailbox run on the parallel pool, allocated once per actor: Pekko submits a mailbox at most once at
 * a time, and {@link #exec} returns false (as Pekko's own {@code Mailbox.exec} does), so the task can be forked
 * again. Around the run it tells the thread which actor is running (the sender of its sends) and that it is busy;
 * while the runtime is paused its thread waits before running the mailbox, until resume.
 */
final class RunTask extends ForkJoinTask<Void> {
  private final ParRuntime runtime;
  private final ParMessageQueue queue;
  final Mailbox mailbox;

  RunTask(ParRuntime runtime, ParMessageQueue queue, Mailbox mailbox) {
    this.runtime = runtime;
    this.queue = queue;
    this.mailbox = mailbox;
  }

  @Override
  protected boolean exec() {
    Thread t = Thread.currentThread();
    if (!(t instanceof ParWorkerThread)) {
      runtime.runForeign(this);
      return false;
    }
    ParWorkerThread w = (ParWorkerThread) t;
    while (true) {
      w.busy = true; // volatile write, then the volatile read of paused: see ParRuntime#pause
      if (!runtime.paused) break;
      w.busy = false;
      runtime.awaitResume(); // holding this task: the others keep their places in the pool's queues
    }
    w.current = queue;
    try {
      mailbox.run();
    } finally {
      w.current = null;
      w.busy = false;
    }
    if (mailbox.isSuspended()) runtime.checkFailed(queue, mailbox);
    return false;
  }

  @Override
  public Void getRawResult() {
    return null;
  }

  @Override
  protected void setRawResult(Void value) {}
}
