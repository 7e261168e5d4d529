package tdxsim.stress.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tdxsim.stress.strategy.Delivery;
import tdxsim.stress.strategy.Strategy;

/**
 * Replays a parallel run's receive orders on the deterministic runtime: at each step it allows only a delivery
 * whose message, named by its sender-minted id (sender, sender sequence number; {@link Delivery#senderSeq}), is
 * its receiver's next recorded message. Any such delivery will do, since actors are deterministic functions of
 * their receive order; among several it takes the one dequeued first in the recorded run (the recorded times),
 * so that the monitor sees the observations in about the order it saw them under threads.
 *
 * <p>When every recorded message is delivered it ends the schedule (what the run still had in flight at its final
 * cut stays undelivered). When none of the enabled deliveries is a receiver's next recorded message while some
 * remain, it ends the schedule with a {@link RecordDivergence} naming the stuck entry that was recorded earliest
 * (a message caused by a stuck one was dequeued after it, so this is the first broken link).
 */
public final class RecordedOrderStrategy implements Strategy {
  private final ReceiveOrders orders;
  private final String[] senders;
  private final Map<String, Cursor> byName = new HashMap<>();
  private final long total;
  private Cursor[] byIndex = new Cursor[64];
  private long consumed;
  private RecordDivergence divergence;

  private static final Cursor NONE = new Cursor(new ReceiveOrder("(none)", new long[0], new long[0]));

  private static final class Cursor {
    final ReceiveOrder order;
    int pos;

    Cursor(ReceiveOrder order) {
      this.order = order;
    }

    boolean done() {
      return pos == order.size();
    }
  }

  public RecordedOrderStrategy(ReceiveOrders orders) {
    this.orders = orders;
    this.senders = orders.senders().toArray(new String[0]);
    long n = 0;
    for (ReceiveOrder o : orders.actors()) {
      if (byName.put(o.actor(), new Cursor(o)) != null) {
        throw new IllegalArgumentException("two receive orders for " + o.actor());
      }
      n += o.size();
    }
    this.total = n;
  }

  @Override
  public String name() {
    return "record";
  }

  @Override
  public void reset(long scheduleSeed) {
    for (Cursor c : byName.values()) c.pos = 0;
    Arrays.fill(byIndex, null);
    consumed = 0;
    divergence = null;
  }

  @Override
  public int pick(List<Delivery> enabled) {
    int best = -1;
    long bestTime = Long.MAX_VALUE;
    Cursor bestCursor = null;
    for (int i = 0, n = enabled.size(); i < n; i++) {
      Delivery d = enabled.get(i);
      Cursor c = cursor(d);
      if (c.done()) continue;
      int at = c.pos;
      ReceiveOrder o = c.order;
      if (o.senderSeq(at) != d.senderSeq() || !senders[o.sender(at)].equals(d.sender())) continue;
      long t = o.time(at);
      if (t < bestTime) {
        bestTime = t;
        best = i;
        bestCursor = c;
      }
    }
    if (best >= 0) {
      bestCursor.pos++;
      consumed++;
      return best;
    }
    if (consumed < total) divergence = diagnose(enabled);
    return -1;
  }

  private Cursor cursor(Delivery d) {
    int i = d.receiverIndex();
    if (i >= byIndex.length) byIndex = Arrays.copyOf(byIndex, Math.max(i + 1, byIndex.length * 2));
    Cursor c = byIndex[i];
    if (c == null) {
      c = byName.getOrDefault(d.receiver(), NONE);
      byIndex[i] = c;
    }
    return c;
  }

  /** Recorded messages delivered so far. */
  public long consumed() {
    return consumed;
  }

  /** Recorded messages in all. */
  public long total() {
    return total;
  }

  public boolean complete() {
    return consumed == total;
  }

  /** The divergence, or null if every pick matched (so far). */
  public RecordDivergence divergence() {
    return divergence;
  }

  /**
   * Names the stuck entry recorded earliest and what was on offer for its receiver; {@code enabled} is empty when
   * the run ended on its own (nothing enabled) before the record did.
   */
  public RecordDivergence diagnose(List<Delivery> enabled) {
    Cursor stuck = null;
    for (ReceiveOrder o : orders.actors()) {
      Cursor c = byName.get(o.actor());
      if (c.done()) continue;
      if (stuck == null || c.order.time(c.pos) < stuck.order.time(stuck.pos)) stuck = c;
    }
    if (stuck == null) return null;
    ReceiveOrder o = stuck.order;
    List<String> offered = new ArrayList<>();
    for (Delivery d : enabled) {
      if (d.receiver().equals(o.actor())) {
        offered.add(d.sender() + "'s #" + d.senderSeq() + " (" + d.messageClass().getSimpleName() + ")");
      }
    }
    return new RecordDivergence(consumed + 1, o.actor(), stuck.pos + 1L, senders[o.sender(stuck.pos)],
        o.senderSeq(stuck.pos), offered, consumed, total);
  }
}
