package tdxsim.actors.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.ProcedureHost;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.mmu.SplitCrossBoundaryLeafs;
import tdxsim.actors.mmu.ZapPrivateLeafs;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;
import tdxsim.protocol.VcpuMsg;

/**
 * The exclusive-lock flows on the TDX side, scripted step by step: the zap (BLOCK, TRACK, kick, REMOVE, WBINVD),
 * the split (BLOCK, TRACK, kick, DEMOTE), tdh_do_no_vcpus' single retry with wait_for_sept_zap, the split cache.
 */
class TdxSeptFlowsTest {
  private static final long BASE = 0x100000L;
  private static final long G = BASE + 512; // a 2M range
  private final CollectingMonitor mon = new CollectingMonitor();
  private BehaviorTestKit<Object> host;
  private ScriptedPeers p;
  private final List<Integer> results = new ArrayList<>();

  private void setUp(boolean runnable) {
    KvmConfig cfg = new KvmConfig(3, BASE, 4 * 512, EnumSet.noneOf(DesignOption.class), true);
    KvmContext kvm = new KvmContext("guest-memfd", 2, -1, cfg, mon);
    p = new ScriptedPeers(3, m -> host.run(m));
    host = BehaviorTestKit.create(ProcedureHost.create(kvm, p.peers(), runnable));
  }

  private List<String> flows() {
    List<String> out = new ArrayList<>();
    for (FlowStep f : mon.of(FlowStep.class)) out.add(f.flow().name());
    return out;
  }

  private void zap(long start, long end) {
    host.run(new ProcedureHost.Run(kvm -> kvm.locked(LockMode.EXCLUSIVE, (g, out) ->
        ZapPrivateLeafs.run(kvm, start, end, out), () -> results.add(0))));
  }

  private void split(long start, long end) {
    host.run(new ProcedureHost.Run(kvm -> kvm.<Errno>locked(LockMode.EXCLUSIVE, (g, out) ->
        SplitCrossBoundaryLeafs.run(kvm, start, end, out), e -> results.add(e == null ? 0 : e.value))));
  }

  @Test
  void zapIssuesBlockTrackKickRemoveWbinvdInOrder() {
    setUp(true);
    zap(G + 7, G + 8);
    p.grant(LockMode.EXCLUSIVE, 4);
    p.leafs(List.of(new KvmReply.Leaf(G + 7, Level.PG_LEVEL_4K, 0x5007)));
    TdpMmuMsg.WriteSpte w = p.write(); // tdp_mmu_set_spte writes the mirror SPTE first
    assertEquals(Spte.SHADOW_NONPRESENT_VALUE, w.newSpte());
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    assertTrue(p.module.hasMessages());
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    assertFalse(p.module.hasMessages(), "no REMOVE before every vCPU has left guest mode");
    p.ackKicks(-1, false);
    TdxModuleMsg.TdhMemPageRemove remove = p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Level.PG_LEVEL_4K, remove.level());
    TdxModuleMsg.TdhPhymemPageWbinvd wb = p.seamcall(TdxModuleMsg.TdhPhymemPageWbinvd.class, TdxStatus.TDX_SUCCESS);
    assertEquals(0x5007, wb.pfn());
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch: KVM_REQ_TLB_FLUSH kicks
    p.release(LockMode.EXCLUSIVE);
    p.assertQuiet();
    assertEquals(List.of(0), results);
    assertEquals(List.of("BLOCK", "TRACK", "KICK", "REMOVE", "WBINVD", "CLEAR_PAGE", "ZAP", "FLUSH_REMOTE_TLBS", "KICK"),
        flows());
  }

  @Test
  void splitIssuesBlockTrackKickDemoteAndTakesACachePage() {
    setUp(true);
    split(G + 1, G + 2);
    p.grant(LockMode.EXCLUSIVE, 1);
    p.splitAllocWindow(1, List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
    TdxModuleMsg.TdhMemRangeBlock block = p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    assertEquals(Level.PG_LEVEL_2M, block.level());
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    assertFalse(p.module.hasMessages(), "no DEMOTE before the kick is acknowledged");
    p.ackKicks(-1, false);
    TdxModuleMsg.TdhMemPageDemote demote = p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_SUCCESS);
    assertEquals(G, demote.gfn());
    assertFalse(p.module.hasMessages(), "no UNBLOCK after a successful DEMOTE");
    TdpMmuMsg.SplitHugeSpte s = ScriptedPeers.next(p.tdp, TdpMmuMsg.SplitHugeSpte.class);
    assertEquals(demote.newSeptPagePfn(), s.sptPfn(), "the mirror links the sp whose external_spt was demoted into");
    host.run(new KvmReply.SpteWritten(G, Level.PG_LEVEL_2M, Spte.leaf(0x40000), s.tag()));
    MmuLockMsg.Release r = p.release(LockMode.EXCLUSIVE);
    assertEquals(0, r.splitCacheFree(), "one page of the split cache used");
    assertEquals(List.of(0), results);
    assertEquals(List.of("SPLIT_ALLOC_UNLOCK", "BLOCK", "TRACK", "KICK", "DEMOTE", "SPLIT"), flows());
  }

  @Test
  void splitOfALeafInsideTheRangeIsNotNeeded() {
    setUp(true);
    split(G, G + 512);
    p.grant(LockMode.EXCLUSIVE, 1);
    p.leafs(List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
    p.release(LockMode.EXCLUSIVE);
    p.assertQuiet();
    assertEquals(List.of(0), results);
  }

  @Test
  void aFailedAllocationIsEnomemAfterTheLockIsRetakenAndBeforeAnySeamcall() {
    setUp(true);
    split(G + 1, G + 2);
    p.grant(LockMode.EXCLUSIVE, 0);
    p.leafs(List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
    p.release(LockMode.EXCLUSIVE); // write_unlock: tdp_mmu_alloc_sp_for_split may sleep
    p.grant(LockMode.EXCLUSIVE, 0); // write_lock; if (!sp) { ret = -ENOMEM; break; }
    p.release(LockMode.EXCLUSIVE);
    p.assertQuiet();
    assertEquals(List.of(Errno.ENOMEM.value), results);
  }

  @Test
  void theSplitDropsMmuLockToAllocateAndRereadsTheLeaf() {
    setUp(true);
    split(G + 1, G + 2);
    p.grant(LockMode.EXCLUSIVE, 3);
    p.leafs(List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
    assertFalse(p.module.hasMessages(), "no SEAMCALL before the sp is allocated");
    MmuLockMsg.Release window = p.release(LockMode.EXCLUSIVE);
    assertEquals(3, window.splitCacheFree(), "the allocation is made with the lock dropped");
    p.grant(LockMode.EXCLUSIVE, 3);
    // another context split the leaf in the window: the walk finds 4K leafs, frees the unused sp and is done
    p.leafs(List.of(new KvmReply.Leaf(G + 1, Level.PG_LEVEL_4K, 0x40001)));
    MmuLockMsg.Release r = p.release(LockMode.EXCLUSIVE);
    assertEquals(3, r.splitCacheFree(), "tdp_mmu_free_sp gives the unused sp back");
    p.assertQuiet();
    assertEquals(List.of(0), results);
    assertEquals(List.of("SPLIT_ALLOC_UNLOCK", "SPLIT_SP_FREED"), flows());
  }

  @Test
  void busySeamcallIsRetriedOnceWithVcpusHeldOut() {
    setUp(true);
    zap(G + 7, G + 8);
    p.grant(LockMode.EXCLUSIVE, 4);
    p.leafs(List.of(new KvmReply.Leaf(G + 7, Level.PG_LEVEL_4K, 0x5007)));
    p.write();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_OPERAND_BUSY);
    assertFalse(p.module.hasMessages(), "the retry waits for the kick");
    p.ackKicks(-1, true); // wait_for_sept_zap set, then KVM_REQ_OUTSIDE_GUEST_MODE
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    for (var v : p.vcpus) assertEquals("guest-memfd", ScriptedPeers.next(v, VcpuMsg.SeptZapDone.class).from());
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhPhymemPageWbinvd.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch: KVM_REQ_TLB_FLUSH kicks
    p.release(LockMode.EXCLUSIVE);
    assertEquals(0, mon.count(KvmBugOn.class));
    assertTrue(flows().contains("NO_VCPUS_RETRY"));
  }

  @Test
  void aSecondBusyIsAKvmBugOnAndTheEntryStays() {
    setUp(true);
    zap(G + 7, G + 8);
    p.grant(LockMode.EXCLUSIVE, 4);
    p.leafs(List.of(new KvmReply.Leaf(G + 7, Level.PG_LEVEL_4K, 0x5007)));
    p.write();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_OPERAND_BUSY);
    p.ackKicks(-1, true);
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_OPERAND_BUSY);
    for (var v : p.vcpus) ScriptedPeers.next(v, VcpuMsg.SeptZapDone.class);
    p.expectVmDead(); // KVM_BUG_ON is per VM: every vCPU gets KVM_REQ_VM_DEAD
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch: KVM_REQ_TLB_FLUSH kicks
    p.release(LockMode.EXCLUSIVE);
    p.assertQuiet(); // no REMOVE: the page stays in the S-EPT
    assertEquals(1, mon.count(KvmBugOn.class, b -> b.where().contains("TDH_MEM_RANGE_BLOCK")));
  }

  @Test
  void interruptedDemoteIsNotRetriedInV3() {
    setUp(true);
    split(G + 1, G + 2);
    p.grant(LockMode.EXCLUSIVE, 1);
    p.splitAllocWindow(1, List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_INTERRUPTED_RESTARTABLE);
    p.release(LockMode.EXCLUSIVE);
    p.expectVmDead(); // KVM_BUG_ON is per VM: every vCPU gets KVM_REQ_VM_DEAD
    p.assertQuiet();
    assertEquals(List.of(Errno.EIO.value), results);
    assertEquals(1, mon.count(KvmBugOn.class, b -> b.where().contains("DEMOTE")));
  }

  @Test
  void splitBeforeRunnableIsAKvmBugOn() {
    setUp(false);
    split(G + 1, G + 2);
    p.grant(LockMode.EXCLUSIVE, 1);
    p.splitAllocWindow(1, List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
    p.release(LockMode.EXCLUSIVE);
    p.expectVmDead(); // KVM_BUG_ON is per VM: every vCPU gets KVM_REQ_VM_DEAD
    p.assertQuiet();
    assertEquals(List.of(Errno.EIO.value), results);
    assertEquals(1, mon.count(KvmBugOn.class));
  }

  @Test
  void trackBeforeRunnableDoesNothing() {
    setUp(false);
    host.run(new ProcedureHost.Run(kvm -> TdxTrack.run(kvm, 0, () -> results.add(0))));
    p.assertQuiet();
    assertEquals(List.of(0), results);
  }
}
