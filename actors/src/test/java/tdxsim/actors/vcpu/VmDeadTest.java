package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FaultBegin;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.actors.monitor.MmuObservation.VmDead;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.LockMode;
import tdxsim.protocol.RetPf;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;

/**
 * kvm_vm_dead as the vCPUs see it [LNX tdx.c, LNX kvm_host.h]: tdx_handle_ept_violation kills the VM on an
 * unexpected pending S-EPT violation (a Linux TD, SEPT_VE_DISABLE set, touched a page it has not accepted); and
 * KVM_REQ_VM_DEAD, from that or from a KVM_BUG_ON in any context, takes every vCPU out of the guest, out of the
 * local-retry loop, and makes KVM_RUN fail with -EIO.
 */
class VmDeadTest {
  private static final long G = G2M + 5;

  private static boolean flowed(VcpuScript s, String flow) {
    return s.mon.count(FlowStep.class, f -> f.flow() == Flow.valueOf(flow)) > 0;
  }

  @Test
  void aPendingEptViolationKillsTheVmInsteadOfFaulting() {
    VcpuScript s = VcpuScript.inGuestTouching(G, 2);
    TdxModuleMsg.GuestMemAccess a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EPT_VIOLATION, G, null, a.tag(), true));
    assertEquals(List.of(new VmDead(0, "Guest access before accepting", G)), s.mon.of(VmDead.class));
    assertEquals(0, s.mon.count(FaultBegin.class), "no fault: the mirror SPTE is already present");
    ScriptedPeers.next(s.p.vcpus.get(1), VcpuMsg.VmDead.class); // KVM_REQ_VM_DEAD to the other vCPU
    assertTrue(flowed(s, "KVM_RUN_EIO"));
    s.p.assertQuiet(); // no TDH.VP.ENTER again, no fault
  }

  @Test
  void kvmReqVmDeadKicksAVcpuOutOfTheGuestAndKvmRunFails() {
    VcpuScript s = VcpuScript.inGuestTouching(G, 2);
    s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(new VcpuMsg.VmDead("guest-memfd"));
    assertEquals(new TdxModuleMsg.ExternalInterrupt(0), s.p.module(TdxModuleMsg.ExternalInterrupt.class));
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    assertTrue(flowed(s, "KVM_RUN_EIO"));
    s.p.assertQuiet();
  }

  @Test
  void theLocalRetryLoopLeavesOnKvmReqVmDead() {
    VcpuScript s = VcpuScript.inGuestTouching(G, 2);
    s.accessFaults(G);
    s.faultinPfn(G, 0);
    s.vcpu.run(new VcpuMsg.VmDead("guest-memfd")); // a KVM_BUG_ON elsewhere, while this fault runs
    // An invalidation covering G began after the snapshot: RET_PF_RETRY.
    s.p.grant(s.p.acquire(LockMode.SHARED), 0, 1, G2M, G2M + 512, -1);
    s.p.release(LockMode.SHARED);
    assertEquals(List.of(RetPf.RET_PF_RETRY), s.mon.of(FaultEnd.class).stream().map(FaultEnd::result).toList());
    assertEquals(1, s.mon.count(FaultBegin.class), "kvm_check_request(KVM_REQ_VM_DEAD): no local retry");
    assertTrue(flowed(s, "KVM_RUN_EIO"));
    s.p.assertQuiet();
  }

  @Test
  void aVcpuOutsideTheGuestDoesNotEnterAgain() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G, 1)));
    s.vcpu.run(new VcpuMsg.VmDead("vmm"));
    s.start();
    assertTrue(flowed(s, "KVM_RUN_EIO"));
    assertFalse(s.p.module.hasMessages(), "no TDH.VP.ENTER");
    s.vcpu.run(new VcpuMsg.KickRequest("vmm", false, s.p.vmm.getRef().narrow(), 3));
    assertEquals(new KvmReply.KickAck(0, 3), ScriptedPeers.next(s.p.vmm, KvmReply.KickAck.class));
  }
}
