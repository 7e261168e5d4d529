package tdxsim.stress.minimize;

import java.util.ArrayList;
import java.util.List;
import tdxsim.stress.schedule.Decision;

/**
 * Zeller and Hildebrandt's ddmin ("Simplifying and Isolating Failure-Inducing Input", TSE 2002) over the decision
 * list, complements only: split the best list into n chunks, try leaving each chunk out; on success continue from
 * the executed schedule with n-1 chunks, else double n until chunks are single decisions. (The subset tests of
 * full ddmin almost never hold for schedules, whose early deliveries set up everything later.)
 *
 * <p>A success replaces the list by the schedule that actually ran, which may differ from the candidate (the
 * guided strategy fills gaps), so the result is always a replayable trace.
 */
final class DdminPass {
  private DdminPass() {}

  static boolean run(Search search) {
    search.pass("ddmin");
    boolean improved = false;
    int n = 2;
    while (!search.exhausted()) {
      List<Decision> list = search.best().decisions();
      int size = list.size();
      if (size < 2) break;
      n = Math.min(n, size);
      assert n >= 2 : n + " chunks of " + size;
      assert n <= size : n + " chunks of " + size;
      boolean reduced = false;
      for (int i = 0; i < n && !search.exhausted(); i++) {
        int from = (int) ((long) i * size / n);
        int to = (int) ((long) (i + 1) * size / n);
        List<Decision> complement = new ArrayList<>(size - (to - from));
        complement.addAll(list.subList(0, from));
        complement.addAll(list.subList(to, size));
        // a candidate leaves a non-empty chunk out: it is strictly shorter
        assert from < to : "chunk [" + from + ", " + to + ") of " + size;
        assert complement.size() < size : "chunk [" + from + ", " + to + ") of " + size;
        if (search.attempt(complement)) {
          reduced = true;
          assert search.best().size() <= size : "ddmin kept a candidate of " + search.best().size() + " of " + size;
          improved = true;
          n = Math.max(n - 1, 2);
          break;
        }
      }
      if (!reduced) {
        if (n >= size) break;
        n = Math.min(2 * n, size);
      }
    }
    return improved;
  }
}
