package tdxsim.stress.runtime;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;

/**
 * An actor's message queue in deterministic mode: FIFO per sending {@link Channel}, with the choice of which
 * channel's head is delivered next left to the driver.
 *
 * <p>For world actors {@link #dequeue()} returns null: a mailbox run for system messages never consumes a normal
 * message by itself; the driver hands the chosen message to the actor ({@link DetRuntime#deliver}).
 * {@link #hasMessages()} stays truthful so that Pekko re-registers the mailbox after such a run. Actors outside
 * the world (guardians, system actors) are housekeeping: they dequeue in lane order without a decision.
 */
final class DetMessageQueue implements MessageQueue, UnboundedMessageQueueSemantics {
  final DetRuntime runtime;
  /** This actor as a sender. */
  final Channel self;
  final boolean inWorld;
  /** Creation order within the schedule (-1 outside the world). */
  final int worldIndex;

  /** The mailbox that owns this queue, learnt when Pekko first submits it to the executor. */
  Mailbox mailbox;
  boolean parked;
  /** Normal messages delivered so far: the per-actor sequence number of decisions. */
  long delivered;

  Lane[] lanes = new Lane[2];
  /** The senders' {@link Channel#order}s of {@link #lanes}, ascending: a lane is found by binary search. */
  private int[] laneOrders = new int[2];
  int laneCount;
  int size;

  DetMessageQueue(DetRuntime runtime, Channel self, boolean inWorld, int worldIndex) {
    this.runtime = runtime;
    this.self = self;
    this.inWorld = inWorld;
    this.worldIndex = worldIndex;
    assert runtime != null : "a queue without its runtime or channel";
    assert self != null : "a queue without its runtime or channel";
    assert inWorld == (worldIndex >= 0) : self.name + ": world index " + worldIndex + ", in world " + inWorld;
  }

  @Override
  public void enqueue(ActorRef receiver, Envelope handle) {
    runtime.checkDriverThread("a message to ", self.name);
    Channel sender = runtime.current;
    assert handle != null : "a message to " + self.name + " from no channel";
    assert sender != null : "a message to " + self.name + " from no channel";
    laneFor(sender).add(handle, inWorld ? ++sender.sent : 0, inWorld ? runtime.chainOfNextSend() : 0);
    size++;
    assert size > 0 : self.name + " holds " + size + " after an enqueue";
    assert (!inWorld || sender.sent > 0) : self.name + " holds " + size + " after an enqueue";
  }

  /** Pekko's own dequeue: world actors get their messages from the driver ({@link #take}) instead. */
  @Override
  public Envelope dequeue() {
    assert size >= 0 : self.name + " holds " + size;
    if (inWorld && !runtime.direct) return null;
    for (int i = 0; i < laneCount; i++) {
      if (lanes[i].size > 0) return take(lanes[i]);
    }
    return null;
  }

  /** Removes the head of {@code lane}: the driver's delivery. */
  Envelope take(Lane lane) {
    assert lane.queue == this : "take from " + lane + " of " + self.name;
    assert lane.size > 0 : "take from " + lane + " of " + self.name;
    assert size > 0 : "take from " + lane + " of " + self.name;
    size--;
    delivered++;
    if (inWorld) runtime.worldDeliveries++;
    assert size >= 0 : self.name + ": " + size + " queued, " + delivered + " delivered";
    assert delivered > 0 : self.name + ": " + size + " queued, " + delivered + " delivered";
    return lane.poll();
  }

  @Override
  public int numberOfMessages() {
    assert size >= 0 : self.name + " holds " + size;
    return size;
  }

  @Override
  public boolean hasMessages() {
    return size > 0;
  }

  /**
   * A stopped world actor drops what is left: Pekko would publish it as dead letters, which no model observes,
   * and at the end of every schedule that would only cost time. Other actors hand it to dead letters as Pekko
   * does.
   */
  @Override
  public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
    if (parked) runtime.unpark(this);
    for (int i = 0; i < laneCount; i++) {
      Lane lane = lanes[i];
      while (lane.size > 0) {
        Envelope e = lane.poll();
        if (!inWorld) deadLetters.enqueue(owner, e);
      }
    }
    size = 0;
    assert !parked : self.name + " closed while parked";
    if (inWorld) runtime.worldQueueClosed();
  }

  /** The lane for {@code channel}, created on first use in canonical ({@link Channel#order}) position. */
  private Lane laneFor(Channel channel) {
    assert channel != null : "the lane of no channel";
    assert laneCount <= lanes.length : "the lane of no channel";
    Lane[] ls = lanes;
    int n = laneCount;
    Lane found = laneOf(channel.order);
    if (found != null && found.sender == channel) return found;
    for (int i = 0; i < n; i++) { // two channels of one order (system channels past 2^24): the canonical order's tie
      if (ls[i].sender == channel) return ls[i];
    }
    if (n == ls.length) {
      lanes = ls = java.util.Arrays.copyOf(ls, n * 2);
      laneOrders = java.util.Arrays.copyOf(laneOrders, n * 2);
    }
    int[] os = laneOrders;
    int at = n;
    while (at > 0 && ls[at - 1].sender.order > channel.order) {
      ls[at] = ls[at - 1];
      os[at] = os[at - 1];
      at--;
    }
    Lane lane = new Lane(this, channel);
    ls[at] = lane;
    os[at] = channel.order;
    laneCount = n + 1;
    // canonical order: lanes sorted by their channel's order (a tie of orders goes after its twin), one lane per channel
    assert at == 0 || ls[at - 1].sender.order <= channel.order : "lane " + channel + " out of order in " + self.name;
    assert at == n || ls[at + 1].sender.order > channel.order : "lane " + channel + " out of order in " + self.name;
    return lane;
  }

  /** The lane of the sender whose {@link Channel#order} is {@code order}, or null: a binary search, not a scan. */
  Lane laneOf(int order) {
    int i = java.util.Arrays.binarySearch(laneOrders, 0, laneCount, order);
    return i >= 0 ? lanes[i] : null;
  }
}
