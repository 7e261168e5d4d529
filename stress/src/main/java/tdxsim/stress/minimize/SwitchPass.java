package tdxsim.stress.minimize;

import java.util.ArrayList;
import java.util.List;
import tdxsim.stress.schedule.Decision;

/**
 * Removes needless context switches: where the receiver changes from R to S, tries to pull R's next delivery
 * forward to just after R's run, so R keeps running. Kept only when the schedule still breaks the invariant and
 * is no longer with fewer switches; a switch the race needs stays.
 */
final class SwitchPass {
  private SwitchPass() {}

  static boolean run(Search search) {
    search.pass("switches");
    boolean improved = false;
    int i = 1;
    while (!search.exhausted()) {
      List<Decision> list = search.best().decisions();
      if (i >= list.size()) break;
      String previous = list.get(i - 1).receiver();
      if (!list.get(i).receiver().equals(previous)) {
        int j = nextTo(list, previous, i + 1);
        if (j >= 0) {
          List<Decision> moved = new ArrayList<>(list);
          moved.add(i, moved.remove(j));
          assert j > i : "moved " + j + " to " + i + " of " + list.size();
          assert moved.size() == list.size() : "moved " + j + " to " + i + " of " + list.size();
          if (search.attempt(moved)) {
            improved = true;
            assert search.best().decisions().size() <= list.size() : "a moved schedule grew";
            continue; // look at the same place in the new best
          }
        }
      }
      i++;
    }
    return improved;
  }

  private static int nextTo(List<Decision> list, String receiver, int from) {
    assert from >= 1 : "nextTo from " + from;
    assert receiver != null : "nextTo from " + from;
    for (int j = from; j < list.size(); j++) {
      if (list.get(j).receiver().equals(receiver)) return j;
    }
    return -1;
  }
}
