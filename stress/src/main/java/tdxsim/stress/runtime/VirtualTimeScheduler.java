package tdxsim.stress.runtime;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.PriorityQueue;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.AbstractSchedulerBase;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * {@code pekko.scheduler.implementation} of deterministic mode: timers ordered by (virtual deadline, insertion
 * order), fired by the driver only when no delivery is enabled. Nothing sleeps and no thread exists, so an hour
 * of virtual time costs nothing; equal deadlines fire in the order they were set (Pekko's
 * ExplicitlyTriggeredScheduler sleeps per advance and fires them in hash order, which is why it is not used).
 */
public final class VirtualTimeScheduler extends AbstractSchedulerBase implements Closeable {
  private final DetRuntime runtime;
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  private long now;
  private long nextSeq;

  /** The constructor Pekko calls reflectively. */
  public VirtualTimeScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this.runtime = DetRuntime.REGISTRY.lookup(config);
    runtime.attach(this);
    assert runtime.scheduler() == this : "the scheduler not attached to its runtime";
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
    assert delay != null : "scheduleOnce without delay, task or executor";
    assert runnable != null : "scheduleOnce without delay, task or executor";
    assert executor != null : "scheduleOnce without delay, task or executor";
    return add(delay.toNanos(), 0, runnable, executor);
  }

  /** Deprecated in Pekko in favour of the fixed-delay/fixed-rate variants, which call it; still abstract. */
  @Override
  @SuppressWarnings("deprecation")
  public Cancellable schedule(
      FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable, ExecutionContext executor) {
    long period = interval.toNanos();
    assert initialDelay != null : "a periodic timer without its delay or task";
    assert runnable != null : "a periodic timer without its delay or task";
    if (period <= 0) throw new IllegalArgumentException("interval must be positive: " + interval);
    return add(initialDelay.toNanos(), period, runnable, executor);
  }

  /** Virtual ticks are nanoseconds. */
  @Override
  public double maxFrequency() {
    return 1.0e9;
  }

  /** Current virtual time in nanoseconds since the schedule started. */
  public long now() {
    assert now >= 0 : "virtual time " + now;
    return now;
  }

  boolean hasTimers() {
    assert nextSeq >= timers.size() : nextSeq + " timers set, " + timers.size() + " pending";
    dropCancelledHead();
    return !timers.isEmpty();
  }

  /** Deadline of the earliest live timer; only valid if {@link #hasTimers()}. */
  long nextDeadline() {
    dropCancelledHead();
    assert !timers.isEmpty() : "nextDeadline() without a timer";
    return timers.peek().deadline;
  }

  /**
   * Advances virtual time to {@code time} and fires, in (deadline, insertion) order, every timer due by then that
   * existed when called (a timer set by a firing task waits for the next advance, so this always terminates).
   */
  void advanceTo(long time) {
    runtime.checkDriverThread("a timer", "");
    if (time > now) now = time;
    assert now >= time : "virtual time " + now + " short of the advance to " + time;
    long seqLimit = nextSeq;
    for (; ; ) {
      Timer t = timers.peek();
      if (t == null || t.deadline > now || t.seq >= seqLimit) return;
      timers.poll();
      if (t.cancelled) continue;
      if (t.period > 0) {
        t.deadline = saturatedAdd(t.deadline, t.period);
        t.seq = nextSeq++;
        timers.add(t);
      } else {
        t.fired = true; // cancel() now returns false, as for Pekko's own scheduler
      }
      t.executor.execute(t.task);
    }
  }

  /** Forgets all timers and rewinds to time 0: every schedule starts from the same clock. */
  void reset() {
    for (Timer t : timers) t.cancelled = true;
    timers.clear();
    now = 0;
    nextSeq = 0;
    assert timers.isEmpty() : "reset left " + timers.size() + " timers at " + now;
    assert now == 0 : "reset left " + timers.size() + " timers at " + now;
  }

  @Override
  public void close() {
    assert runtime != null : "a scheduler without its runtime";
    reset();
  }

  private Cancellable add(long delayNanos, long period, Runnable task, ExecutionContext executor) {
    runtime.checkDriverThread("a timer", "");
    Timer t = new Timer(saturatedAdd(now, Math.max(0, delayNanos)), nextSeq++, period, task, executor);
    timers.add(t);
    assert t.deadline >= now : "timer " + t.seq + " due " + t.deadline + " set at " + now;
    assert t.seq == nextSeq - 1 : "timer " + t.seq + " due " + t.deadline + " set at " + now;
    return t;
  }

  private void dropCancelledHead() {
    while (!timers.isEmpty() && timers.peek().cancelled) timers.poll();
    assert timers.isEmpty() || !timers.peek().cancelled : "a cancelled timer left at the head";
  }

  private static long saturatedAdd(long a, long b) {
    assert a >= 0 : "saturatedAdd(" + a + ", " + b + ")";
    assert b >= 0 : "saturatedAdd(" + a + ", " + b + ")";
    long r = a + b;
    return r < a ? Long.MAX_VALUE : r;
  }

  private static final class Timer implements Cancellable, Comparable<Timer> {
    long deadline;
    long seq;
    final long period;
    final Runnable task;
    final ExecutionContext executor;
    boolean cancelled;
    boolean fired;

    Timer(long deadline, long seq, long period, Runnable task, ExecutionContext executor) {
      this.deadline = deadline;
      this.seq = seq;
      this.period = period;
      this.task = task;
      this.executor = executor;
      assert deadline >= 0 : "timer " + seq + " due " + deadline;
      assert seq >= 0 : "timer " + seq + " due " + deadline;
      assert period >= 0 : "timer " + seq + " due " + deadline;
      assert task != null : "timer " + seq + " due " + deadline;
    }

    @Override
    public int compareTo(Timer o) {
      assert o == this || o.seq != seq : "two timers numbered " + seq;
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public boolean cancel() {
      if (cancelled || fired) return false;
      cancelled = true;
      assert !fired : "a fired one-shot timer cancelled";
      return true;
    }

    @Override
    public boolean isCancelled() {
      assert !(cancelled && fired) || period > 0 : "a one-shot timer both fired and cancelled";
      return cancelled;
    }
  }
}
