package tdxsim.stress.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * A thread of the parallel runtime's pool. It knows which actor it is running (the sender of whatever that actor
 * sends: a field, not a {@link ThreadLocal}, because it is read on every send while recording) and whether it is
 * inside a mailbox run at all (for the barrier that pauses every actor).
 */
final class ParWorkerThread extends ForkJoinWorkerThread {
  /** The queue whose mailbox this thread is running, or null between runs. Only this thread writes it. */
  ParMessageQueue current;
  /**
   * Inside {@link RunTask#exec}: written by this thread, read by the thread that pauses the runtime (a Dekker
   * handshake with {@link ParRuntime#paused}, hence volatile).
   */
  volatile boolean busy;
  /** Instrumentation owned by this thread (no sharing, no locks): see {@link ThreadSlots}. */
  Object slotOwner;

  Object slotState;

  private final ParRuntime runtime;

  ParWorkerThread(ForkJoinPool pool, String name, ParRuntime runtime) {
    super(pool);
    this.runtime = runtime;
    setName(name);
    setDaemon(true);
  }

  @Override
  protected void onTermination(Throwable exception) {
    runtime.workers.remove(this);
    super.onTermination(exception);
  }
}
