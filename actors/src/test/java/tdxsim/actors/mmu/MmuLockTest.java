package tdxsim.actors.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.monitor.MmuObservation.InvalidateBegin;
import tdxsim.actors.monitor.MmuObservation.InvalidateEnd;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.monitor.MmuObservation.MmuLockChanged;
import tdxsim.actors.monitor.MmuObservation.MmuLockWaiting;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.KvmReply.MmuLockGranted;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;

/** kvm->mmu_lock: rwlock semantics, qrwlock-like fairness, the invalidation state. Synchronous (BehaviorTestKit). */
class MmuLockTest {
  private final CollectingMonitor mon = new CollectingMonitor();
  private final BehaviorTestKit<MmuLockMsg> lock = BehaviorTestKit.create(MmuLock.create(4, mon));
  private final TestInbox<KvmReply> a = TestInbox.create();
  private final TestInbox<KvmReply> b = TestInbox.create();
  private final TestInbox<KvmReply> c = TestInbox.create();

  private void acquire(String owner, LockMode mode, TestInbox<KvmReply> inbox, long tag) {
    lock.run(new MmuLockMsg.Acquire(owner, mode, inbox.getRef(), tag));
  }

  private MmuLockGranted granted(TestInbox<KvmReply> inbox) {
    return (MmuLockGranted) inbox.receiveMessage();
  }

  @Test
  void sharedHoldersAreCompatible() {
    acquire("vcpu-0", LockMode.SHARED, a, 1);
    acquire("vcpu-1", LockMode.SHARED, b, 2);
    assertEquals(LockMode.SHARED, granted(a).mode());
    assertEquals(2, granted(b).tag());
    assertEquals(0, mon.count(MmuLockWaiting.class));
    assertEquals(2, mon.count(MmuLockChanged.class, o -> o.acquired()));
  }

  @Test
  void exclusiveExcludesEveryone() {
    acquire("guest-memfd", LockMode.EXCLUSIVE, a, 1);
    assertEquals(LockMode.EXCLUSIVE, granted(a).mode());
    acquire("vcpu-0", LockMode.SHARED, b, 2);
    acquire("vcpu-1", LockMode.EXCLUSIVE, c, 3);
    assertFalse(b.hasMessages());
    assertFalse(c.hasMessages());
    assertEquals(2, mon.count(MmuLockWaiting.class));
    lock.run(new MmuLockMsg.Release("guest-memfd", LockMode.EXCLUSIVE, 4));
    assertEquals(LockMode.SHARED, granted(b).mode()); // FIFO: the reader queued first
    assertFalse(c.hasMessages()); // the writer waits for the reader
    lock.run(new MmuLockMsg.Release("vcpu-0", LockMode.SHARED, -1));
    assertEquals(LockMode.EXCLUSIVE, granted(c).mode());
  }

  @Test
  void waitingWriterBlocksNewReaders() {
    acquire("vcpu-0", LockMode.SHARED, a, 1);
    granted(a);
    acquire("guest-memfd", LockMode.EXCLUSIVE, b, 2); // queued behind the reader
    acquire("vcpu-1", LockMode.SHARED, c, 3); // compatible with the holder, but a writer waits: queue
    assertFalse(b.hasMessages());
    assertFalse(c.hasMessages());
    lock.run(new MmuLockMsg.Release("vcpu-0", LockMode.SHARED, -1));
    assertEquals(LockMode.EXCLUSIVE, granted(b).mode());
    assertFalse(c.hasMessages());
    lock.run(new MmuLockMsg.Release("guest-memfd", LockMode.EXCLUSIVE, 4));
    assertEquals(LockMode.SHARED, granted(c).mode());
  }

  @Test
  void queuedReadersAreGrantedTogether() {
    acquire("vmm", LockMode.EXCLUSIVE, a, 1);
    granted(a);
    acquire("vcpu-0", LockMode.SHARED, b, 2);
    acquire("vcpu-1", LockMode.SHARED, c, 3);
    lock.run(new MmuLockMsg.Release("vmm", LockMode.EXCLUSIVE, 4));
    assertTrue(b.hasMessages());
    assertTrue(c.hasMessages());
  }

  @Test
  void splitCacheTravelsWithTheWriteLock() {
    acquire("vcpu-0", LockMode.EXCLUSIVE, a, 1);
    assertEquals(4, granted(a).splitCacheFree());
    lock.run(new MmuLockMsg.Release("vcpu-0", LockMode.EXCLUSIVE, 1));
    acquire("vcpu-1", LockMode.EXCLUSIVE, b, 2);
    assertEquals(1, granted(b).splitCacheFree());
    lock.run(new MmuLockMsg.Release("vcpu-1", LockMode.EXCLUSIVE, 1));
    acquire("vcpu-1", LockMode.SHARED, c, 3);
    assertEquals(-1, granted(c).splitCacheFree());
  }

  @Test
  void invalidateSeqInProgressAndRange() {
    TestInbox<KvmReply> r = TestInbox.create();
    lock.run(new MmuLockMsg.ReadInvalidateSeq(r.getRef(), 9));
    KvmReply.InvalidateSnapshot s0 = (KvmReply.InvalidateSnapshot) r.receiveMessage();
    assertEquals(0, s0.seq());
    assertEquals(0, s0.inProgress());

    acquire("guest-memfd", LockMode.EXCLUSIVE, a, 1);
    granted(a);
    lock.run(new MmuLockMsg.InvalidateBegin("guest-memfd", 0x200, 0x400, r.getRef(), 10));
    lock.run(new MmuLockMsg.InvalidateBegin("guest-memfd", 0x600, 0x800, r.getRef(), 11)); // nested: range grows
    r.getAllReceived();
    lock.run(new MmuLockMsg.Release("guest-memfd", LockMode.EXCLUSIVE, 4));

    acquire("vcpu-0", LockMode.SHARED, b, 2);
    MmuLockGranted g = granted(b);
    assertEquals(2, g.invalidateInProgress());
    assertEquals(0x200, g.rangeStart());
    assertEquals(0x800, g.rangeEnd());
    assertTrue(g.mmuInvalidateRetryGfn(0, 0x300), "gfn inside the in-progress range");
    assertTrue(g.mmuInvalidateRetryGfn(0, 0x500), "the range is [min start, max end)");
    assertFalse(g.mmuInvalidateRetryGfn(0, 0x900), "outside the range, seq unchanged");
    lock.run(new MmuLockMsg.ReadInvalidateSeq(r.getRef(), 12));
    assertTrue(((KvmReply.InvalidateSnapshot) r.receiveMessage()).retryGfnUnsafe(0, 0x300));
    lock.run(new MmuLockMsg.Release("vcpu-0", LockMode.SHARED, -1));

    acquire("guest-memfd", LockMode.EXCLUSIVE, a, 3);
    granted(a);
    lock.run(new MmuLockMsg.InvalidateEnd("guest-memfd", 0x200, 0x400, r.getRef(), 13));
    lock.run(new MmuLockMsg.InvalidateEnd("guest-memfd", 0x600, 0x800, r.getRef(), 14));
    List<KvmReply> acks = r.getAllReceived();
    KvmReply.InvalidateDone last = (KvmReply.InvalidateDone) acks.get(acks.size() - 1);
    assertEquals(2, last.seq(), "seq++ per invalidate_end");
    assertEquals(0, last.inProgress());
    lock.run(new MmuLockMsg.Release("guest-memfd", LockMode.EXCLUSIVE, 4));

    acquire("vcpu-0", LockMode.SHARED, b, 4);
    MmuLockGranted g2 = granted(b);
    assertTrue(g2.mmuInvalidateRetryGfn(0, 0x900), "a fault that snapshotted seq 0 is stale");
    assertFalse(g2.mmuInvalidateRetryGfn(2, 0x300), "a fresh snapshot is not");
    assertEquals(2, mon.count(InvalidateBegin.class));
    assertEquals(2, mon.count(InvalidateEnd.class));
    assertEquals(0, mon.count(KvmBugOn.class));
  }

  @Test
  void invalidateWithoutTheWriteLockIsABug() {
    TestInbox<KvmReply> r = TestInbox.create();
    lock.run(new MmuLockMsg.InvalidateBegin("vcpu-0", 0, 1, r.getRef(), 1));
    assertEquals(1, mon.count(KvmBugOn.class));
  }
}
