package tdxsim.actors.kvm.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import tdxsim.actors.monitor.Monitor;
import tdxsim.actors.monitor.Observation;

/**
 * A monitor that records every observation, thread-safely (for ActorTestKit runs on real threads), and lets a
 * test block until a condition over the recorded observations holds.
 */
public final class CollectingMonitor implements Monitor {
  private final List<Observation> seen = new ArrayList<>();

  @Override
  public synchronized void observe(Observation o) {
    seen.add(o);
    notifyAll();
  }

  public synchronized List<Observation> all() {
    return new ArrayList<>(seen);
  }

  public synchronized <T extends Observation> List<T> of(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Observation o : seen) if (type.isInstance(o)) out.add(type.cast(o));
    return out;
  }

  public synchronized <T extends Observation> long count(Class<T> type, Predicate<? super T> p) {
    long n = 0;
    for (Observation o : seen) if (type.isInstance(o) && p.test(type.cast(o))) n++;
    return n;
  }

  public <T extends Observation> long count(Class<T> type) {
    return count(type, o -> true);
  }

  /** Wait until {@code cond} holds over the observations; false if it did not within the limit. */
  public synchronized boolean awaitCondition(Predicate<CollectingMonitor> cond, long limit, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(limit);
    while (!cond.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
