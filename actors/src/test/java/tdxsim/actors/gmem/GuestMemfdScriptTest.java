package tdxsim.actors.gmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.monitor.GmemObservation;
import tdxsim.actors.monitor.GmemObservation.ConversionEnd;
import tdxsim.actors.monitor.Observation;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.InvalidationUserMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * guest_memfd's ioctls scripted step by step, each mmu_lock phase its own critical section: punch hole (-EINVAL
 * unless folio-aligned; begin, split, zap, users, truncate, end), conversion per huge-page batch (widened begin,
 * split, zap, end, then restructure and store), and kvm_gmem_get_pfn blocked on filemap_invalidate_lock_shared.
 */
class GuestMemfdScriptTest {
  private static final long BASE = 0x100000L;
  private static final long R1 = BASE + 512;
  private final CollectingMonitor mon = new CollectingMonitor();
  private BehaviorTestKit<GuestMemfdMsg> gmem;
  private ScriptedPeers p;
  private final TestInbox<KvmReply> vmm = TestInbox.create("vmm-replies");

  private void setUp() {
    setUp(EnumSet.noneOf(DesignOption.class));
  }

  private void setUp(EnumSet<DesignOption> options) {
    KvmConfig cfg = new KvmConfig(1, BASE, 4 * 512, options, true);
    gmem = BehaviorTestKit.create(GuestMemfd.create(cfg, mon));
    p = new ScriptedPeers(1, m -> gmem.run((GuestMemfdMsg) m));
    gmem.run(new GuestMemfdMsg.Wire(p.peers()));
    gmem.run(new GuestMemfdMsg.TdRunnable());
  }

  private KvmReply.PfnResult getPfn(long gfn) {
    TestInbox<KvmReply> in = TestInbox.create();
    gmem.run(new GuestMemfdMsg.GetPfn("vcpu-0", gfn, in.getRef(), 1));
    return (KvmReply.PfnResult) in.receiveMessage();
  }

  private void invalidate(boolean begin, long start, long end) {
    if (begin) {
      MmuLockMsg.InvalidateBegin b = ScriptedPeers.next(p.mmuLock, MmuLockMsg.InvalidateBegin.class);
      assertEquals(start, b.start());
      assertEquals(end, b.end());
      gmem.run(new KvmReply.InvalidateDone(0, 1, b.tag()));
    } else {
      MmuLockMsg.InvalidateEnd e = ScriptedPeers.next(p.mmuLock, MmuLockMsg.InvalidateEnd.class);
      gmem.run(new KvmReply.InvalidateDone(1, 0, e.tag()));
    }
  }

  private void userInvalidate(TestInbox<InvalidationUserMsg> user, boolean failable) {
    InvalidationUserMsg.Invalidate i = ScriptedPeers.next(user, InvalidationUserMsg.Invalidate.class);
    assertEquals(failable, i.failable());
    gmem.run(new KvmReply.UserAck(user.getRef().path().name(), true, i.tag()));
  }

  /** One __kvm_gmem_zap critical section removing one leaf. */
  private void zapLeaf(long gfn, Level level, long pfn) {
    p.grant(LockMode.EXCLUSIVE, 1);
    p.leafs(List.of(new KvmReply.Leaf(gfn, level, pfn)));
    p.write();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhPhymemPageWbinvd.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch
    p.release(LockMode.EXCLUSIVE);
  }

  /** One __kvm_gmem_invalidate_begin / _end critical section. */
  private void invalidatePhase(boolean begin, long start, long end) {
    p.grant(LockMode.EXCLUSIVE, 1);
    invalidate(begin, start, end);
    p.release(LockMode.EXCLUSIVE);
  }

  /** One __kvm_gmem_split_private critical section where nothing crosses the range. */
  private void splitPhaseNothingCrosses() {
    p.grant(LockMode.EXCLUSIVE, 1);
    p.leafs(List.of());
    p.release(LockMode.EXCLUSIVE);
  }

  private List<String> gmemEvents() {
    List<String> out = new ArrayList<>();
    for (Observation o : mon.all()) if (o instanceof GmemObservation) out.add(o.getClass().getSimpleName());
    return out;
  }

  @Test
  void anUnalignedPunchHoleIsEinvalAndTouchesNothing() {
    setUp();
    gmem.run(new GuestMemfdMsg.PunchHole(R1 + 3, R1 + 4, vmm.getRef(), 5));
    KvmReply.GmemIoctlDone done = (KvmReply.GmemIoctlDone) vmm.receiveMessage();
    assertFalse(done.ok());
    assertEquals(Errno.EINVAL, done.error());
    assertFalse(p.mmuLock.hasMessages(), "kvm_gmem_fallocate refuses before filemap_invalidate_lock");
  }

  @Test
  void punchHoleIsBeginSplitZapUsersTruncateEndEachPhaseItsOwnLock() {
    setUp();
    long pfn = getPfn(R1 + 3).pfn() - 3; // a 2M folio, mapped at 2M
    gmem.run(new GuestMemfdMsg.PunchHole(R1, R1 + 512, vmm.getRef(), 5));
    invalidatePhase(true, R1, R1 + 512);
    splitPhaseNothingCrosses();
    zapLeaf(R1, Level.PG_LEVEL_2M, pfn);
    userInvalidate(p.userspace, false);
    userInvalidate(p.iommu, false);
    assertEquals(1, mon.count(GmemObservation.FolioChanged.class, f -> !f.live()), "truncated before the end");
    invalidatePhase(false, 0, 0);
    KvmReply.GmemIoctlDone done = (KvmReply.GmemIoctlDone) vmm.receiveMessage();
    assertTrue(done.ok());
    assertEquals(List.of("FolioChanged", "ConversionBegin", "FolioChanged", "ConversionEnd"), gmemEvents());
  }

  /**
   * A to-shared conversion of one page: the widened invalidate_begin, split, zap, then (default) restructure and
   * store before invalidate_end, or (the base as posted) after it; a fault's kvm_gmem_get_pfn blocks meanwhile.
   */
  private void convertOnePageWithABlockedFault(boolean storeAfterEnd) {
    setUp(storeAfterEnd ? EnumSet.of(DesignOption.GMEM_STORE_AFTER_INVALIDATE_END)
        : EnumSet.noneOf(DesignOption.class));
    long pfn = getPfn(R1 + 8).pfn();
    gmem.run(new GuestMemfdMsg.Convert(R1 + 8, R1 + 9, false, vmm.getRef(), 6));
    invalidatePhase(true, R1, R1 + 512); // kvm_gmem_compute_invalidate_start/end: the whole huge page
    splitPhaseNothingCrosses(); // already 4K: nothing crosses [R1 + 8, R1 + 9)
    // a fault reads the attribute (private) and blocks in kvm_gmem_get_pfn on filemap_invalidate_lock_shared
    TestInbox<KvmReply> fault = TestInbox.create();
    gmem.run(new GuestMemfdMsg.GetPfn("vcpu-0", R1 + 8, fault.getRef(), 9));
    assertFalse(fault.hasMessages(), "kvm_gmem_get_pfn waits for the conversion");
    zapLeaf(R1 + 8, Level.PG_LEVEL_4K, pfn);
    assertEquals(storeAfterEnd ? 0 : 1, mon.count(GmemObservation.AttributesChanged.class),
        "the store comes before invalidate_end unless the base's order is chosen");
    invalidatePhase(false, 0, 0);
    assertEquals(List.of("FolioChanged", "ConversionBegin", "FolioSplit", "AttributesChanged", "ConversionEnd"),
        gmemEvents());
    assertTrue(((KvmReply.GmemIoctlDone) vmm.receiveMessage()).ok());
    KvmReply.PfnResult late = (KvmReply.PfnResult) fault.receiveMessage();
    assertEquals(Level.PG_LEVEL_4K, late.maxLevel(), "the folio as restructured");
    assertTrue(late.isPrivate(), "the attribute as read before kvm_gmem_get_pfn blocked");
    assertFalse(getPfn(R1 + 8).isPrivate());
  }

  @Test
  void toSharedWidensTheInvalidationAndStoresBeforeInvalidateEnd() {
    convertOnePageWithABlockedFault(false);
  }

  @Test
  void theBaseAsPostedStoresAfterInvalidateEnd() {
    convertOnePageWithABlockedFault(true);
  }

  @Test
  void aConversionAcrossHugePagesIsOneBatchPerHugePage() {
    setUp();
    gmem.run(new GuestMemfdMsg.Convert(R1 + 510, R1 + 514, false, vmm.getRef(), 6));
    invalidatePhase(true, R1, R1 + 512);
    splitPhaseNothingCrosses();
    p.grant(LockMode.EXCLUSIVE, 1);
    p.leafs(List.of());
    p.release(LockMode.EXCLUSIVE);
    invalidatePhase(false, 0, 0);
    invalidatePhase(true, R1 + 512, R1 + 1024);
    List<ConversionEnd> ends = mon.of(ConversionEnd.class);
    assertEquals(1, ends.size());
    assertEquals(R1 + 510, ends.get(0).start());
    assertEquals(R1 + 512, ends.get(0).end(), "the first batch ends at the huge page boundary");
  }

  @Test
  void ioctlsAreSerialisedByTheInvalidateLock() {
    setUp();
    gmem.run(new GuestMemfdMsg.PunchHole(R1, R1 + 512, vmm.getRef(), 7));
    gmem.run(new GuestMemfdMsg.PunchHole(R1 + 512, R1 + 1024, vmm.getRef(), 8));
    p.acquire(LockMode.EXCLUSIVE);
    assertFalse(p.mmuLock.hasMessages(), "the second ioctl waits for filemap_invalidate_lock");
    assertEquals(1, mon.count(GmemObservation.ConversionBegin.class));
    assertEquals(0, mon.count(ConversionEnd.class));
  }
}
