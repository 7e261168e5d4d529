package tdxsim.actors.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.Errno;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.Spte;
import tdxsim.protocol.TdpMmuMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;

/**
 * The exclusive-lock and TDX-hook protocol mutations of docs/domain-tdx-huge-pages.md section 4, each as the code change it describes,
 * scripted against the baseline flows of {@link TdxSeptFlowsTest}; and the option names themselves.
 */
class MutationSeptFlowsTest {
  private static final long BASE = 0x100000L;
  private static final long G = BASE + 512;
  private final CollectingMonitor mon = new CollectingMonitor();
  private BehaviorTestKit<Object> host;
  private ScriptedPeers p;
  private final List<Integer> results = new ArrayList<>();

  private void setUp(boolean runnable, DesignOption... options) {
    EnumSet<DesignOption> o = EnumSet.noneOf(DesignOption.class);
    o.addAll(List.of(options));
    KvmConfig cfg = new KvmConfig(3, BASE, 4 * 512, o, true);
    KvmContext kvm = new KvmContext("guest-memfd", 2, -1, cfg, mon);
    p = new ScriptedPeers(3, m -> host.run(m));
    host = BehaviorTestKit.create(ProcedureHost.create(kvm, p.peers(), runnable));
  }

  private List<String> flows() {
    List<String> out = new ArrayList<>();
    for (FlowStep f : mon.of(FlowStep.class)) out.add(f.flow().name());
    return out;
  }

  private void split() {
    host.run(new ProcedureHost.Run(kvm -> kvm.<Errno>locked(LockMode.EXCLUSIVE, (g, out) ->
        SplitCrossBoundaryLeafs.run(kvm, G + 1, G + 2, out), e -> results.add(e == null ? 0 : e.value))));
    p.grant(LockMode.EXCLUSIVE, 1);
    p.splitAllocWindow(1, List.of(new KvmReply.Leaf(G, Level.PG_LEVEL_2M, 0x40000)));
  }

  private void zap4k() {
    host.run(new ProcedureHost.Run(kvm -> kvm.locked(LockMode.EXCLUSIVE, (g, out) ->
        ZapPrivateLeafs.run(kvm, G + 7, G + 8, out), () -> results.add(0))));
    p.grant(LockMode.EXCLUSIVE, 4);
    p.leafs(List.of(new KvmReply.Leaf(G + 7, Level.PG_LEVEL_4K, 0x5007)));
    p.write();
  }

  @Test
  void mutation7SkipBlockDemotesWithoutBlocking() {
    setUp(true, DesignOption.MUT_SKIP_BLOCK);
    split();
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS); // straight to tdx_track
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_GPA_RANGE_NOT_BLOCKED);
    p.release(LockMode.EXCLUSIVE);
    p.expectVmDead(); // KVM_BUG_ON is per VM: every vCPU gets KVM_REQ_VM_DEAD
    p.assertQuiet();
    assertEquals(List.of(Errno.EIO.value), results);
    assertFalse(flows().contains("BLOCK"));
  }

  @Test
  void mutation7SkipTrackRemovesRightAfterTheBlock() {
    setUp(true, DesignOption.MUT_SKIP_TRACK);
    zap4k();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_TLB_TRACKING_NOT_DONE); // no TRACK, no kick
    p.expectVmDead(); // KVM_BUG_ON is per VM: every vCPU gets KVM_REQ_VM_DEAD
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch: KVM_REQ_TLB_FLUSH kicks
    p.release(LockMode.EXCLUSIVE);
    p.assertQuiet();
    assertEquals(List.of("BLOCK", "ZAP", "FLUSH_REMOTE_TLBS", "KICK"), flows().stream().filter(f -> !f.startsWith("KVM")).toList());
  }

  @Test
  void mutation7SkipKickTracksButDoesNotWaitForTheVcpus() {
    setUp(true, DesignOption.MUT_SKIP_KICK);
    split();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    for (var v : p.vcpus) assertFalse(v.hasMessages(), "no KVM_REQ_OUTSIDE_GUEST_MODE");
    p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_SUCCESS);
    host.run(new KvmReply.SpteWritten(G, Level.PG_LEVEL_2M, Spte.leaf(0x40000),
        ScriptedPeers.next(p.tdp, TdpMmuMsg.SplitHugeSpte.class).tag()));
    p.release(LockMode.EXCLUSIVE);
    assertEquals(List.of("SPLIT_ALLOC_UNLOCK", "BLOCK", "TRACK", "DEMOTE", "SPLIT"), flows());
  }

  @Test
  void mutation8TheZapClearsGuestInhibit() {
    setUp(true, DesignOption.MUT_CLEAR_INHIBIT_ON_ZAP);
    zap4k();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhPhymemPageWbinvd.class, TdxStatus.TDX_SUCCESS);
    for (Level l : List.of(Level.PG_LEVEL_2M, Level.PG_LEVEL_1G)) {
      TdpMmuMsg.UpdateLpageInfo u = p.lpageUpdate();
      assertEquals(l, u.level());
      assertEquals(TdpMmuMsg.KVM_LPAGE_GUEST_INHIBIT_FLAG, u.flag());
      assertFalse(u.set(), "cleared: no longer one-way");
    }
    p.ackKicks(-1, false); // kvm_flush_remote_tlbs after the zap batch: KVM_REQ_TLB_FLUSH kicks
    p.release(LockMode.EXCLUSIVE);
    assertEquals(List.of(0), results);
  }

  @Test
  void mutation10InterruptedDemoteIsRetriedForAsLongAsItIsInterrupted() {
    setUp(true, DesignOption.MUT_ENDLESS_RESTARTABLE);
    split();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    for (int i = 0; i < 5; i++) {
      p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_INTERRUPTED_RESTARTABLE);
    }
    p.seamcall(TdxModuleMsg.TdhMemPageDemote.class, TdxStatus.TDX_SUCCESS);
    host.run(new KvmReply.SpteWritten(G, Level.PG_LEVEL_2M, Spte.leaf(0x40000),
        ScriptedPeers.next(p.tdp, TdpMmuMsg.SplitHugeSpte.class).tag()));
    p.release(LockMode.EXCLUSIVE);
    assertEquals(List.of(0), results);
    assertEquals(5, flows().stream().filter("DEMOTE_RESTART"::equals).count());
  }

  @Test
  void mutation10ImpliesHugePagesWithoutEnhancedDemoteInterruptibility() {
    tdxsim.actors.vm.VmConfig v3 = tdxsim.actors.vm.VmConfig.empty("x", 1, 1).withEnhancedDemoteInterruptibility(false);
    assertFalse(v3.kvmConfig().tdxHugePage(), "v3 disables huge pages without the feature [C3 Restrictions]");
    assertTrue(v3.withOptions(EnumSet.of(DesignOption.MUT_ENDLESS_RESTARTABLE)).kvmConfig().tdxHugePage());
  }

  @Test
  void anNmiBurstRacesEachSeamcallWithAHostInterrupt() {
    setUp(true);
    host.run(new ProcedureHost.Run(kvm -> {
      kvm.nmiBurst(1);
      kvm.seamcall(TdxModuleMsg.TdhMemTrack::new, r -> results.add(0));
      kvm.seamcall(TdxModuleMsg.TdhMemTrack::new, r -> results.add(1));
    }));
    TdxModuleMsg.TdhMemTrack t = p.module(TdxModuleMsg.TdhMemTrack.class);
    assertEquals(t.caller().tag(), p.module(TdxModuleMsg.HostInterrupt.class).tag(), "right behind its SEAMCALL");
    p.module(TdxModuleMsg.TdhMemTrack.class);
    assertFalse(p.module.hasMessages(), "the burst had one NMI");
  }

  @Test
  void mutation9TakesOneRefAtA2mMapButPutsPagesPerRemove() {
    setUp(true, DesignOption.MUT_REFCOUNT_IMBALANCE);
    host.run(new ProcedureHost.Run(kvm -> kvm.<Errno>locked(LockMode.SHARED, (g, out) ->
        TdxSept.setPrivateSpte(kvm, G, Level.PG_LEVEL_2M, 0x40000, out), e -> results.add(e == null ? 0 : e.value))));
    p.grant(LockMode.SHARED, -1);
    GuestMemfdMsg.FolioRef take = ScriptedPeers.next(p.gmem, GuestMemfdMsg.FolioRef.class);
    assertEquals(1, take.delta(), "folio_get, not folio_ref_add(KVM_PAGES_PER_HPAGE(2M))");
    host.run(new KvmReply.FolioRefDone(take.tag()));
    p.seamcall(TdxModuleMsg.TdhMemPageAug.class, TdxStatus.TDX_SUCCESS);
    assertEquals(List.of(0), results);
    p.release(LockMode.SHARED);
    zap4k();
    p.seamcall(TdxModuleMsg.TdhMemRangeBlock.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhMemTrack.class, TdxStatus.TDX_SUCCESS);
    p.ackKicks(-1, false);
    p.seamcall(TdxModuleMsg.TdhMemPageRemove.class, TdxStatus.TDX_SUCCESS);
    p.seamcall(TdxModuleMsg.TdhPhymemPageWbinvd.class, TdxStatus.TDX_SUCCESS);
    assertEquals(-1, ScriptedPeers.next(p.gmem, GuestMemfdMsg.FolioRef.class).delta(), "-pages(4K) per REMOVE");
  }

  @Test
  void mutation4TheMappingLevelHookNoLongerClampsBeforeRunnable() {
    KvmConfig v3 = new KvmConfig(1, BASE, 512, EnumSet.noneOf(DesignOption.class), true);
    KvmConfig mut = new KvmConfig(1, BASE, 512, EnumSet.of(DesignOption.MUT_HUGE_BEFORE_RUNNABLE), true);
    KvmContext building = new KvmContext("vmm", 1, -1, v3, mon);
    assertEquals(Level.PG_LEVEL_4K, TdxMappingLevel.privateMaxMappingLevel(building));
    assertEquals(Level.PG_LEVEL_2M, TdxMappingLevel.privateMaxMappingLevel(new KvmContext("vmm", 1, -1, mut, mon)));
    building.setTdRunnable();
    assertEquals(Level.PG_LEVEL_2M, TdxMappingLevel.privateMaxMappingLevel(building));
  }

  @Test
  void everyMutationHasAMutPrefixANumberAndOneLineAndTheNotifierAliasParses() {
    for (DesignOption o : DesignOption.values()) {
      assertFalse(o.description().isBlank() || o.description().contains("\n"), o.cliName());
      if (o.kind() == DesignOption.Kind.MUTATION) {
        assertTrue(o.cliName().startsWith("mut-"), o.cliName());
        assertTrue(o.mutation() >= 1 && o.mutation() <= 17, o.cliName());
      }
      assertEquals(o, DesignOption.parse(o.cliName()));
      assertEquals(o, DesignOption.parse(o.name()));
    }
    assertEquals(DesignOption.FAILABLE_NOTIFIER, DesignOption.parse("mut-notifier-no-rollback"));
    assertEquals(5, DesignOption.FAILABLE_NOTIFIER.mutation());
    assertNull(DesignOption.parse("mut-nothing"));
  }
}
