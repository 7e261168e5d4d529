package tdxsim.stress.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tdxsim.stress.runtime.DirectedStrategy;
import tdxsim.stress.runtime.EnabledIndex;
import tdxsim.stress.strategy.Delivery;

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
 *
 * <p>It finds that delivery without the enabled list ({@link DirectedStrategy}): the receivers' next recorded
 * messages wait in a heap by recorded time, and the earliest is nearly always enabled (it was sent before it was
 * dequeued), so a step costs a heap operation and a lane lookup instead of a scan over every actor with a message
 * waiting. When the first {@value #PROBES} receivers on the heap have nothing enabled, the list decides.
 */
public final class RecordedOrderStrategy implements DirectedStrategy {
  /** Heap entries looked at before the enabled list decides instead. */
  static final int PROBES = 16;

  private final ReceiveOrders orders;
  private final String[] senders;
  private final Map<String, Cursor> byName = new HashMap<>();
  private final long total;
  private Cursor[] byIndex = new Cursor[64];
  private final Cursor[] cursors;
  private final int[] senderIds;
  private final CursorHeap heap = new CursorHeap();
  /** Receivers taken off the heap by {@link #next} and not chosen: they go back on it. */
  private final ArrayList<Cursor> held = new ArrayList<>();
  private long consumed;
  private long directed;
  private RecordDivergence divergence;

  private static final Cursor NONE = new Cursor(new ReceiveOrder("(none)", new long[0], new long[0]), -1);

  private static final class Cursor {
    final ReceiveOrder order;
    final int id;
    int pos;
    /** The receiver's {@link EnabledIndex} id in this world, -1 until it exists. */
    int receiver = -1;

    Cursor(ReceiveOrder order, int id) {
      this.order = order;
      this.id = id;
      assert order != null : "a cursor over no receive order";
      assert id >= -1 : "a cursor over no receive order";
    }

    boolean done() {
      assert pos >= 0 : order.actor() + ": cursor " + pos + " of " + order.size();
      assert pos <= order.size() : order.actor() + ": cursor " + pos + " of " + order.size();
      return pos == order.size();
    }
  }

  public RecordedOrderStrategy(ReceiveOrders orders) {
    this.orders = orders;
    this.senders = orders.senders().toArray(new String[0]);
    this.senderIds = new int[senders.length];
    Arrays.fill(senderIds, -1);
    List<Cursor> all = new ArrayList<>();
    long n = 0;
    for (ReceiveOrder o : orders.actors()) {
      Cursor c = new Cursor(o, all.size());
      if (byName.put(o.actor(), c) != null) throw new IllegalArgumentException("two receive orders for " + o.actor());
      all.add(c);
      n += o.size();
    }
    this.cursors = all.toArray(new Cursor[0]);
    this.total = n;
    assert cursors.length == orders.actors().size() : total + " messages in " + cursors.length;
    assert total >= 0 : total + " messages in " + cursors.length;
  }

  @Override
  public String name() {
    return "record";
  }

  @Override
  public void reset(long scheduleSeed) {
    Arrays.fill(byIndex, null);
    Arrays.fill(senderIds, -1);
    heap.clear();
    for (Cursor c : cursors) {
      c.pos = 0;
      c.receiver = -1;
      pushNext(c);
    }
    consumed = 0;
    directed = 0;
    divergence = null;
    assert consumed == 0 : "replay reset to " + consumed;
    assert directed == 0 : "replay reset to " + consumed;
    assert held.isEmpty() : "replay reset to " + consumed;
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
      assert best < enabled.size() : "pick " + best;
      assert bestCursor != null : "pick " + best;
      assert !bestCursor.done() : "pick " + best;
      advance(bestCursor);
      return best;
    }
    if (consumed < total) divergence = diagnose(enabled);
    assert consumed < total == (divergence != null) : consumed + " of " + total + ", divergence " + divergence;
    return -1;
  }

  /**
   * What {@link #pick} would choose: the enabled next-recorded message with the earliest recorded time (among equal
   * times, the receiver created first), looked up from the heap's earliest entries; null when the first
   * {@value #PROBES} receivers have none enabled.
   */
  @Override
  public Delivery next(EnabledIndex index) {
    Delivery d = top(index);
    return d != null ? d : search(index);
  }

  /**
   * The common step: the heap's top is enabled and alone at its time, so nothing can come before it; its cursor
   * moves on in one sift ({@link CursorHeap#replaceTop}) instead of a pop and a push. Null when that is not so.
   */
  private Delivery top(EnabledIndex index) {
    if (heap.isEmpty() || heap.secondTime() == heap.topTime()) return null;
    Cursor c = cursors[heap.topCursor()];
    if (c.pos != heap.topPosition()) return null;
    Delivery d = lookup(index, c);
    if (d == null) return null;
    c.pos++;
    consumed++;
    directed++;
    if (c.done()) heap.pop();
    else heap.replaceTop(c.order.time(c.pos), c.id, c.pos);
    return d;
  }

  private Delivery search(EnabledIndex index) {
    assert index != null : "next() with " + held.size() + " cursors held";
    assert held.isEmpty() : "next() with " + held.size() + " cursors held";
    Delivery best = null;
    Cursor bestCursor = null;
    long bestTime = 0;
    int looked = 0;
    while (!heap.isEmpty() && (best != null ? heap.topTime() == bestTime : looked < PROBES)) {
      Cursor c = cursors[heap.topCursor()];
      long t = heap.topTime();
      boolean stale = c.pos != heap.topPosition();
      heap.pop();
      if (stale) continue;
      looked++;
      Delivery d = lookup(index, c);
      if (d != null && (best == null || d.receiverIndex() < best.receiverIndex())) {
        if (bestCursor != null) held.add(bestCursor);
        best = d;
        bestCursor = c;
        bestTime = t;
      } else {
        held.add(c);
      }
    }
    for (int i = 0, n = held.size(); i < n; i++) pushNext(held.get(i));
    held.clear();
    assert (best == null) == (bestCursor == null) : "a chosen delivery without its cursor";
    if (bestCursor != null) {
      advance(bestCursor);
      directed++;
    }
    return best;
  }

  /** The enabled delivery of c's next recorded message, or null. */
  private Delivery lookup(EnabledIndex index, Cursor c) {
    assert !c.done() : c.order.actor() + ": lookup past its last recorded message";
    if (c.receiver < 0) c.receiver = index.receiverId(c.order.actor());
    if (c.receiver < 0) return null;
    int at = c.pos;
    int s = c.order.sender(at);
    if (senderIds[s] < 0) senderIds[s] = index.senderId(senders[s]);
    return index.enabled(c.receiver, senderIds[s], c.order.senderSeq(at));
  }

  private void advance(Cursor c) {
    assert !c.done() : c.order.actor() + ": advance past its last recorded message";
    c.pos++;
    consumed++;
    assert consumed <= total : "consumed " + consumed + " of " + total;
    pushNext(c);
  }

  /** Deliveries {@link #next} chose (the rest went through {@link #pick}'s scan of the enabled list). */
  public long directed() {
    assert directed <= consumed : directed + " directed of " + consumed;
    return directed;
  }

  private void pushNext(Cursor c) {
    assert c != NONE : "the cursor of no receive order pushed";
    if (!c.done()) heap.push(c.order.time(c.pos), c.id, c.pos);
  }

  private Cursor cursor(Delivery d) {
    assert d.receiverIndex() >= 0 : "receiver index " + d.receiverIndex();
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
    assert consumed >= 0 : consumed + " of " + total;
    assert consumed <= total : consumed + " of " + total;
    return consumed;
  }

  /** Recorded messages in all. */
  public long total() {
    assert total >= consumed : consumed + " of " + total;
    return total;
  }

  public boolean complete() {
    assert consumed <= total : consumed + " of " + total;
    return consumed == total;
  }

  /** The divergence, or null if every pick matched (so far). */
  public RecordDivergence divergence() {
    assert divergence == null || divergence.consumed() == consumed : "a stale divergence";
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
    assert !stuck.done() : stuck.order.actor() + " stuck though done";
    assert consumed < total : stuck.order.actor() + " stuck though done";
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
