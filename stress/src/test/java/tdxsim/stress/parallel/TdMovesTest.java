package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import tdxsim.stress.runtime.UncheckedWorld;

/**
 * A pool thread out of work takes a TD that waits on a busy thread (TdHomes, ParPool.donate): with 2 threads,
 * TDs 0 and 2 start on thread 1's neighbour (thread 0) and spin forever, TD 1 (thread 1's) has nothing to do. Without
 * the move both spinners share thread 0 forever and the test times out; with it one of them runs on thread 1.
 */
class TdMovesTest {
  private record Spin() {}

  /** The threads the two spinners ran on when they were first seen on different ones. */
  private static final class Spinners extends UncheckedWorld {
    final CompletableFuture<Map<String, String>> apart = new CompletableFuture<>();
    final Map<String, String> lastThread = new ConcurrentHashMap<>();

    private Behavior<Spin> spinner() {
      return Behaviors.setup(ctx -> {
        ctx.getSelf().tell(new Spin());
        return Behaviors.receiveMessage(s -> {
          lastThread.put(ctx.getSelf().path().name(), Thread.currentThread().getName());
          if (new HashSet<>(lastThread.values()).size() == 2) apart.complete(Map.copyOf(lastThread));
          ctx.getSelf().tell(new Spin());
          return Behaviors.same();
        });
      });
    }

    @Override
    public Behavior<?> root() {
      return Behaviors.setup(ctx -> {
        ctx.spawn(spinner(), "td-0");
        ctx.spawn(Behaviors.empty(), "td-1");
        ctx.spawn(spinner(), "td-2");
        return Behaviors.empty();
      });
    }
  }

  @Test
  void anIdleThreadTakesATdThatWaitsOnABusyOne() throws Exception {
    try (ParallelSystem sys = ParallelSystem.create("par-moves", ParallelSettings.defaults().withThreads(2))) {
      Spinners w = new Spinners();
      ParallelRun run = sys.start(w);
      // an event, not a sleep: it times out only if no TD ever moves (both start on thread 0 and never end)
      Map<String, String> threads = w.apart.get(120, TimeUnit.SECONDS);
      run.pause();
      run.finish();
      assertEquals(Set.of("td-0", "td-2"), threads.keySet());
      assertNotEquals(threads.get("td-0"), threads.get("td-2"), "the spinners of TDs 0 and 2 ran side by side");
    }
  }
}
