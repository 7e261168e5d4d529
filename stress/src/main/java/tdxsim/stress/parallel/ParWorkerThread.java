package tdxsim.stress.parallel;

/**
 * A thread of the parallel runtime's pool ({@link ParPool}). It knows which actor it is running (the sender of
 * whatever that actor sends: a field, not a {@link ThreadLocal}, because it is read on every send while recording)
 * and whether it is inside a mailbox run at all (for the barrier that pauses every actor).
 */
final class ParWorkerThread extends Thread {
  /** The queue whose mailbox this thread is running, or null between runs. Only this thread writes it. */
  ParMessageQueue current;
  /**
   * Inside {@link RunTask#run}: written by this thread, read by the thread that pauses the runtime (a Dekker
   * handshake with {@link ParRuntime#paused}, hence volatile).
   */
  volatile boolean busy;
  /** Parked for want of work: {@link ParPool#execute} wakes it. */
  volatile boolean idle;
  /** Instrumentation owned by this thread (no sharing, no locks): see {@link ThreadSlots}. */
  Object slotOwner;

  Object slotState;
  /**
   * Tasks this thread has run: written by this thread only, read racily (is the pool idle? {@link ParRuntime}), and
   * by the fault injection ({@link ParPool}).
   */
  long runs;
  /** Runs of this thread while another was out of work and no TD could move to it ({@link ParPool}). */
  int hungerSeen;
  /**
   * Actors this thread took from another thread's inbox, and actors it gave to a thread out of work, each to a home of
   * its own ({@link ParPool}); written by this thread only, read racily for statistics.
   */
  long actorsTaken;
  long actorsGiven;

  /** This thread's index in the pool (its inbox). */
  final int index;
  /** The ready tasks of the actors at home here, in TD time slices; only this thread touches it. */
  final SliceQueue slices = new SliceQueue();

  final ParPool pool;
  private final ParRuntime runtime;

  ParWorkerThread(ParPool pool, int index, String name, ParRuntime runtime) {
    super(name);
    this.pool = pool;
    this.index = index;
    this.runtime = runtime;
    setDaemon(true);
    assert pool != null : "worker " + name + " at " + index;
    assert index >= 0 : "worker " + name + " at " + index;
    assert runtime != null : "worker " + name + " at " + index;
  }

  @Override
  public void run() {
    assert Thread.currentThread() == this : getName() + " started inside a run";
    assert current == null : getName() + " started inside a run";
    try {
      pool.work(this);
    } finally {
      runtime.workers.remove(this);
    }
  }
}
