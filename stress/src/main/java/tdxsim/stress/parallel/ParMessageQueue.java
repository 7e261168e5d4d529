package tdxsim.stress.parallel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;

/**
 * An actor's message queue in parallel mode: an unbounded multi-producer, single-consumer queue of small arrays
 * ({@value #SLOTS} messages and a link to the next array). Producers take a spin lock held for a few stores (an actor
 * has at most a few senders at a time: the pool's threads) and publish the count with a volatile store; the one
 * consumer reads it with an acquire load and takes its messages without a lock. A linked node per message (the
 * algorithm of Pekko's {@code SingleConsumerOnlyUnboundedMailbox}, used here before) was 15% of all the bytes a
 * stress run allocated (JFR), as much as Pekko's {@code Envelope}: an array per {@value #SLOTS} messages is a sixth.
 *
 * <p>While recording, each message to a world actor is stamped at enqueue with the sender-minted id (sender's
 * index, sender's own send sequence number, counted in the sender's queue object and touched only by the thread
 * running the sender), and the receiver appends that id to its own {@link ReceiveLog} when it dequeues: the
 * receive order, written by the one consumer, without locks. The sender is the actor the enqueuing thread is
 * running ({@link ParWorkerThread#current}); a send from anywhere else is {@code external} (or {@code timer} from
 * Pekko's scheduler thread). Without recording a message costs its slot and nothing else.
 */
final class ParMessageQueue implements MessageQueue, UnboundedMessageQueueSemantics {
  /** Messages per array; slot {@code SLOTS} links the next array. */
  static final int SLOTS = 8;
  private static final VarHandle LOCK;
  private static final VarHandle PUBLISHED;
  private static final VarHandle TAKEN;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      LOCK = l.findVarHandle(ParMessageQueue.class, "lock", int.class);
      PUBLISHED = l.findVarHandle(ParMessageQueue.class, "published", long.class);
      TAKEN = l.findVarHandle(ParMessageQueue.class, "taken", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A message to a world actor while recording: who sent it, and the sender's sequence number for it. */
  static final class Stamped {
    final Envelope env;
    final int sender;
    final long seq;

    Stamped(Envelope env, int sender, long seq) {
      this.env = env;
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

  /** Producers' spin lock (0 free, 1 held), through LOCK. */
  @SuppressWarnings("unused")
  private int lock;
  /** Producer side, under the lock: the array being filled and its next free slot. */
  private Object[] tailChunk = new Object[SLOTS + 1];
  private int tailPos;
  /** Messages enqueued: written under the lock with a volatile store, read with an acquire load (PUBLISHED). */
  private long published;
  /** Consumer side: the array being taken from and its next slot. */
  private Object[] headChunk = tailChunk;
  private int headPos;
  /** Messages taken (dequeued or dropped): written by the consumer only, read by anyone (TAKEN). */
  private long taken;

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
    assert handle != null : name + ": enqueue of no message";
    Object item = stamp ? stamped(handle) : handle;
    int spins = 0;
    while (!LOCK.compareAndSet(this, 0, 1)) {
      if (++spins < 64) Thread.onSpinWait(); else Thread.yield(); // a preempted holder: let it run
    }
    try {
      if (tailPos == SLOTS) {
        Object[] next = new Object[SLOTS + 1];
        tailChunk[SLOTS] = next; // published below, with the message
        tailChunk = next;
        tailPos = 0;
      }
      tailChunk[tailPos++] = item;
      // a volatile store, not a release: Pekko's dispatcher reads the mailbox status next and does not schedule a
      // mailbox whose run is under way; that run ends by clearing the status and reading this count. Each side
      // stores, then loads the other's word (Dekker), so each store needs a full fence: with a release store the
      // status load could pass it (x86's store buffer) and both sides miss the message, which then waits unscheduled
      // until another message comes (one TD on two threads stalled for seconds so, both threads parked)
      PUBLISHED.setVolatile(this, published + 1);
    } finally {
      LOCK.setRelease(this, 0);
    }
  }

  private Stamped stamped(Envelope e) {
    Thread t = Thread.currentThread();
    ParMessageQueue sender = t instanceof ParWorkerThread ? ((ParWorkerThread) t).current : null;
    assert stamp : name + ": a stamp without recording";
    assert e != null : name + ": a stamp without recording";
    if (sender != null) return new Stamped(e, sender.index, ++sender.sent);
    if (t.getName().contains("-scheduler-")) {
      return new Stamped(e, ParRuntime.TIMER, runtime.timerSent.incrementAndGet());
    }
    return new Stamped(e, ParRuntime.EXTERNAL, runtime.externalSent.incrementAndGet());
  }

  @Override
  public Envelope dequeue() {
    if (inWorld && runtime.frozen) return null;
    Object item = take();
    if (item == null) return null;
    Envelope e = stamp ? ((Stamped) item).env : (Envelope) item;
    assert e != null : name + ": a slot without its message";
    assert delivered >= 0 : name + ": a slot without its message";
    delivered++;
    if (stamp) {
      Stamped s = (Stamped) item;
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

  /** The next message (an Envelope, or Stamped while recording), its slot cleared; null if none is published. */
  private Object take() {
    long t = taken;
    if (t == (long) PUBLISHED.getAcquire(this)) return null;
    if (headPos == SLOTS) {
      Object[] next = (Object[]) headChunk[SLOTS];
      assert next != null : name + ": a message published past an unlinked array";
      headChunk[SLOTS] = null; // a dead array promoted to the old generation keeps nothing alive
      headChunk = next;
      headPos = 0;
    }
    Object item = headChunk[headPos];
    headChunk[headPos++] = null;
    TAKEN.setRelease(this, t + 1);
    assert item != null : name + ": message " + t + " published but not in its slot";
    return item;
  }

  /**
   * Messages enqueued and not yet taken, from any thread: the taken count is read first, so a take in between can
   * only make this larger than the truth (a spurious schedule finds nothing), never hide a message.
   */
  private long waiting() {
    long t = (long) TAKEN.getAcquire(this);
    return (long) PUBLISHED.getAcquire(this) - t;
  }

  @Override
  public boolean hasMessages() {
    if (inWorld && runtime.frozen) return false;
    return waiting() > 0;
  }

  /** Pending messages. */
  @Override
  public int numberOfMessages() {
    return (int) Math.min(Integer.MAX_VALUE, waiting());
  }

  /** Whether a message is waiting, regardless of a freeze (read at a barrier). */
  boolean pending() {
    return waiting() > 0;
  }

  /**
   * A stopped world actor drops what is left (no model observes dead letters, and at the end of a big run there
   * may be many); other actors hand it to dead letters as Pekko does.
   */
  @Override
  public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
    for (Object item = take(); item != null; item = take()) {
      Envelope e = item instanceof Stamped st ? st.env : (Envelope) item;
      if (!inWorld) deadLetters.enqueue(owner, e);
    }
    if (inWorld) runtime.worldQueueClosed();
  }
}
