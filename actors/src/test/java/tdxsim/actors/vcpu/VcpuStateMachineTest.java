package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;

import java.util.List;
import org.junit.jupiter.api.Test;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;
import tdxsim.protocol.VcpuMsg;

/**
 * The vCPU's state machine (IDLE → OUTSIDE → ENTERING → IN_GUEST → OUTSIDE ... → HALTED) refuses what the TDX
 * module never sends in a state: a reply the vCPU does not expect fails loudly instead of being dropped.
 */
class VcpuStateMachineTest {
  private static void refused(VcpuScript s, VcpuMsg m) {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.vcpu.run(m));
    assertTrue(e.getMessage().contains("unexpected"), e.getMessage());
  }

  @Test
  void aReplyToNoOperationInFlightIsRefused() {
    VcpuScript s = VcpuScript.inGuestTouching(G2M, 2);
    TdxModuleMsg.GuestMemAccess a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    refused(s, new GuestResult.GuestAccessOk(0, a.gfn(), a.tag() + 1));
  }

  @Test
  void aSecondReplyToTheSameOperationIsRefused() {
    VcpuScript s = VcpuScript.inGuestTouching(G2M, 2);
    TdxModuleMsg.GuestMemAccess a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(new GuestResult.GuestAccessOk(0, a.gfn(), a.tag()));
    refused(s, new GuestResult.VirtualizationException(0, a.gfn(), a.tag()));
  }

  @Test
  void anEntryThatWasNotAskedForIsRefused() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1)));
    refused(s, new GuestResult.TdEntered(0, 1)); // IDLE: no TDH.VP.ENTER issued
    s.start();
    TdxModuleMsg.TdhVpEnter e = s.p.module(TdxModuleMsg.TdhVpEnter.class);
    refused(s, new GuestResult.VpEnterFailed(0, TdxStatus.TDX_OPERAND_BUSY, e.tag() + 1)); // another entry's tag
  }

  @Test
  void aTdExitOutsideTheGuestIsRefused() {
    VcpuScript s = new VcpuScript(List.of());
    s.start(); // no workload: KVM_RUN returns for good, HALTED
    refused(s, new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
  }

  @Test
  void aSecondWireIsRefused() {
    VcpuScript s = new VcpuScript(List.of());
    refused(s, new VcpuMsg.Wire(s.p.peers()));
  }
}
