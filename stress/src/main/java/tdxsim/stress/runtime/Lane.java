package tdxsim.stress.runtime;

import org.apache.pekko.dispatch.Envelope;
import tdxsim.stress.strategy.Delivery;

/**
 * The messages one channel sent to one receiver, FIFO (a power-of-two ring, no per-message allocation). Its head
 * is the {@link Delivery} the strategies see.
 */
final class Lane implements Delivery {
  final DetMessageQueue queue;
  final Channel sender;
  private Envelope[] ring = new Envelope[4];
  /** Per message, the sender's send sequence number ({@link Channel#sent} when it was enqueued). */
  private long[] seqs = new long[4];
  /** Per message, its causal chain ({@link DetRuntime#chainOf}): id shifted left once, low bit set on a fork. */
  private long[] chains = new long[4];
  private int head;
  int size;
  private long priority = UNSET;
  private int passedOver;
  /** The last message class seen at the head, and its name's hash: the sequence hash without a lookup per step. */
  private Class<?> hashedClass;
  private int hashedClassHash;

  Lane(DetMessageQueue queue, Channel sender) {
    this.queue = queue;
    this.sender = sender;
    assert queue != null : "a lane without its queue or sender";
    assert sender != null : "a lane without its queue or sender";
    assert invariant();
  }

  void add(Envelope e) {
    add(e, 0, 0);
  }

  /** Appends {@code e}, which its sender numbered {@code senderSeq} among all its sends to world actors. */
  void add(Envelope e, long senderSeq, long chain) {
    assert e != null : "a lane add of " + e + " numbered " + senderSeq;
    assert senderSeq >= 0 : "a lane add of " + e + " numbered " + senderSeq;
    // per-sender FIFO: a sender numbers its sends in order, so a lane's sequence numbers increase tail-ward
    assert size == 0 || senderSeq == 0 || senderSeq > seqs[(head + size - 1) & (ring.length - 1)]
        : sender.name + "'s message " + senderSeq + " queued behind a later one";
    if (size == ring.length) grow();
    int at = (head + size) & (ring.length - 1);
    ring[at] = e;
    seqs[at] = senderSeq;
    chains[at] = chain;
    if (size++ == 0) { // a new head: a newly enabled delivery
      priority = UNSET;
      passedOver = 0;
    }
    assert size <= ring.length : "lane of " + size;
    assert ring[(head + size - 1) & (ring.length - 1)] == e : "lane of " + size;
  }

  Envelope poll() {
    assert size > 0 : "poll of an empty lane " + sender.name + " -> " + queue.self.name;
    assert ring[head] != null : "poll of an empty lane " + sender.name + " -> " + queue.self.name;
    Envelope e = ring[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    size--;
    priority = UNSET;
    passedOver = 0;
    return e;
  }

  /** Field invariants (O(1)): a power-of-two ring holding size messages from head, the columns of one length. */
  private boolean invariant() {
    assert Integer.bitCount(ring.length) == 1 && seqs.length == ring.length && chains.length == ring.length
        : "lane columns of " + ring.length + ", " + seqs.length + ", " + chains.length;
    assert size >= 0 : "lane " + head + "+" + size;
    assert size <= ring.length : "lane " + head + "+" + size;
    assert head >= 0 : "lane " + head + "+" + size;
    assert head < ring.length : "lane " + head + "+" + size;
    assert passedOver >= 0 : "passed over " + passedOver + " times";
    return true;
  }

  Envelope peek() {
    assert size > 0 : "peek of an empty lane " + sender.name + " -> " + queue.self.name;
    return ring[head];
  }

  int headClassHash(Class<?> c) {
    assert c != null : "the hash of no message class";
    if (c != hashedClass) {
      hashedClass = c;
      hashedClassHash = c.getName().hashCode();
    }
    return hashedClassHash;
  }

  private void grow() {
    assert size == ring.length : "grow of a lane of " + size + " in a ring of " + ring.length;
    Envelope[] bigger = new Envelope[ring.length * 2];
    long[] biggerSeqs = new long[ring.length * 2];
    long[] biggerChains = new long[ring.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = ring[(head + i) & (ring.length - 1)];
      biggerSeqs[i] = seqs[(head + i) & (ring.length - 1)];
      biggerChains[i] = chains[(head + i) & (ring.length - 1)];
    }
    ring = bigger;
    seqs = biggerSeqs;
    chains = biggerChains;
    head = 0;
    assert invariant() : "lane grown to " + ring.length;
    assert size < ring.length : "lane grown to " + ring.length;
  }

  // The Delivery accessors below carry no assertions: a strategy reads them for every enabled delivery at every
  // pick (the hot path); the lane's invariants are checked where it changes (add, poll, grow).
  @Override
  public String receiver() {
    return queue.self.name;
  }

  @Override
  public int receiverIndex() {
    return queue.worldIndex;
  }

  @Override
  public long receiverSeq() {
    return queue.delivered + 1;
  }

  @Override
  public String sender() {
    return sender.name;
  }

  @Override
  public long senderSeq() {
    return seqs[head];
  }

  /** The chain of the head message, as {@link DetRuntime#chainOf} minted it. */
  long headChain() {
    assert size > 0 : "the chain of an empty lane's head";
    return chains[head];
  }

  @Override
  public long chain() {
    return chains[head] >>> 1;
  }

  @Override
  public boolean forked() {
    return (chains[head] & 1) != 0;
  }

  @Override
  public Class<?> messageClass() {
    return ring[head].message().getClass();
  }

  @Override
  public Object message() {
    return ring[head].message();
  }

  @Override
  public long priority() {
    return priority;
  }

  @Override
  public void setPriority(long priority) {
    this.priority = priority;
  }

  @Override
  public int passedOver() {
    return passedOver;
  }

  @Override
  public void setPassedOver(int n) {
    this.passedOver = n;
  }

  @Override
  public String toString() {
    return receiver() + '#' + receiverSeq() + " <- " + sender.name + ": " + messageClass().getSimpleName();
  }
}
