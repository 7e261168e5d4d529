package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;
import static tdxsim.actors.vcpu.VcpuScript.PFN2M;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * The private EPT-violation fault flow on a vCPU, every step scripted: the install path, each retry path
 * (stale fault, lost cmpxchg, BUSY from the TDX module, a huge leaf under a smaller goal level) and
 * tdx_honor_guest_accept_level's write-lock split before the one-way inhibit.
 */
class FaultFlowTest {
  private static final long G = G2M + 5;

  private List<String> results(VcpuScript s) {
    List<String> out = new ArrayList<>();
    for (FaultEnd e : s.mon.of(FaultEnd.class)) out.add(e.result().toString());
    return out;
  }

  private boolean flowed(VcpuScript s, String flow) {
    return s.mon.count(FlowStep.class, f -> f.flow() == Flow.valueOf(flow)) > 0;
  }

  private VcpuScript touchFaulting() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G, 1)));
    s.start();
    s.enter();
    s.accessFaults(G);
    return s;
  }

  /** The rest of a clean fault that installs a 2M leaf (after faultin). */
  private void install2M(VcpuScript s, long seq) {
    s.readLock(seq);
    s.read1G(0);
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0); // 2M
    TdpMmuMsg.CmpxchgSpte c = s.p.cmpxchg(true, null);
    assertEquals(Spte.FROZEN_SPTE, c.newSpte(), "freeze first");
    TdxModuleMsg.TdhMemPageAug aug = s.p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Level.PG_LEVEL_2M, aug.level());
    assertEquals(G2M, aug.gfn());
    assertEquals(PFN2M, aug.pfn(), "fault->pfn aligned to the level");
    assertEquals(Spte.leaf(PFN2M), s.p.write().newSpte());
    s.p.release(LockMode.SHARED);
  }

  @Test
  void faultMapsA2MLeafThenTheVcpuReenters() {
    VcpuScript s = touchFaulting();
    s.faultinPfn(G, 0);
    install2M(s, 0);
    assertEquals(List.of("RET_PF_FIXED"), results(s));
    s.enter(); // re-enter; the guest re-executes the access
    assertEquals(G, s.p.module(TdxModuleMsg.GuestMemAccess.class).gfn());
  }

  @Test
  void invalidationInProgressMakesTheFaultStale() {
    VcpuScript s = touchFaulting();
    s.faultinPfn(G, 0);
    // An invalidation covering G began after the snapshot: the grant shows it in progress.
    s.p.grant(s.p.acquire(LockMode.SHARED), 0, 1, G2M, G2M + 512, -1);
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_RETRY"), results(s));
    assertTrue(flowed(s, "STALE_RETRY"));
    assertFalse(s.p.module.hasMessages(), "retried in place (local_retry), not by re-entering the guest");
    s.faultinPfn(G, 1); // the retry takes a fresh snapshot
    install2M(s, 1);
    assertEquals(List.of("RET_PF_RETRY", "RET_PF_FIXED"), results(s));
  }

  @Test
  void changedSeqMakesTheFaultStale() {
    VcpuScript s = touchFaulting();
    s.faultinPfn(G, 0);
    s.readLock(1); // an invalidation began and ended since the snapshot
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_RETRY"), results(s));
    assertFalse(s.p.tdp.hasMessages(), "nothing installed");
  }

  @Test
  void unsafePrecheckRetriesBeforeGettingThePfn() {
    VcpuScript s = touchFaulting();
    s.p.snapshot(0, 1, G2M, G2M + 512);
    assertFalse(s.p.gmem.hasMessages());
    assertEquals(List.of("RET_PF_RETRY"), results(s));
  }

  @Test
  void lostCmpxchgIsEbusyAndTheRetryFindsTheWinnersLeaf() {
    VcpuScript s = touchFaulting();
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0);
    s.p.cmpxchg(false, Spte.FROZEN_SPTE); // another vCPU froze it first
    s.p.release(LockMode.SHARED);
    assertFalse(s.p.module.hasMessages(), "no SEAMCALL for the loser");
    assertEquals(List.of("RET_PF_RETRY"), results(s));
    assertTrue(flowed(s, "BUSY_RETRY"));
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.leaf(PFN2M), 0); // the winner's 2M leaf
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_RETRY", "RET_PF_SPURIOUS"), results(s));
  }

  @Test
  void busyAugRestoresTheSpteAndRetries() {
    VcpuScript s = touchFaulting();
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0);
    s.p.cmpxchg(true, null);
    s.p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_OPERAND_BUSY);
    assertEquals(Spte.SHADOW_NONPRESENT_VALUE, s.p.write().newSpte(), "the old SPTE is restored");
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_RETRY"), results(s));
    assertTrue(flowed(s, "BUSY_RETRY"));
    s.faultinPfn(G, 0);
    install2M(s, 0);
    assertEquals(List.of("RET_PF_RETRY", "RET_PF_FIXED"), results(s));
  }

  @Test
  void missingNonLeafIsLinkedWithSeptAdd() {
    VcpuScript s = touchFaulting();
    s.faultTo2M(G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG); // inhibited: goal 4K
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0); // 2M: missing non-leaf
    s.p.cmpxchg(true, null);
    TdxModuleMsg.TdhMemSeptAdd add = s.p.seamcall(TdxModuleMsg.TdhMemSeptAdd.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Level.PG_LEVEL_2M, add.level());
    assertEquals(Spte.nonLeaf(add.septPagePfn()), s.p.write().newSpte());
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0); // 4K
    s.p.cmpxchg(true, null);
    TdxModuleMsg.TdhMemPageAug aug = s.p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Level.PG_LEVEL_4K, aug.level());
    assertEquals(PFN2M + 5, aug.pfn());
    s.p.write();
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_FIXED"), results(s));
  }

  @Test
  void noPromotionOverAnExistingNonLeaf() {
    VcpuScript s = touchFaulting();
    s.faultTo2M(G, 0); // 2M allowed by lpage_info and the folio
    s.p.readSpte(Spte.nonLeaf(0x55), 0); // but a page table exists: disallowed_hugepage_adjust → 4K
    TdpMmuMsg.ReadSpte r4k = s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0);
    assertEquals(Level.PG_LEVEL_4K, r4k.level());
    s.p.cmpxchg(true, null);
    assertEquals(Level.PG_LEVEL_4K, s.p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_SUCCESS).level());
  }

  @Test
  void hugeLeafWithASmallerGoalIsRejectedUnderTheSharedLockInV3() {
    VcpuScript s = touchFaulting();
    s.faultTo2M(G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG); // goal 4K
    s.p.readSpte(Spte.leaf(PFN2M), 0); // a 2M leaf
    TdpMmuMsg.CmpxchgSpte c = s.p.cmpxchg(true, null); // tdp_mmu_split_huge_page(shared): freeze
    assertEquals(Spte.leaf(PFN2M), c.expected());
    assertFalse(s.p.module.hasMessages(), "TDX refuses: no BLOCK/DEMOTE under the shared lock");
    assertEquals(Spte.leaf(PFN2M), s.p.write().newSpte(), "the huge leaf is restored");
    s.p.release(LockMode.SHARED);
    assertTrue(flowed(s, "SHARED_SPLIT_EOPNOTSUPP"), "WARN + -EOPNOTSUPP [P3-09]");
    assertEquals(List.of("RET_PF_RETRY"), results(s));
  }

  @Test
  void hugeLeafWithASmallerGoalIsIgnoredInV1() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G, 1, Level.PG_LEVEL_4K)),
        Set.of(DesignOption.V1_IGNORE_SHARED_SPLIT));
    s.start();
    s.enter();
    s.acceptFaults(G, Level.PG_LEVEL_4K);
    // v1: no write-lock split; the ACCEPT level becomes the vCPU's request level [P1-12].
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.leaf(PFN2M), 0); // a 2M leaf where 4K is requested
    s.p.release(LockMode.SHARED);
    assertFalse(s.p.tdp.hasMessages(), "no freeze: the split is ignored [P1-21]");
    assertTrue(flowed(s, "IGNORE_SHARED_SPLIT"));
    // The retry maps at the raised request level (2M): the leaf is there, the guest goes back to its ACCEPT.
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.leaf(PFN2M), 0);
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_RETRY", "RET_PF_SPURIOUS"), results(s));
    s.enter();
    s.acceptFaults(G, Level.PG_LEVEL_4K); // and faults again while the 2M leaf is PENDING (R2's ping-pong)
  }

  @Test
  void acceptLevelSplitHappensUnderTheWriteLockBeforeTheInhibit() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G, 1, Level.PG_LEVEL_4K)));
    s.start();
    s.enter();
    s.acceptFaults(G, Level.PG_LEVEL_4K); // case (b): a 2M PENDING leaf above the 4K request
    // tdx_honor_guest_accept_level: lockless inhibit check, then the write lock.
    var li = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.ReadLpageInfo.class);
    s.vcpu.run(new KvmReply.LpageInfo(G, 0, 0, li.tag()));
    s.p.grant(LockMode.EXCLUSIVE, 2);
    var collect = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.CollectLeafs.class);
    assertEquals(G, collect.start());
    assertEquals(G + 1, collect.end(), "the aligned range of the ACCEPT level");
    s.vcpu.run(new KvmReply.LeafList(List.of(new KvmReply.Leaf(G2M, Level.PG_LEVEL_2M, PFN2M)), collect.tag()));
    s.p.release(LockMode.EXCLUSIVE); // tdp_mmu_split_huge_pages_root drops the lock to allocate the sp
    s.p.grant(LockMode.EXCLUSIVE, 2);
    s.p.leafs(List.of(new KvmReply.Leaf(G2M, Level.PG_LEVEL_2M, PFN2M)));
    s.p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    s.p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    s.p.ackKicks(0, false); // the other vCPU; the kicker itself is outside guest mode
    TdxModuleMsg.TdhMemPageDemote d = s.p.module(TdxModuleMsg.TdhMemPageDemote.class);
    assertFalse(s.p.tdp.hasMessages(), "no inhibit while the split is in flight");
    s.p.complete(d, TdxStatus.TDX_SUCCESS);
    var split = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.SplitHugeSpte.class);
    assertFalse(s.p.tdp.hasMessages());
    s.vcpu.run(new KvmReply.SpteWritten(G2M, Level.PG_LEVEL_2M, Spte.leaf(PFN2M), split.tag()));
    TdpMmuMsg.UpdateLpageInfo i2m = s.p.lpageUpdate();
    assertEquals(Level.PG_LEVEL_2M, i2m.level());
    assertEquals(TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, i2m.flag());
    assertTrue(i2m.set(), "set, never cleared");
    TdpMmuMsg.UpdateLpageInfo i1g = s.p.lpageUpdate();
    assertEquals(Level.PG_LEVEL_1G, i1g.level(), "level + 2 for a 4K ACCEPT");
    s.p.release(LockMode.EXCLUSIVE);
    // Then the fault: goal 4K, the split left a PENDING 4K leaf: spurious.
    s.faultTo2M(G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG);
    s.p.readSpte(Spte.nonLeaf(split.sptPfn()), 0);
    s.p.readSpte(Spte.leaf(PFN2M + 5), 0);
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_SPURIOUS"), results(s));
    assertTrue(flowed(s, "ACCEPT_LEVEL_SPLIT"));
    // The guest's ACCEPT now succeeds.
    s.enter();
    s.acceptReturns(G, Level.PG_LEVEL_4K, TdxStatus.TDX_SUCCESS);
  }

  @Test
  void acceptLevelWithTheInhibitAlreadySetTakesNoWriteLock() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G, 1, Level.PG_LEVEL_4K)));
    s.start();
    s.enter();
    s.acceptFaults(G, Level.PG_LEVEL_4K);
    var li = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.ReadLpageInfo.class);
    s.vcpu.run(new KvmReply.LpageInfo(G, TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, 0, li.tag()));
    s.p.snapshot(0, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN); // straight to kvm_mmu_page_fault
    assertFalse(s.p.mmuLock.hasMessages());
  }

  @Test
  void acceptLevelSplitFailureGoesToUserspace() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G, 1, Level.PG_LEVEL_4K)));
    s.start();
    s.enter();
    s.acceptFaults(G, Level.PG_LEVEL_4K);
    var li = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.ReadLpageInfo.class);
    s.vcpu.run(new KvmReply.LpageInfo(G, 0, 0, li.tag()));
    s.p.grant(LockMode.EXCLUSIVE, 0);
    var collect = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.CollectLeafs.class);
    s.vcpu.run(new KvmReply.LeafList(List.of(new KvmReply.Leaf(G2M, Level.PG_LEVEL_2M, PFN2M)), collect.tag()));
    s.p.release(LockMode.EXCLUSIVE); // the allocation with the lock dropped
    s.p.grant(LockMode.EXCLUSIVE, 0); // ... failed: -ENOMEM once the lock is retaken
    s.p.release(LockMode.EXCLUSIVE);
    s.p.assertQuiet(); // no inhibit, no fault, no re-entry: KVM_RUN returned -ENOMEM
    assertEquals(List.of("-ENOMEM"), results(s));
  }
}
