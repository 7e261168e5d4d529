package tdxsim.actors.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.ProcedureHost;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.mmu.SplitCrossBoundaryLeafs;
import tdxsim.actors.monitor.MmuObservation.KvmBugOn;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg.TdhMemPageDemoteNonBlocking;
import tdxsim.protocol.TdxStatus;

/**
 * kvm_split_cross_boundary_leafs under the read lock with NON-BLOCKING-RESIZE: a BUSY DEMOTE restores the leaf and
 * the walk retries with the sp it already has (no second allocation window, the same external_spt page); an
 * interrupted DEMOTE is a TDX_BUG_ON, as in the write-lock split (v3 retries neither BUSY-like status for ever).
 */
class NonBlockingSplitTest {
  private static final long G = 0x100000L + 512;
  private static final Spte LEAF = Spte.leaf(0x200000);
  private final CollectingMonitor mon = new CollectingMonitor();
  /** Each split's errno (null: 0). */
  private final List<Errno> results = new ArrayList<>();
  private BehaviorTestKit<Object> host;
  private ScriptedPeers p;

  /** The split of [G + 7, G + 8) under the read lock, up to its first DEMOTE (after the sp's window). */
  private TdhMemPageDemoteNonBlocking firstDemote(TdxStatus status) {
    KvmConfig cfg = new KvmConfig(2, 0x100000L, 4 * 512, EnumSet.of(DesignOption.NON_BLOCKING_RESIZE), true);
    KvmContext kvm = new KvmContext("guest-memfd", 2, -1, cfg, mon);
    p = new ScriptedPeers(2, m -> host.run(m));
    host = BehaviorTestKit.create(ProcedureHost.create(kvm, p.peers(), true));
    host.run(new ProcedureHost.Run(k -> k.<Errno>locked(LockMode.SHARED,
        (g, out) -> SplitCrossBoundaryLeafs.run(k, G + 7, G + 8, out), results::add)));
    p.grant(LockMode.SHARED, -1);
    p.readSpte(LEAF, 0);
    p.release(LockMode.SHARED); // no sp yet: read_unlock, allocate, read_lock
    p.grant(LockMode.SHARED, -1);
    p.readSpte(LEAF, 0);
    p.cmpxchg(true, null);
    return p.seamcall(TdhMemPageDemoteNonBlocking.class, status);
  }

  @Test
  void aBusyDemoteRestoresTheLeafAndRetriesWithTheSameSp() {
    TdhMemPageDemoteNonBlocking busy = firstDemote(TdxStatus.TDX_OPERAND_BUSY);
    assertEquals(LEAF, p.write().newSpte(), "the frozen leaf restored");
    p.readSpte(LEAF, 0); // goto retry: no second window
    p.cmpxchg(true, null);
    TdhMemPageDemoteNonBlocking again = p.seamcall(TdhMemPageDemoteNonBlocking.class, TdxStatus.TDX_SUCCESS);
    assertEquals(busy.newSeptPagePfn(), again.newSeptPagePfn(), "the same sp's external_spt page");
    TdpMmuMsg.SplitFrozenHugeSpte s = ScriptedPeers.next(p.tdp, TdpMmuMsg.SplitFrozenHugeSpte.class);
    assertEquals(again.newSeptPagePfn(), s.sptPfn());
    p.deliver(new KvmReply.SpteWritten(s.gfn(), Level.PG_LEVEL_2M, Spte.FROZEN_SPTE, s.tag()));
    p.release(LockMode.SHARED);
    p.assertQuiet();
    assertEquals(java.util.Arrays.asList((Errno) null), results, "0: split");
    assertEquals(0, mon.count(KvmBugOn.class));
  }

  @Test
  void anInterruptedDemoteIsATdxBugOn() {
    firstDemote(TdxStatus.TDX_INTERRUPTED_RESTARTABLE);
    p.expectVmDead();
    assertEquals(LEAF, p.write().newSpte(), "the frozen leaf restored");
    p.release(LockMode.SHARED);
    p.assertQuiet();
    assertEquals(List.of(Errno.EIO), results);
    assertEquals(1, mon.count(KvmBugOn.class, b -> b.where().contains("TDH_MEM_PAGE_DEMOTE")));
  }
}
