package tdxsim.stress.parallel;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One pool thread's ready tasks, in time slices per group (a TD, see {@link ParPool#group}): up to {@link #QUANTUM}
 * tasks of one group in the order they became ready, then the next group with work, round-robin, like a host
 * scheduler's time slices. Within a slice a TD's actors (a couple of MB of state) stay in the core's cache; taking
 * every actor in turn instead cost 2-3x at 10,000 vCPUs. Owned by one thread: no locks.
 */
final class SliceQueue {
  /** Tasks in a row for one group: about 2-3 ms of one core here. */
  static final int QUANTUM = 8192;

  private ArrayDeque<Runnable>[] groups = newGroups(8);
  /** Whether a group is in {@link #turns}. */
  private boolean[] waiting = new boolean[8];
  /** Groups with work waiting for their slice, in order. */
  private final ArrayDeque<Integer> turns = new ArrayDeque<>();
  /** The group whose slice it is, or -1. */
  private int turn = -1;
  private int left;

  @SuppressWarnings("unchecked")
  private static ArrayDeque<Runnable>[] newGroups(int n) {
    assert n > 0 : "groups of " + n;
    ArrayDeque<Runnable>[] g = new ArrayDeque[n];
    for (int i = 0; i < n; i++) g[i] = new ArrayDeque<>();
    return g;
  }

  /** A task of group {@code g} became ready: to the back of its group, which waits for a slice unless it has one. */
  void ready(Runnable task, int g) {
    assert task != null : "ready task of group " + g;
    assert g >= 0 : "ready task of group " + g;
    assert ownedByCaller() : "ready task of group " + g;
    if (g >= groups.length) grow(g + 1);
    groups[g].addLast(task);
    assert g < waiting.length : "group " + g + " of " + groups.length;
    assert groups.length == waiting.length : "group " + g + " of " + groups.length;
    if (g != turn && !waiting[g]) {
      waiting[g] = true;
      turns.addLast(g);
    }
    assert g == turn || waiting[g] : "group " + g + " with work waits for no slice";
  }

  /** The next task: the current group's, while its slice lasts; else the first of the next group with work. */
  Runnable next() {
    assert ownedByCaller() : "slice of " + left + " left";
    assert left >= 0 : "slice of " + left + " left";
    assert left < QUANTUM : "slice of " + left + " left";
    if (turn >= 0) {
      if (left > 0) {
        Runnable r = groups[turn].pollFirst();
        if (r != null) {
          left--;
          return r;
        }
      } else if (!groups[turn].isEmpty()) {
        waiting[turn] = true;
        turns.addLast(turn);
      }
      turn = -1;
    }
    for (Integer g; (g = turns.pollFirst()) != null; ) {
      waiting[g] = false;
      Runnable r = groups[g].pollFirst();
      if (r != null) {
        turn = g;
        left = QUANTUM - 1;
        assert turn >= 0 : "slice of group " + turn;
        assert turn < groups.length : "slice of group " + turn;
        assert !waiting[turn] : "slice of group " + turn;
        return r;
      }
    }
    return null;
  }

  /**
   * A TD group (not 0, the actors outside TDs) that waits for its slice and may move to another thread, the last
   * to become ready; -1 when moving it would leave this thread without another group with work.
   */
  int donatable() {
    assert ownedByCaller() : "donatable() from another thread";
    int others = turns.size() + (turn >= 0 && !groups[turn].isEmpty() ? 1 : 0);
    if (others < 2) return -1;
    for (java.util.Iterator<Integer> it = turns.descendingIterator(); it.hasNext(); ) {
      int g = it.next();
      if (g > 0 && !groups[g].isEmpty()) return g;
    }
    return -1;
  }

  /** Group {@code g}'s waiting tasks, in order, taken out of this queue (it no longer waits for a slice). */
  ArrayDeque<Runnable> take(int g) {
    assert ownedByCaller() : "take(" + g + ") from another thread";
    assert g > 0 && g < groups.length && g != turn : "take of group " + g + " (turn " + turn + ")";
    ArrayDeque<Runnable> tasks = groups[g];
    groups[g] = new ArrayDeque<>();
    if (waiting[g]) {
      waiting[g] = false;
      turns.remove((Integer) g);
    }
    assert !waiting[g] && groups[g].isEmpty() : "group " + g + " still here after take";
    return tasks;
  }

  /**
   * The group with the most waiting tasks, if it has at least two: half of them may go to a thread out of work when
   * no whole TD can ({@link #donatable}); else -1.
   */
  int halvable() {
    assert ownedByCaller() : "halvable() from another thread";
    int best = turn >= 0 && groups[turn].size() >= 2 ? turn : -1;
    for (int g : turns) {
      if (groups[g].size() >= 2 && (best < 0 || groups[g].size() > groups[best].size())) best = g;
    }
    return best;
  }

  /**
   * The later-ready half of group {@code g}'s waiting tasks (it has at least two: {@link #halvable}), taken out of
   * this queue in their order; the group keeps its earlier half and its place in the turns.
   */
  ArrayDeque<Runnable> takeHalf(int g) {
    assert ownedByCaller() : "takeHalf(" + g + ") from another thread";
    assert g >= 0 && g < groups.length && groups[g].size() >= 2 : "half of group " + g;
    ArrayDeque<Runnable> from = groups[g];
    ArrayDeque<Runnable> half = new ArrayDeque<>();
    for (int n = from.size() / 2; n > 0; n--) half.addFirst(from.pollLast());
    assert !from.isEmpty() && !half.isEmpty() : "half of group " + g + " taken";
    assert g == turn || waiting[g] : "group " + g + " with work waits for no slice";
    return half;
  }

  /** The one thread using this queue (its pool thread): taken by the first call, for the assertions only. */
  private Thread owner;

  /** Owned by one thread: the caller is the thread that first used this queue. */
  private boolean ownedByCaller() {
    Thread t = Thread.currentThread();
    if (owner == null) owner = t;
    return owner == t;
  }

  private void grow(int n) {
    assert n > groups.length : "grow of " + groups.length + " groups to " + n;
    ArrayDeque<Runnable>[] g = newGroups(Math.max(n, groups.length * 2));
    System.arraycopy(groups, 0, g, 0, groups.length);
    groups = g;
    waiting = Arrays.copyOf(waiting, g.length);
    assert waiting.length == groups.length : "grown to " + groups.length;
    assert groups.length >= n : "grown to " + groups.length;
  }
}
