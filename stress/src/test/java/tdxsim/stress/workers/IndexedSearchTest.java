package tdxsim.stress.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The executor alone, on a job without actors: index i "violates" when it is in a fixed set. Whatever the number
 * of workers, the lowest violating index is the one kept, every range below it is kept whole and nothing above.
 */
class IndexedSearchTest {
  /** A range outcome: indices run and the first violating one. */
  record Outcome(long from, long ran, long violationIndex, long sum) implements RangeOutcome {}

  /** Violates at {@code bad}; reports the sum of the indices it ran, so a lost or doubled index shows. */
  record Job(int rangeSize, Set<Long> bad) implements RangeJob<Outcome> {
    @Override
    public RangeWorker<Outcome> open(int worker) {
      return new RangeWorker<>() {
        @Override
        public Outcome run(long from, long to, RangeControl control) {
          long sum = 0;
          for (long i = from; i < to && control.proceed(i); i++) {
            sum += i;
            control.done(1);
            if (bad.contains(i)) return new Outcome(from, i - from + 1, i, sum);
          }
          return new Outcome(from, 0, RangeOutcome.NONE, sum);
        }

        @Override
        public void close() {}
      };
    }
  }

  private static SearchResult<Outcome> search(Job job, long total, int workers) {
    return IndexedSearch.run(job, total, workers, Duration.ofMinutes(5), null);
  }

  @Test
  void theLowestViolationIsKeptWithEveryRangeBelowItForOneToFourWorkers() {
    // a violation early in range 5, and later ones in ranges 6..9 that faster workers may find first
    Job job = new Job(10, Set.of(53L, 61L, 70L, 85L, 99L));
    for (int workers = 1; workers <= 4; workers++) {
      SearchResult<Outcome> r = search(job, 100, workers);
      assertEquals(53L, r.violation().orElseThrow().violationIndex(), workers + " workers");
      List<Long> froms = new ArrayList<>();
      long sum = 0;
      for (Outcome o : r.ranges()) {
        froms.add(o.from());
        sum += o.sum();
      }
      assertEquals(List.of(0L, 10L, 20L, 30L, 40L, 50L), froms, workers + " workers");
      assertEquals(53L * 54 / 2, sum, workers + " workers: every index 0..53 once");
      assertFalse(r.timedOut());
    }
  }

  @Test
  void aCleanSearchKeepsEveryRangeOnceWhateverTheWorkers() {
    for (int workers = 1; workers <= 4; workers++) {
      SearchResult<Outcome> r = search(new Job(7, Set.of()), 100, workers);
      assertTrue(r.violation().isEmpty());
      assertEquals(15, r.ranges().size(), "ceil(100 / 7) ranges");
      assertEquals(99L * 100 / 2, r.ranges().stream().mapToLong(Outcome::sum).sum());
    }
  }

  @Test
  void aWorkerThatFailsFailsTheSearchWithItsException() {
    RangeJob<Outcome> broken = new RangeJob<>() {
      @Override
      public int rangeSize() {
        return 4;
      }

      @Override
      public RangeWorker<Outcome> open(int worker) {
        throw new IllegalStateException("no system for worker " + worker);
      }
    };
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> IndexedSearch.run(broken, 10, 2, Duration.ofMinutes(1), null));
    assertTrue(e.getMessage().startsWith("no system for worker"), e.getMessage());
  }

  @Test
  void aLostRangeIsHandedOutAgainBeforeAnyFreshOneAndCountsOnce() {
    RangeBook<Outcome> book = new RangeBook<>(30, 10);
    assertEquals(0, book.next());
    assertEquals(1, book.next());
    book.lose(0);
    assertEquals(0, book.next(), "the lost range first");
    assertEquals(1, book.reassigned());
    assertTrue(book.complete(0, new Outcome(0, 10, RangeOutcome.NONE, 45)));
    assertFalse(book.complete(0, new Outcome(0, 10, RangeOutcome.NONE, 45)), "a second copy is ignored");
    assertTrue(book.complete(1, new Outcome(10, 3, 12, 33)));
    assertEquals(-1, book.next(), "range 2 starts above the violation at 12");
    assertTrue(book.finished());
    assertEquals(2, book.kept().size());
  }
}
