package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import tdxsim.actors.monitor.Violation;
import tdxsim.stress.model.StressScenario;
import tdxsim.stress.runtime.UncheckedWorld;
import tdxsim.stress.scenario.Scenario;

/**
 * A world that keeps each TD on one thread ({@link ConcurrentWorld#tdsOnOneThread}, as {@link TdxParallelWorld}
 * does) never splits one: two actors that spin on each other's thread for far more than {@link ParPool#PATIENCE}
 * runs, while the other pool thread has nothing to do, stay on one thread, thread 0, and the pool moves no actor.
 * The same spinners in a world that does not keep TDs whole are split ({@link ActorMovesTest}).
 */
class TdsOnOneThreadTest {
  /** Spins per spinner: well over the busy thread's patience before it would give actors to an idle thread. */
  private static final int SPINS = 3 * ParPool.PATIENCE;

  private static final class Spinners extends SpinnerWorld implements WholeTds {
    final Map<Integer, Boolean> threads = new ConcurrentHashMap<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Map<String, Integer> runs = new ConcurrentHashMap<>();
    private final AtomicInteger finished = new AtomicInteger();

    Spinners(String parent, List<String> names) {
      super(parent, names);
    }

    @Override
    boolean spun(String name) {
      threads.put(((ParWorkerThread) Thread.currentThread()).index, true);
      if (runs.merge(name, 1, Integer::sum) < SPINS) return true;
      if (finished.incrementAndGet() == names.size()) done.complete(null);
      return false;
    }
  }

  /** A world that keeps its TDs whole, with no checks. */
  private interface WholeTds extends ConcurrentWorld {
    @Override
    default boolean tdsOnOneThread() {
      return true;
    }

    @Override
    default Optional<Violation> firstViolation() {
      return Optional.empty();
    }
  }

  /** A world of no actors that keeps its TDs whole. */
  private static final class Empty extends UncheckedWorld implements WholeTds {
    @Override
    public Behavior<?> root() {
      return Behaviors.empty();
    }
  }

  /**
   * The pool's moves once the system's own start-up is over. Its actors (guardians, the host of the worlds) may still
   * run, and be taken by an idle thread, after the system is created; from the first world that keeps TDs whole on,
   * nothing is taken.
   */
  private static long[] movesAfterStartUp(ParallelSystem sys) {
    ParallelResult r = ParallelRunner.run(sys, new Empty(), ParallelRunner.Options.until(Duration.ofSeconds(60)));
    assertEquals(ParallelResult.StopReason.QUIESCENT, r.stoppedBy(), "an empty world ends at once");
    return sys.runtime().moves();
  }

  private static void spinnersStayOnThreadZero(String parent, List<String> names) throws Exception {
    try (ParallelSystem sys = ParallelSystem.create("par-tds-whole", ParallelSettings.defaults().withThreads(2))) {
      Spinners w = new Spinners(parent, names);
      long[] before = movesAfterStartUp(sys);
      ParallelRun run = sys.start(w);
      w.done.get(120, TimeUnit.SECONDS); // an event, not a sleep: the spinners stop after SPINS runs each
      run.pause();
      long[] after = sys.runtime().moves();
      long[] moves = {after[0] - before[0], after[1] - before[1], after[2] - before[2]};
      run.finish();
      assertEquals(Set.of(0), w.threads.keySet(), "every run of the spinners on thread 0");
      assertArrayEquals(new long[3], moves, "no TD and no actor moved");
    }
  }

  @Test
  void aTdxWorldOfOneTdRunsWithoutMovingAnActor() {
    Scenario s = StressScenario.scenario(new StressScenario.Spec(32, 32, 1, 4, 2, 8), List.of());
    TdxParallelWorld w = new TdxParallelWorld(s.tds(), s.bounds(), true);
    assertTrue(w.tdsOnOneThread(), "the TDX world keeps its TDs whole");
    try (ParallelSystem sys = ParallelSystem.create("par-tdx-whole", ParallelSettings.defaults().withThreads(2))) {
      long[] before = movesAfterStartUp(sys);
      ParallelResult r = ParallelRunner.run(sys, w, ParallelRunner.Options.until(Duration.ofSeconds(60)));
      long[] after = sys.runtime().moves();
      assertEquals(ParallelResult.StopReason.QUIESCENT, r.stoppedBy(), "the TD ran to its end");
      assertTrue(r.deliveries() > 10_000, r.deliveries() + " deliveries");
      assertArrayEquals(before, after, "no TD and no actor moved");
    }
  }

  @Test
  void aTdOfAHostStaysOnItsHomeThread() throws Exception {
    spinnersStayOnThreadZero("td-0", List.of("a", "b"));
  }

  @Test
  void aWorldThatIsOneTdStartsOnThreadZeroAndStaysThere() throws Exception {
    // by their names' hash both would start on thread 1 (ActorMovesTest)
    assertTrue(ParPool.home(-1, "a", 2, false) == 1 && ParPool.home(-1, "c", 2, false) == 1, "a and c hash to 1");
    assertEquals(0, ParPool.home(-1, "a", 2, true), "together on thread 0");
    spinnersStayOnThreadZero(null, List.of("a", "c"));
  }
}
