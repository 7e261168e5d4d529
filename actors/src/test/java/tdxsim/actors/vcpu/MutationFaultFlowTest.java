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
 * The fault-path protocol mutations of docs/domain-tdx-huge-pages.md section 4, each as the code change it describes, scripted step by
 * step against the baseline behaviour that {@link FaultFlowTest} pins down.
 */
class MutationFaultFlowTest {
  private static final long G = G2M + 5;

  private static List<String> results(VcpuScript s) {
    List<String> out = new ArrayList<>();
    for (FaultEnd e : s.mon.of(FaultEnd.class)) out.add(e.result().toString());
    return out;
  }

  private static boolean flowed(VcpuScript s, String flow) {
    return s.mon.count(FlowStep.class, f -> f.flow() == Flow.valueOf(flow)) > 0;
  }

  private static VcpuScript touchFaulting(DesignOption o) {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G, 1)), Set.of(o));
    s.start();
    s.enter();
    s.accessFaults(G);
    return s;
  }

  @Test
  void mutation2NoRetryCheckInstallsInsideAnInProgressInvalidation() {
    VcpuScript s = touchFaulting(DesignOption.MUT_NO_RETRY_CHECK);
    s.p.snapshot(0, 1, G2M, G2M + 512); // the _unsafe pre-check would retry here: it is gone
    var g = ScriptedPeers.next(s.p.gmem, tdxsim.protocol.GuestMemfdMsg.GetPfn.class);
    s.vcpu.run(new KvmReply.PfnResult(G, PFN2M + 5, Level.PG_LEVEL_2M, true, null, g.tag()));
    s.p.snapshot(0, 1, G2M, G2M + 512);
    // an invalidation covering G is in progress under the grant: is_page_fault_stale is not asked either
    s.p.grant(s.p.acquire(LockMode.SHARED), 0, 1, G2M, G2M + 512, -1);
    s.read1G(0);
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0);
    s.p.cmpxchg(true, null);
    s.p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Spte.leaf(PFN2M), s.p.write().newSpte());
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_FIXED"), results(s));
    assertFalse(flowed(s, "STALE_RETRY"));
  }

  @Test
  void mutation10LostCmpxchgIsRetriedInPlaceWithTheStaleOldSpte() {
    VcpuScript s = touchFaulting(DesignOption.MUT_NO_OLD_SPTE_REFRESH);
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0);
    s.p.cmpxchg(false, Spte.FROZEN_SPTE); // another vCPU froze it first
    for (int i = 0; i < 3; i++) { // ... and then installed its leaf: the stale old_spte can never match again
      TdpMmuMsg.CmpxchgSpte again = s.p.cmpxchg(false, Spte.leaf(PFN2M));
      assertEquals(Spte.SHADOW_NONPRESENT_VALUE, again.expected(), "iter->old_spte was not refreshed");
    }
    assertTrue(s.p.tdp.hasMessages(), "still spinning");
    assertEquals(List.of(), results(s), "the fault never returns RET_PF_RETRY");
  }

  @Test
  void mutation3PromotesTheNonLeafUnderTheReadLock() {
    VcpuScript s = touchFaulting(DesignOption.MUT_MIRROR_PROMOTION);
    s.faultTo2M(G, 0); // 2M allowed by lpage_info and the folio
    s.p.readSpte(Spte.nonLeaf(0x55), 0); // a page table: no disallowed_hugepage_adjust, goal stays 2M
    TdpMmuMsg.CmpxchgSpte c = s.p.cmpxchg(true, null);
    assertEquals(Spte.nonLeaf(0x55), c.expected(), "the non-leaf is frozen");
    assertEquals(Level.PG_LEVEL_2M, s.p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS).level());
    s.p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    s.p.ackKicks(0, false);
    s.p.seamcall(TdxModuleMsg.TdhMemPagePromote.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Spte.leaf(PFN2M), s.p.write().newSpte(), "a mirror non-leaf replaced by a leaf");
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_FIXED"), results(s));
    assertTrue(flowed(s, "PROMOTE"));
  }

  @Test
  void mutation1SplitsTheHugeLeafInTheFaultPathUnderTheReadLock() {
    VcpuScript s = new VcpuScript(List.of(WorkloadStep.Accept.tolerant(G, 1, Level.PG_LEVEL_4K)),
        Set.of(DesignOption.MUT_DEMOTE_SHARED_LOCK));
    s.start();
    s.enter();
    s.acceptFaults(G, Level.PG_LEVEL_4K);
    // no tdx_honor_guest_accept_level (no write lock): the ACCEPT level clamps the fault instead [P1-12]
    s.faultTo2M(G, 0);
    s.p.readSpte(Spte.leaf(PFN2M), 0); // a 2M leaf where 4K is requested
    TdpMmuMsg.CmpxchgSpte c = s.p.cmpxchg(true, null);
    assertEquals(Spte.FROZEN_SPTE, c.newSpte());
    s.p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    s.p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    s.p.ackKicks(0, false);
    // a BUSY DEMOTE after the BLOCK: the frozen leaf comes back, the S-EPT entry stays BLOCKED
    s.p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_OPERAND_BUSY);
    assertEquals(Spte.leaf(PFN2M), s.p.write().newSpte());
    s.p.release(LockMode.SHARED);
    assertFalse(s.p.module.hasMessages(), "no UNBLOCK");
    assertEquals(List.of("RET_PF_RETRY"), results(s));
    assertTrue(flowed(s, "DEMOTE_BUSY"));
    // the retry splits for good: BLOCK, TRACK, kick, DEMOTE, then the non-leaf and a walk into it
    s.faultinPfn(G, 1);
    s.readLock(1);
    s.read1G(0);
    s.p.readSpte(Spte.leaf(PFN2M), 0);
    s.p.cmpxchg(true, null);
    s.p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    s.p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    s.p.ackKicks(0, false);
    TdxModuleMsg.TdhMemPageDemote d = s.p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_SUCCESS);
    TdpMmuMsg.SplitFrozenHugeSpte sp = ScriptedPeers.next(s.p.tdp, TdpMmuMsg.SplitFrozenHugeSpte.class);
    assertEquals(d.newSeptPagePfn(), sp.sptPfn());
    assertEquals(Spte.leaf(PFN2M), sp.leaf());
    s.vcpu.run(new KvmReply.SpteWritten(G2M, Level.PG_LEVEL_2M, Spte.FROZEN_SPTE, sp.tag()));
    s.p.readSpte(Spte.leaf(PFN2M + 5), 0); // the 4K child the split made
    s.p.release(LockMode.SHARED);
    assertEquals(List.of("RET_PF_RETRY", "RET_PF_SPURIOUS"), results(s));
    assertFalse(flowed(s, "ACCEPT_LEVEL_SPLIT"));
  }
}
