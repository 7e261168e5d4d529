package tdxsim.actors.vcpu;

import tdxsim.actors.monitor.Flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.VcpuObservation;
import tdxsim.actors.options.DesignOption;
import tdxsim.protocol.RetPf;
import tdxsim.protocol.MmuLockMsg;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;

/**
 * tdx_handle_ept_violation's local-retry loop leaves on kvm_vcpu_has_events() [LNX tdx.c]: a posted interrupt
 * that arrives while a fault retries (an invalidation covers its gfn) ends the loop with RET_PF_RETRY; the vCPU
 * enters the TD, which takes the interrupt, and the guest's access faults again. Mutation 17 keeps retrying.
 */
class LocalRetryEventsTest {

  /** The guest touches G2M; its fault finds an invalidation in progress over the 2M range (RET_PF_RETRY). */
  private static VcpuScript retrying(Set<DesignOption> options) {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1)), options);
    s.start();
    s.enter();
    s.accessFaults(G2M);
    s.p.snapshot(0, 1, G2M, G2M + 512); // mmu_invalidate_retry_gfn_unsafe: stale
    return s;
  }

  @Test
  void aPostedInterruptEndsTheLoopAndTheGuestTakesItThenFaultsAgain() {
    VcpuScript s = retrying(Set.of());
    s.vcpu.run(new VcpuMsg.PostedInterrupt()); // while the second attempt reads mmu_invalidate_seq
    s.p.snapshot(0, 1, G2M, G2M + 512);
    assertEquals(List.of(RetPf.RET_PF_RETRY, RetPf.RET_PF_RETRY), s.mon.of(FaultEnd.class).stream().map(FaultEnd::result)
        .toList());
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.LOCAL_RETRY_EVENT_EXIT));
    assertFalse(s.p.mmuLock.hasMessages(), "no third attempt in the loop");
    s.enter(); // TDH.VP.ENTER delivers the interrupt
    assertEquals(1, s.mon.count(VcpuObservation.InterruptDelivered.class));
    s.accessFaults(G2M); // the guest re-executes its access
    assertEquals(1, s.mon.count(VcpuObservation.LocalRetry.class), "one retry before the interrupt came");
  }

  @Test
  void withoutTheEventsBreakTheLoopRetriesWithTheInterruptPending() {
    VcpuScript s = retrying(Set.of(DesignOption.MUT_LOCAL_RETRY_IGNORES_EVENTS));
    s.vcpu.run(new VcpuMsg.PostedInterrupt());
    s.p.snapshot(0, 1, G2M, G2M + 512);
    ScriptedPeers.next(s.p.mmuLock, MmuLockMsg.ReadInvalidateSeq.class); // a third attempt
    assertFalse(s.p.module.hasMessages(), "no TDH.VP.ENTER");
    assertEquals(0, s.mon.count(VcpuObservation.InterruptDelivered.class));
  }

  @Test
  void anInterruptInGuestModeIsTakenWithoutATdExit() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1)));
    s.start();
    s.enter();
    s.vcpu.run(new VcpuMsg.PostedInterrupt());
    assertEquals(1, s.mon.count(VcpuObservation.InterruptDelivered.class));
    assertEquals(G2M, s.p.module(TdxModuleMsg.GuestMemAccess.class).gfn());
    assertTrue(s.p.vmm.getAllReceived().isEmpty());
  }

  @Test
  void aSignalEndsTheLoopAndKvmRunReturnsEintrBeforeTheNextEntry() {
    VcpuScript s = retrying(Set.of());
    s.vcpu.run(new VcpuMsg.Signal());
    s.p.snapshot(0, 1, G2M, G2M + 512);
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.LOCAL_RETRY_EVENT_EXIT));
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.KVM_EXIT_INTR));
    assertEquals(1, s.mon.count(VcpuObservation.SignalHandled.class));
    s.enter(); // the VMM's vCPU loop calls KVM_RUN again
    s.accessFaults(G2M);
  }

  @Test
  void aSignalInGuestModeTakesTheVcpuOutThenKvmRunReturnsEintr() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1)));
    s.start();
    s.enter();
    ScriptedPeers.next(s.p.module, TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(new VcpuMsg.Signal());
    ScriptedPeers.next(s.p.module, TdxModuleMsg.ExternalInterrupt.class);
    s.vcpu.run(new tdxsim.protocol.GuestResult.TdExit(0, tdxsim.protocol.ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    assertEquals(1, s.mon.count(FlowStep.class, f -> f.flow() == Flow.KVM_EXIT_INTR));
    s.enter();
    assertEquals(G2M, s.p.module(TdxModuleMsg.GuestMemAccess.class).gfn(), "the access runs again");
  }
}
