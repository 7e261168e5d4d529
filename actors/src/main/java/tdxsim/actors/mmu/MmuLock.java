package tdxsim.actors.mmu;

import java.util.ArrayDeque;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tdxsim.actors.monitor.MmuObservation.InvalidateBegin;
import tdxsim.actors.monitor.MmuObservation.InvalidateEnd;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.monitor.MmuObservation.MmuLockChanged;
import tdxsim.actors.monitor.MmuObservation.MmuLockWaiting;
import tdxsim.actors.monitor.Monitor;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;

/**
 * kvm->mmu_lock, an rwlock on x86 (qrwlock), and what it protects for the invalidation retry protocol.
 *
 * <p>Fairness as in qrwlock: a request that finds the lock compatible and nobody queued is granted at once
 * (the fast path); otherwise it queues FIFO, and a waiting writer blocks readers that arrive after it, so that
 * writers do not starve. When the lock frees up, the head of the queue is granted: a writer alone, or a run of
 * consecutive readers together (each queued reader proceeds once no writer holds the lock).
 *
 * <p>mmu_invalidate_seq, mmu_invalidate_in_progress and mmu_invalidate_range_start/end change only under the write
 * lock (kvm_mmu_invalidate_begin / range_add / invalidate_end) [LNX kvm_host.h]; the fault reads seq without the
 * lock (its mmu_seq snapshot) and the grant carries what mmu_invalidate_retry_gfn() needs, valid while the lock
 * is held. The VM's split page cache travels with the write lock (its holder owns it: the count check and the
 * dequeue happen under the lock [C3 §9]).
 */
public final class MmuLock extends AbstractBehavior<MmuLockMsg> {
  private final Monitor monitor;
  private int readers;
  private String writer;
  private final ArrayDeque<MmuLockMsg.Acquire> queue = new ArrayDeque<>();
  private long invalidateSeq;
  private int invalidateInProgress;
  private long rangeStart = KvmReply.INVALID_GFN;
  private long rangeEnd = KvmReply.INVALID_GFN;
  private int splitCacheFree;

  private MmuLock(ActorContext<MmuLockMsg> ctx, int splitCachePages, Monitor monitor) {
    super(ctx);
    assert splitCachePages >= 0 && monitor != null : "split cache " + splitCachePages;
    this.splitCacheFree = splitCachePages;
    this.monitor = monitor;
  }

  public static Behavior<MmuLockMsg> create(int splitCachePages, Monitor monitor) {
    return Behaviors.setup(ctx -> new MmuLock(ctx, splitCachePages, monitor));
  }

  @Override
  public Receive<MmuLockMsg> createReceive() {
    return newReceiveBuilder()
        .onMessage(MmuLockMsg.Acquire.class, m -> {
          acquire(m);
          return this;
        })
        .onMessage(MmuLockMsg.Release.class, m -> {
          release(m);
          return this;
        })
        .onMessage(MmuLockMsg.InvalidateBegin.class, m -> {
          invalidateBegin(m);
          return this;
        })
        .onMessage(MmuLockMsg.InvalidateEnd.class, m -> {
          invalidateEnd(m);
          return this;
        })
        .onMessage(MmuLockMsg.ReadInvalidateSeq.class, m -> {
          m.replyTo().tell(new KvmReply.InvalidateSnapshot(invalidateSeq, invalidateInProgress, rangeStart, rangeEnd,
              m.tag()));
          return this;
        })
        .build();
  }

  private boolean compatible(LockMode mode) {
    return mode == LockMode.SHARED ? writer == null : writer == null && readers == 0;
  }

  private void acquire(MmuLockMsg.Acquire m) {
    assert invariant();
    assert m.owner() != null && m.mode() != null && m.replyTo() != null : "an anonymous mmu_lock request " + m;
    // rwlocks are not recursive: a holder asking again would deadlock (lockdep: "possible recursive locking")
    assert !m.owner().equals(writer) : m.owner() + " asks for mmu_lock while holding it for write";
    if (queue.isEmpty() && compatible(m.mode())) {
      grant(m);
      return;
    }
    queue.addLast(m);
    monitor.observe(new MmuLockWaiting(m.owner(), m.mode()));
  }

  private void grant(MmuLockMsg.Acquire m) {
    assert compatible(m.mode()) : "granting " + m.mode() + " to " + m.owner() + " over " + this;
    if (m.mode() == LockMode.SHARED) {
      readers++;
    } else {
      writer = m.owner();
    }
    assert m.mode() == LockMode.SHARED ? readers > 0 && writer == null : m.owner().equals(writer) && readers == 0
        : "after granting " + m.mode() + " to " + m.owner() + ": " + this;
    monitor.observe(new MmuLockChanged(m.owner(), m.mode(), true));
    m.replyTo().tell(new KvmReply.MmuLockGranted(m.mode(), invalidateSeq, invalidateInProgress, rangeStart,
        rangeEnd, m.mode() == LockMode.EXCLUSIVE ? splitCacheFree : -1, m.tag()));
  }

  private void release(MmuLockMsg.Release m) {
    assert m.owner() != null && m.mode() != null : "an anonymous mmu_lock release " + m;
    assert m.mode() == LockMode.SHARED || m.splitCacheFree() >= 0 : m.owner() + " returns split cache " + m;
    if (m.mode() == LockMode.EXCLUSIVE) {
      if (!m.owner().equals(writer)) throw new IllegalStateException(m.owner() + " write_unlock without holding");
      writer = null;
      splitCacheFree = m.splitCacheFree();
    } else {
      if (readers == 0) throw new IllegalStateException(m.owner() + " read_unlock without holding");
      readers--;
    }
    assert m.mode() == LockMode.SHARED || splitCacheFree >= 0 : "split cache below zero: " + splitCacheFree;
    monitor.observe(new MmuLockChanged(m.owner(), m.mode(), false));
    while (!queue.isEmpty() && compatible(queue.peekFirst().mode())) grant(queue.pollFirst());
    assert queue.isEmpty() || !compatible(queue.peekFirst().mode()) : "a grantable waiter left queued: " + this;
    assert invariant();
  }

  /**
   * The fields' invariants: qrwlock's (readers or one writer, never both; a waiter is queued only behind a
   * holder), the invalidation range's (both bounds set or both INVALID_GFN, start before end), the split budget's
   * (a page count).
   */
  private boolean invariant() {
    assert readers >= 0 && (writer == null || readers == 0) : "readers and a writer at once: " + this;
    assert queue.isEmpty() || writer != null || readers > 0 : "waiters queued behind no holder: " + this;
    assert (rangeStart == KvmReply.INVALID_GFN) == (rangeEnd == KvmReply.INVALID_GFN) : rangeStart + ".." + rangeEnd;
    assert rangeStart == KvmReply.INVALID_GFN || rangeStart <= rangeEnd : "inverted " + rangeStart + ".." + rangeEnd;
    assert invalidateSeq >= 0 && splitCacheFree >= 0 : "seq " + invalidateSeq + " split cache " + splitCacheFree;
    return true;
  }

  @Override
  public String toString() {
    return "mmu_lock[readers=" + readers + " writer=" + writer + " queued=" + queue.size() + "]";
  }

  private boolean heldForWriteBy(String owner, long gfn) {
    assert owner != null : "an anonymous invalidation";
    if (owner.equals(writer)) return true;
    monitor.observe(new KvmBugOn("lockdep_assert_held_write(&kvm->mmu_lock)", owner + " does not hold it", gfn));
    return false;
  }

  private void invalidateBegin(MmuLockMsg.InvalidateBegin m) {
    // start == end is legal: kvm_mmu_invalidate_range_add checks no range (a design may pass an empty one)
    assert m.start() <= m.end() : "inverted invalidation " + m;
    heldForWriteBy(m.owner(), m.start());
    // kvm_mmu_invalidate_begin
    invalidateInProgress++;
    if (invalidateInProgress == 1) {
      rangeStart = KvmReply.INVALID_GFN;
      rangeEnd = KvmReply.INVALID_GFN;
    }
    // kvm_mmu_invalidate_range_add
    if (rangeStart == KvmReply.INVALID_GFN) {
      rangeStart = m.start();
      rangeEnd = m.end();
    } else {
      rangeStart = Math.min(rangeStart, m.start());
      rangeEnd = Math.max(rangeEnd, m.end());
    }
    assert rangeStart <= m.start() && m.end() <= rangeEnd : "the range covers every begun invalidation";
    assert invariant();
    monitor.observe(new InvalidateBegin(m.start(), m.end(), invalidateSeq, invalidateInProgress));
    m.replyTo().tell(new KvmReply.InvalidateDone(invalidateSeq, invalidateInProgress, m.tag()));
  }

  private void invalidateEnd(MmuLockMsg.InvalidateEnd m) {
    assert m.start() <= m.end() : "inverted invalidation " + m;
    heldForWriteBy(m.owner(), m.start());
    // kvm_mmu_invalidate_end: seq++ (smp_wmb) then in_progress--
    invalidateSeq++;
    invalidateInProgress--;
    if (invalidateInProgress < 0) {
      monitor.observe(new KvmBugOn("kvm_mmu_invalidate_end", "mmu_invalidate_in_progress < 0", m.start()));
    }
    monitor.observe(new InvalidateEnd(m.start(), m.end(), invalidateSeq, invalidateInProgress));
    m.replyTo().tell(new KvmReply.InvalidateDone(invalidateSeq, invalidateInProgress, m.tag()));
  }
}
