package tdxsim.stress.minimize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tdxsim.stress.schedule.Decision;
import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;

/**
 * Follows a candidate decision list loosely: at each step it runs the enabled delivery that matches the earliest
 * candidate not used yet (by receiver, sender and message class; the per-receiver sequence number is ignored,
 * since leaving a candidate out shifts it). When no candidate matches, it keeps delivering to the receiver it
 * delivered to last (fewer context switches), else takes the first enabled delivery in the canonical order.
 *
 * <p>Unlike {@link tdxsim.stress.strategy.ReplayStrategy} it never diverges, so any sublist or reordering of a
 * trace is a schedule the minimizer can try. It ends the schedule after {@code maxPicks} deliveries: a candidate
 * that needs more steps than the best trace so far cannot be an improvement, so there is no point running it on.
 *
 * <p>Enabled deliveries are channel heads, one per (sender, receiver), so each has its own key; the candidates
 * with one key are consumed in order, which makes "the earliest unused matching candidate" one array read per
 * enabled delivery.
 */
final class GuidedStrategy implements Strategy {
  /** The list positions of the candidates with one (receiver, sender, message) key, and how many are used. */
  private static final class Cursor {
    private int[] positions = new int[4];
    private int size;
    private int next;

    void add(int position) {
      if (size == positions.length) positions = java.util.Arrays.copyOf(positions, size * 2);
      positions[size++] = position;
      assert size == 1 || positions[size - 2] < position : "candidate positions out of order at " + position;
    }

    int head() {
      assert next >= 0 : "cursor " + next + " of " + size;
      assert next <= size : "cursor " + next + " of " + size;
      return next < size ? positions[next] : Integer.MAX_VALUE;
    }
  }

  private final Map<String, Map<String, Map<String, Cursor>>> byKey = new HashMap<>();
  private final List<Cursor> cursors = new ArrayList<>();
  private final long maxPicks;
  private long picks;
  private String lastReceiver;
  private int followed;

  GuidedStrategy(List<Decision> candidates, long maxPicks) {
    this.maxPicks = maxPicks;
    for (int i = 0; i < candidates.size(); i++) {
      Decision d = candidates.get(i);
      Cursor c =
          byKey
              .computeIfAbsent(d.receiver(), k -> new HashMap<>())
              .computeIfAbsent(d.sender(), k -> new HashMap<>())
              .get(d.message());
      if (c == null) {
        c = new Cursor();
        byKey.get(d.receiver()).get(d.sender()).put(d.message(), c);
        cursors.add(c);
      }
      c.add(i);
    }
    assert cursors.size() <= candidates.size() : cursors.size() + " keys for " + candidates.size();
    assert maxPicks >= 0 : cursors.size() + " keys for " + candidates.size();
  }

  @Override
  public String name() {
    return "guided";
  }

  @Override
  public void reset(long scheduleSeed) {
    picks = 0;
    followed = 0;
    lastReceiver = null;
    for (Cursor c : cursors) c.next = 0;
    assert picks == 0 : "guided reset to " + picks;
    assert followed == 0 : "guided reset to " + picks;
  }

  @Override
  public int pick(List<Delivery> enabled) {
    if (picks >= maxPicks) return -1;
    assert !enabled.isEmpty() : "pick from an empty enabled list";
    int best = -1;
    Cursor bestCursor = null;
    int bestPosition = Integer.MAX_VALUE;
    for (int i = 0, n = enabled.size(); i < n; i++) {
      Cursor c = cursor(enabled.get(i));
      if (c != null && c.head() < bestPosition) {
        best = i;
        bestCursor = c;
        bestPosition = c.head();
      }
    }
    if (bestCursor != null) {
      bestCursor.next++;
      followed++;
    } else {
      best = fallback(enabled);
    }
    picks++;
    assert best >= 0 : "guided picked " + best;
    assert best < enabled.size() : "guided picked " + best;
    assert picks <= maxPicks : "guided picked " + best;
    lastReceiver = enabled.get(best).receiver();
    return best;
  }

  /** Deliveries that followed a candidate (the rest were defaults). */
  int followed() {
    assert followed >= 0 : followed + " followed of " + picks;
    assert followed <= picks : followed + " followed of " + picks;
    return followed;
  }

  private Cursor cursor(Delivery d) {
    assert d != null : "the cursor of no delivery";
    Map<String, Map<String, Cursor>> bySender = byKey.get(d.receiver());
    if (bySender == null) return null;
    Map<String, Cursor> byMessage = bySender.get(d.sender());
    return byMessage == null ? null : byMessage.get(d.messageClass().getSimpleName());
  }

  private int fallback(List<Delivery> enabled) {
    assert !enabled.isEmpty() : "fallback from an empty enabled list";
    if (lastReceiver != null) {
      for (int i = 0, n = enabled.size(); i < n; i++) {
        if (enabled.get(i).receiver().equals(lastReceiver)) return i;
      }
    }
    return 0;
  }
}
