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
 * guest_memfd's ioctls scripted step by step: the one shape of punch hole and conversion (invalidate_begin under
 * the write lock, split, zap, then the users and the restructuring, then invalidate_end), and kvm_gmem_get_pfn
 * answered while an ioctl is in flight.
 */
class GuestMemfdScriptTest {
  private static final long BASE = 0x100000L;
  private static final long R1 = BASE + 512;
  private final CollectingMonitor mon = new CollectingMonitor();
  private BehaviorTestKit<GuestMemfdMsg> gmem;
  private ScriptedPeers p;
  private final TestInbox<KvmReply> vmm = TestInbox.create("vmm-replies");

  private void setUp() {
    KvmConfig cfg = new KvmConfig(1, BASE, 4 * 512, EnumSet.noneOf(DesignOption.class), true);
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

  private void zap4K(long gfn, long pfn) {
    p.leafs(List.of(new KvmReply.Leaf(gfn, Level.PG_LEVEL_4K, pfn)));
    p.write();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhPhymemPageWbinvd.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch
  }

  private List<String> gmemEvents() {
    List<String> out = new ArrayList<>();
    for (Observation o : mon.all()) if (o instanceof GmemObservation) out.add(o.getClass().getSimpleName());
    return out;
  }

  @Test
  void punchHoleIsBeginSplitZapThenTruncateThenEnd() {
    setUp();
    long pfn = getPfn(R1 + 3).pfn(); // a 2M folio
    gmem.run(new GuestMemfdMsg.PunchHole(R1 + 3, R1 + 4, vmm.getRef(), 5));
    p.grant(LockMode.EXCLUSIVE, 1);
    invalidate(true, R1 + 3, R1 + 4);
    // kvm_split_cross_boundary_leafs: the 2M leaf crosses both ends.
    p.leafs(List.of(new KvmReply.Leaf(R1, Level.PG_LEVEL_2M, pfn - 3)));
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_SUCCESS);
    TdpMmuMsg.SplitHugeSpte s = ScriptedPeers.next(p.tdp, TdpMmuMsg.SplitHugeSpte.class);
    gmem.run(new KvmReply.SpteWritten(R1, Level.PG_LEVEL_2M, null, s.tag()));
    assertEquals(0, mon.count(GmemObservation.FolioSplit.class), "no folio split while a 2M mapping exists");
    zap4K(R1 + 3, pfn);
    p.release(LockMode.EXCLUSIVE);
    userInvalidate(p.userspace, false);
    userInvalidate(p.iommu, false);
    // truncate: the folio split comes only now, after the mappings are gone [C3 Base]
    p.grant(LockMode.EXCLUSIVE, 0);
    invalidate(false, 0, 0);
    p.release(LockMode.EXCLUSIVE);
    KvmReply.GmemIoctlDone done = (KvmReply.GmemIoctlDone) vmm.receiveMessage();
    assertTrue(done.ok());
    assertEquals(List.of("FolioChanged", "ConversionBegin", "FolioSplit", "FolioChanged", "ConversionEnd"),
        gmemEvents());
  }

  @Test
  void privateToSharedSetsAttributesAndSplitsTheFolioBeforeInvalidateEnd() {
    setUp();
    long pfn = getPfn(R1).pfn();
    gmem.run(new GuestMemfdMsg.Convert(R1, R1 + 1, false, vmm.getRef(), 6));
    p.grant(LockMode.EXCLUSIVE, 1);
    invalidate(true, R1, R1 + 1);
    p.leafs(List.of()); // already split: nothing crosses
    zap4K(R1, pfn);
    p.release(LockMode.EXCLUSIVE);
    assertTrue(mon.count(GmemObservation.AttributesChanged.class) == 1, "restructured outside mmu_lock");
    assertEquals(Level.PG_LEVEL_4K, getPfn(R1 + 7).maxLevel(), "faults during the window see the 4K folios");
    p.grant(LockMode.EXCLUSIVE, 1);
    TdpMmuMsg.UpdateLpageInfo mixed = p.lpageUpdate();
    assertEquals(TdpMmuMsg.KVM_LPAGE_MIXED_FLAG, mixed.flag());
    assertTrue(mixed.set());
    invalidate(false, 0, 0);
    p.release(LockMode.EXCLUSIVE);
    assertTrue(((KvmReply.GmemIoctlDone) vmm.receiveMessage()).ok());
    assertFalse(getPfn(R1).isPrivate());
    assertTrue(getPfn(R1 + 1).isPrivate());
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
