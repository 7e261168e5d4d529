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
  }

  void add(Envelope e) {
    add(e, 0, 0);
  }

  /** Appends {@code e}, which its sender numbered {@code senderSeq} among all its sends to world actors. */
  void add(Envelope e, long senderSeq, long chain) {
    if (size == ring.length) grow();
    int at = (head + size) & (ring.length - 1);
    ring[at] = e;
    seqs[at] = senderSeq;
    chains[at] = chain;
    if (size++ == 0) { // a new head: a newly enabled delivery
      priority = UNSET;
      passedOver = 0;
    }
  }

  Envelope poll() {
    Envelope e = ring[head];
    ring[head] = null;
    head = (head + 1) & (ring.length - 1);
    size--;
    priority = UNSET;
    passedOver = 0;
    return e;
  }

  Envelope peek() {
    return ring[head];
  }

  int headClassHash(Class<?> c) {
    if (c != hashedClass) {
      hashedClass = c;
      hashedClassHash = c.getName().hashCode();
    }
    return hashedClassHash;
  }

  private void grow() {
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
  }

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
