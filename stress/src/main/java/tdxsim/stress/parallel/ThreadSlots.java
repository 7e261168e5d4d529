package tdxsim.stress.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Per-thread instrumentation without {@link ThreadLocal}: each pool thread keeps one (owner, state) slot, so that
 * an instrument finds its per-thread state (counters, histograms) with a field read and updates it without a
 * lock. One instrument per run uses the slot at a time. Threads outside the pool share one fallback state, which
 * callers update under its monitor ({@link #isShared}). Readers sum the per-thread states at a barrier (exact) or
 * racily for progress lines.
 */
public final class ThreadSlots<T> {
  private final Supplier<T> factory;
  private final List<T> all = new ArrayList<>();
  private final T fallback;

  public ThreadSlots(Supplier<T> factory) {
    this.factory = factory;
    this.fallback = factory.get();
    all.add(fallback);
    assert factory != null : "thread slots without states";
    assert fallback != null : "thread slots without states";
  }

  /**
   * This thread's state. On a pool thread no lock is needed to use it; the shared fallback (other threads) must
   * be used under its monitor.
   */
  @SuppressWarnings("unchecked")
  public T get() {
    Thread t = Thread.currentThread();
    if (t instanceof ParWorkerThread) {
      ParWorkerThread w = (ParWorkerThread) t;
      if (w.slotOwner == this) return (T) w.slotState;
      T s = factory.get();
      synchronized (all) {
        all.add(s);
      }
      w.slotOwner = this;
      w.slotState = s;
      assert s != null : "a slot state not installed";
      assert w.slotOwner == this : "a slot state not installed";
      return s;
    }
    return fallback;
  }

  /** Whether {@code state} is the shared fallback, used from threads outside the pool. */
  public boolean isShared(T state) {
    assert state != null : "isShared(null)";
    return state == fallback;
  }

  /** Every thread's state so far (a copy of the list; the states themselves are live). */
  public List<T> all() {
    synchronized (all) {
      return new ArrayList<>(all);
    }
  }
}
