package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;
import static tdxsim.actors.vcpu.VcpuScript.PFN2M;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.actors.kvm.testkit.ScriptedPeers;
import tdxsim.actors.monitor.Flow;
import tdxsim.actors.monitor.MmuObservation.FaultEnd;
import tdxsim.actors.monitor.MmuObservation.FlowStep;
import tdxsim.protocol.Errno;
import tdxsim.protocol.GuestMemfdMsg;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.Level;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VmmMsg;

/**
 * KVM_EXIT_MEMORY_FAULT in the vCPU loop: a private access to a gfn whose attribute is shared ends the fault with
 * -EFAULT and vcpu->run->memory_fault; KVM_RUN returns to the VMM, which converts the page as QEMU's
 * kvm_convert_memory does and runs KVM_RUN again [LNX mmu.c].
 */
class MemoryFaultExitTest {
  private static final long G = G2M + 5;

  /** The guest touches G; the fault's kvm_gmem_get_pfn says the gfn is shared. Returns the VMM's exit. */
  private static VmmMsg.MemoryFaultExit faultOnASharedGfn(VcpuScript s) {
    s.start();
    s.enter();
    s.accessFaults(G);
    s.p.snapshot(0, 0, KvmReply.INVALID_GFN, KvmReply.INVALID_GFN);
    GuestMemfdMsg.GetPfn g = ScriptedPeers.next(s.p.gmem, GuestMemfdMsg.GetPfn.class);
    s.vcpu.run(new KvmReply.PfnResult(G, PFN2M + 5, Level.PG_LEVEL_4K, false, null, g.tag()));
    assertEquals(List.of(Errno.EFAULT), s.mon.of(FaultEnd.class).stream().map(FaultEnd::result).toList());
    VmmMsg.MemoryFaultExit exit = ScriptedPeers.next(s.p.vmm, VmmMsg.MemoryFaultExit.class);
    assertEquals(new VmmMsg.MemoryFaultExit(0, G, 1, true, exit.replyTo(), exit.tag()), exit);
    assertFalse(s.p.module.hasMessages(), "no TDH.VP.ENTER while the VMM converts");
    return exit;
  }

  @Test
  void theVmmConvertsThePageToPrivateAndTheVcpuEntersAgain() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G, 1)));
    VmmMsg.MemoryFaultExit exit = faultOnASharedGfn(s);
    s.vcpu.run(new KvmReply.MemoryFaultHandled(true, exit.tag()));
    s.enter(); // KVM_RUN again; the guest re-executes its access
    assertEquals(G, s.p.module(TdxModuleMsg.GuestMemAccess.class).gfn());
    assertEquals(0, s.mon.count(FlowStep.class, f -> f.flow() == Flow.VCPU_HALTED));
  }

  @Test
  void aFailedConversionStopsTheVcpu() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G, 1)));
    VmmMsg.MemoryFaultExit exit = faultOnASharedGfn(s);
    s.vcpu.run(new KvmReply.MemoryFaultHandled(false, exit.tag()));
    assertTrue(s.mon.count(FlowStep.class, f -> f.flow() == Flow.VCPU_HALTED) > 0);
    s.p.assertQuiet();
  }
}
