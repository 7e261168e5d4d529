package tdxsim.stress.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One TD runs on more than one thread: a pool thread out of work takes single actors, each to a home of its own
 * (RunTask.moveTo), from a busy thread that has no whole TD to give (ParPool.share: the later half of its waiting runs
 * once the other has stayed out of work long enough), or when it takes an actor's run from another thread's inbox
 * (ParPool.next). Two actors spin forever at the same home (thread 0 for TD 0's, or thread 1 by their names' hash);
 * the other thread has nothing. No TD can move (there is one, or none), so without actor moves both spin on one
 * thread forever and the test times out; with them each spins on its own thread from then on, and the pool counts
 * the move.
 */
class ActorMovesTest {
  private static final int STREAK = 1000;

  /** Two spinners, children of {@code parent} (or of the root), and the threads they ran on once seen apart. */
  private static final class Spinners extends SpinnerWorld {
    final CompletableFuture<Map<String, String>> apart = new CompletableFuture<>();
    final Map<String, String> lastThread = new ConcurrentHashMap<>();
    /** Runs in a row on its last thread, per spinner: a run taken once from another inbox at start-up is not a move. */
    final Map<String, Integer> streak = new ConcurrentHashMap<>();

    Spinners(String parent, List<String> names) {
      super(parent, names);
    }

    @Override
    boolean spun(String name) {
      String t = Thread.currentThread().getName();
      streak.merge(name, 1, (a, b) -> t.equals(lastThread.get(name)) ? a + 1 : 1);
      lastThread.put(name, t);
      if (settled()) apart.complete(Map.copyOf(lastThread));
      return true;
    }

    /** Both spinners have run {@value #STREAK} times in a row each on its own thread. */
    private boolean settled() {
      if (new HashSet<>(lastThread.values()).size() != 2) return false;
      return names.stream().allMatch(n -> streak.getOrDefault(n, 0) >= STREAK);
    }
  }

  private static void spinnersRunApart(String parent, List<String> names) throws Exception {
    try (ParallelSystem sys = ParallelSystem.create("par-actor-moves", ParallelSettings.defaults().withThreads(2))) {
      Spinners w = new Spinners(parent, names);
      ParallelRun run = sys.start(w);
      // an event, not a sleep: it times out only if no actor ever moves (both spin on one thread forever)
      Map<String, String> threads = w.apart.get(120, TimeUnit.SECONDS);
      run.pause();
      long[] moves = sys.runtime().moves();
      run.finish();
      assertEquals(new HashSet<>(names), threads.keySet());
      assertNotEquals(threads.get(names.get(0)), threads.get(names.get(1)), "the spinners ran side by side");
      assertTrue(moves[1] + moves[2] >= 1, "actors moved alone: " + moves[1] + " taken, " + moves[2] + " given");
      assertEquals(0, moves[0], "no TD moved whole: there was no other TD to keep");
    }
  }

  @Test
  void anIdleThreadTakesAnActorOfTheOneBusyTd() throws Exception {
    assertEquals(0, ParPool.home(ParPool.td("td-0/a"), "td-0/a", 2, false), "TD 0's actors start on thread 0");
    spinnersRunApart("td-0", List.of("a", "b"));
  }

  @Test
  void anIdleThreadTakesAnActorOfAOneTdWorld() throws Exception {
    // a world of one TD (no td-N names): its actors are at home where their names hash; these two on thread 1
    assertEquals(ParPool.home(-1, "a", 2, false), ParPool.home(-1, "c", 2, false), "both spinners start on one thread");
    spinnersRunApart(null, List.of("a", "c"));
  }
}
