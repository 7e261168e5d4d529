package tdxsim.actors.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.KvmConfig;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.actors.kvm.testkit.CollectingMonitor;
import tdxsim.actors.kvm.testkit.ProcedureHost;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;

/**
 * The gmem_max_mapping_level hook runs in kvm_mmu_hugepage_adjust, under read_lock(mmu_lock), after
 * kvm_mmu_faultin_pfn has resolved the pfn and the folio order without the lock [LNX mmu.c].
 */
class HugepageAdjustTest {
  private static final long BASE = 0x100000L;
  private static final long G = BASE + 512 + 5;

  @Test
  void theMappingLevelHookRunsUnderTheReadLockAfterFaultin() {
    CollectingMonitor mon = new CollectingMonitor();
    KvmConfig cfg = new KvmConfig(1, BASE, 4 * 512, EnumSet.noneOf(DesignOption.class), true);
    KvmContext kvm = new KvmContext("vcpu-0", 16, 0, cfg, mon);
    List<LockMode> heldAtHook = new ArrayList<>();
    List<String> results = new ArrayList<>();
    BehaviorTestKit<Object>[] host = new BehaviorTestKit[1];
    ScriptedPeers p = new ScriptedPeers(1, m -> host[0].run(m));
    host[0] = BehaviorTestKit.create(ProcedureHost.create(kvm, p.peers(), true));
    host[0].run(new ProcedureHost.Run(k -> new TdpPageFault(k, G, false, (gfn, prefetch) -> {
      heldAtHook.add(k.held());
      return Level.PG_LEVEL_4K; // the hook clamps to 4K
    }, null).run((r, f) -> results.add(r.toString()))));
    p.snapshot(0, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN);
    GuestMemfdMsg.GetPfn g = ScriptedPeers.next(p.gmem, GuestMemfdMsg.GetPfn.class);
    host[0].run(new KvmReply.PfnResult(G, 0x200005, Level.PG_LEVEL_2M, true, null, g.tag()));
    p.snapshot(0, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN);
    assertEquals(List.of(), heldAtHook, "not called in kvm_mmu_faultin_pfn");
    p.grant(p.acquire(LockMode.SHARED), 0, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN, -1);
    p.readSpte(Spte.SHADOW_NONPRESENT_VALUE, 0); // 1G: not linked yet
    assertEquals(List.of(LockMode.SHARED), heldAtHook);
    TdpMmuMsg.CmpxchgSpte c = p.cmpxchg(true, null);
    assertEquals(Level.PG_LEVEL_1G, c.level(), "the first fault links the 1G page table");
    assertTrue(c.newSpte().isFrozen());
  }
}
