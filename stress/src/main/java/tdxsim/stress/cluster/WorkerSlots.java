package tdxsim.stress.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import tdxsim.stress.cluster.ClusterMessage.Assign;
import tdxsim.stress.cluster.ClusterMessage.ToCoordinator;
import tdxsim.stress.cluster.ClusterMessage.ToWorker;
import tdxsim.stress.workers.RangeControl;
import tdxsim.stress.workers.RangeOutcome;
import tdxsim.stress.workers.RangeWorker;

/**
 * A worker node's slots: one thread each, with its own deterministic system ({@link RangeWorker}), running the
 * ranges the coordinator assigns it, one at a time, and sending each outcome back. The only state shared between
 * slots is what the coordinator broadcasts (the lowest violating index, a stop), read between two indices.
 */
final class WorkerSlots {
  private static final Assign END = new Assign(-1, -1, 0, 0);
  /**
   * Test-only fault ({@code .ci/cluster-test}): with {@code -Dtdxsim.fault.worker-hold-range=true} a slot takes its
   * first range, says so on stderr and never answers, so that a SIGKILL is sure to find this node holding a range.
   */
  private static final boolean FAULT_HOLD_RANGE = Boolean.getBoolean("tdxsim.fault.worker-hold-range");

  private final List<BlockingQueue<Assign>> inboxes = new ArrayList<>();
  private final AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong ranges = new AtomicLong();
  private final AtomicLong indices = new AtomicLong();
  private volatile boolean stopped;

  /** Ranges run and indices in them. */
  record Counts(long ranges, long indices) {}

  private WorkerSlots() {}

  static <R extends RangeOutcome> WorkerSlots start(ClusterJob<R> job, int slots, ActorRef<ToCoordinator> coordinator,
      ActorRef<ToWorker> self) {
    WorkerSlots s = new WorkerSlots();
    for (int i = 0; i < slots; i++) s.inboxes.add(new LinkedBlockingQueue<>());
    for (int i = 0; i < slots; i++) {
      int slot = i;
      Thread t = new Thread(() -> s.run(job, slot, coordinator, self), "tdxsim-cluster-worker-" + i);
      t.setDaemon(true);
      t.start();
    }
    return s;
  }

  void assign(Assign a) {
    inboxes.get(a.slot()).add(a);
  }

  void lowest(long index) {
    lowest.accumulateAndGet(index, Math::min);
  }

  void stop() {
    stopped = true;
  }

  /** Ends every slot (one in a range stops at its next index) and says what they ran. */
  Counts finish() {
    stopped = true;
    inboxes.forEach(q -> q.add(END));
    return new Counts(ranges.get(), indices.get());
  }

  private static void hold(Assign a) throws InterruptedException {
    System.err.println("worker: holding range " + a.range() + " (-Dtdxsim.fault.worker-hold-range)");
    System.err.flush();
    new CountDownLatch(1).await();
  }

  private <R extends RangeOutcome> void run(ClusterJob<R> job, int slot, ActorRef<ToCoordinator> coordinator,
      ActorRef<ToWorker> self) {
    RangeControl control = new RangeControl() {
      @Override
      public boolean proceed(long index) {
        return !stopped && index <= lowest.get();
      }

      @Override
      public void done(long work) {}
    };
    try (RangeWorker<R> worker = job.job().open(slot)) {
      coordinator.tell(new ClusterMessage.Want(self, slot));
      for (Assign a = inboxes.get(slot).take(); a != END; a = inboxes.get(slot).take()) {
        if (FAULT_HOLD_RANGE) hold(a);
        long t0 = System.nanoTime();
        R outcome = worker.run(a.from(), a.to(), control);
        long runNanos = System.nanoTime() - t0;
        ranges.incrementAndGet();
        indices.addAndGet(outcome.ran());
        String packed = Packed.pack(job.encode(outcome));
        if (packed.length() > Packed.MAX_CHARS) {
          throw new IllegalStateException("range " + a.range() + "'s outcome packs to " + packed.length()
              + " characters, more than a message carries (" + Packed.MAX_CHARS + ")");
        }
        coordinator.tell(new ClusterMessage.Done(self, slot, a.range(), packed, runNanos));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      String m = String.valueOf(e).lines().findFirst().orElse("");
      coordinator.tell(new ClusterMessage.Failed(self, "slot " + slot + ": " + m));
    }
  }
}
