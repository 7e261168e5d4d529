package tdxsim.stress.parallel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;

/**
 * An actor's message queue in parallel mode: an unbounded multi-producer, single-consumer linked queue (one
 * node per message, one atomic swap per enqueue, no lock; the same algorithm as Pekko's
 * {@code SingleConsumerOnlyUnboundedMailbox}).
 *
 * <p>While recording, each message to a world actor is stamped at enqueue with the sender-minted id (sender's
 * index, sender's own send sequence number, counted in the sender's queue object and touched only by the thread
 * running the sender), and the receiver appends that id to its own {@link ReceiveLog} when it dequeues: the
 * receive order, written by the one consumer, without locks. The sender is the actor the enqueuing thread is
 * running ({@link ParWorkerThread#current}); a send from anywhere else is {@code external} (or {@code timer} from
 * Pekko's scheduler thread). Without recording a message costs one node and nothing else.
 */
final class ParMessageQueue implements MessageQueue, UnboundedMessageQueueSemantics {
  private static final VarHandle TAIL;
  private static final VarHandle NEXT;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      TAIL = l.findVarHandle(ParMessageQueue.class, "tail", Node.class);
      NEXT = l.findVarHandle(Node.class, "next", Node.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static class Node {
    Envelope env;
    volatile Node next;

    Node(Envelope env) {
      this.env = env;
    }
  }

  /** A message to a world actor while recording: who sent it, and the sender's sequence number for it. */
  static final class StampedNode extends Node {
    final int sender;
    final long seq;

    StampedNode(Envelope env, int sender, long seq) {
      super(env);
      this.sender = sender;
      this.seq = seq;
      // sender-minted ids fit a receive-log entry: the sequence number its 40 bits, the sender index the rest
      assert sender >= 0 && sender < ParRuntime.MAX_SENDERS && seq > 0 && seq <= ParRuntime.SEQ_MASK
          : "a message stamped (" + sender + ", " + seq + ")";
    }
  }

  final ParRuntime runtime;
  /** Logical name: relative to the world root for world actors ({@code vcpu-3}), else the path. */
  final String name;
  /** Sender index ({@link ParRuntime#FIRST_WORLD} and up for world actors). */
  final int index;
  final boolean inWorld;
  private final boolean stamp;

  @SuppressWarnings("unused") // through TAIL
  private volatile Node tail;
  /** Consumer side: the last node taken (a stub whose next is the first message). */
  private Node head;

  /** As a sender: messages this actor sent to world actors. Only the thread running this actor touches it. */
  long sent;
  /** Normal messages this actor dequeued. Written by its consumer only; others read it racily for progress. */
  long delivered;
  /** Receive order (recording world actors only): full chunks there, the chunk being filled here. */
  final ReceiveLog log;

  private java.nio.ByteBuffer logChunk;
  /** Longs used in {@link #logChunk}, and its capacity in longs. */
  private int logUsed;

  private int logCapacity;

  private RunTask task;

  ParMessageQueue(ParRuntime runtime, String name, int index, boolean inWorld) {
    this.runtime = runtime;
    this.name = name;
    this.index = index;
    this.inWorld = inWorld;
    this.stamp = inWorld && runtime.recording;
    this.log = stamp ? new ReceiveLog() : null;
    this.logChunk = stamp ? ReceiveLog.chunk(ReceiveLog.FIRST_CHUNK) : null;
    this.logCapacity = ReceiveLog.FIRST_CHUNK;
    Node stub = new Node(null);
    this.head = stub;
    this.tail = stub;
    assert name != null : name + " at sender index " + index;
    assert inWorld == (index >= ParRuntime.FIRST_WORLD) : name + " at sender index " + index;
    assert !stamp || logChunk.capacity() == logCapacity * Long.BYTES : "a receive log of " + logCapacity;
  }

  /** Messages in the receive log (read at a consistent cut). */
  long logSize() {
    assert log != null : name + ": log of " + logUsed;
    assert logUsed >= 0 : name + ": log of " + logUsed;
    assert logUsed <= logCapacity : name + ": log of " + logUsed;
    return log.size(logUsed);
  }

  /** The receive log as {ids, times} (read at a consistent cut). */
  long[][] logArrays() {
    assert log != null : name + ": log of " + logUsed;
    assert logUsed % ReceiveLog.ENTRY == 0 : name + ": log of " + logUsed;
    return log.flatten(logChunk, logUsed);
  }

  /** This queue's mailbox, once Pekko has run it (read at a barrier). */
  Mailbox mailboxOrNull() {
    assert task == null || task.mailbox != null : name + ": a task without its mailbox";
    RunTask t = task;
    return t == null ? null : t.mailbox;
  }

  /** The task that runs this queue's mailbox (Pekko submits a mailbox at most once at a time). */
  RunTask task(Mailbox m) {
    assert m != null : name + ": the task of no mailbox";
    RunTask t = task;
    if (t == null || t.mailbox != m) task = t = new RunTask(runtime, this, m);
    assert t.mailbox == m : name + ": a task of another mailbox";
    return t;
  }

  @Override
  public void enqueue(ActorRef receiver, Envelope handle) {
    Node n = stamp ? stamped(handle) : new Node(handle);
    assert handle != null : name + ": enqueue of no message";
    assert n.env == handle : name + ": enqueue of no message";
    Node prev = (Node) TAIL.getAndSet(this, n);
    NEXT.setRelease(prev, n);
  }

  private StampedNode stamped(Envelope e) {
    Thread t = Thread.currentThread();
    ParMessageQueue sender = t instanceof ParWorkerThread ? ((ParWorkerThread) t).current : null;
    assert stamp : name + ": a stamp without recording";
    assert e != null : name + ": a stamp without recording";
    if (sender != null) return new StampedNode(e, sender.index, ++sender.sent);
    if (t.getName().contains("-scheduler-")) {
      return new StampedNode(e, ParRuntime.TIMER, runtime.timerSent.incrementAndGet());
    }
    return new StampedNode(e, ParRuntime.EXTERNAL, runtime.externalSent.incrementAndGet());
  }

  @Override
  public Envelope dequeue() {
    if (inWorld && runtime.frozen) return null;
    Node h = head;
    Node n = (Node) NEXT.getAcquire(h);
    if (n == null) return null;
    head = n;
    // The old head is garbage: unlinked, it cannot keep the messages after it alive once it has been promoted (a
    // dead old-generation node is a root for every young GC: the whole later stream was being promoted).
    NEXT.set(h, null);
    Envelope e = n.env;
    n.env = null;
    assert e != null : name + ": a node without its message";
    assert delivered >= 0 : name + ": a node without its message";
    delivered++;
    if (stamp) {
      StampedNode s = (StampedNode) n;
      java.nio.ByteBuffer c = logChunk;
      int u = logUsed;
      if (u == logCapacity) {
        logChunk = c = log.next(c, u);
        logCapacity = c.capacity() / Long.BYTES;
        u = 0;
      }
      c.putLong(u * Long.BYTES, ((long) s.sender << ParRuntime.SEQ_BITS) | (s.seq & ParRuntime.SEQ_MASK));
      c.putLong((u + 1) * Long.BYTES, System.nanoTime() - runtime.originNanos);
      logUsed = u + ReceiveLog.ENTRY;
      assert logUsed <= logCapacity : name + ": log entry at " + u + " of " + logCapacity;
      assert s.seq > 0 : name + ": log entry at " + u + " of " + logCapacity;
    }
    return e;
  }

  @Override
  public boolean hasMessages() {
    assert head != null : name + ": no stub node";
    if (inWorld && runtime.frozen) return false;
    return NEXT.getAcquire(head) != null;
  }

  /** Pending messages (walks the queue: Pekko asks only for diagnostics). */
  @Override
  public int numberOfMessages() {
    assert head != null : name + ": no stub node";
    int count = 0;
    for (Node n = (Node) NEXT.getAcquire(head); n != null; n = (Node) NEXT.getAcquire(n)) count++;
    return count;
  }

  /** Whether a message is waiting, regardless of a freeze (read at a barrier). */
  boolean pending() {
    assert head != null : name + ": no stub node";
    return NEXT.getAcquire(head) != null;
  }

  /**
   * A stopped world actor drops what is left (no model observes dead letters, and at the end of a big run there
   * may be many); other actors hand it to dead letters as Pekko does.
   */
  @Override
  public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
    for (Node n = (Node) NEXT.getAcquire(head); n != null; n = (Node) NEXT.getAcquire(head)) {
      head = n;
      Envelope e = n.env;
      n.env = null;
      if (!inWorld) deadLetters.enqueue(owner, e);
    }
    if (inWorld) runtime.worldQueueClosed();
  }
}
