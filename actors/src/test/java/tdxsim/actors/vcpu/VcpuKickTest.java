package tdxsim.actors.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static tdxsim.actors.vcpu.VcpuScript.G2M;

import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.junit.jupiter.api.Test;
import tdxsim.protocol.ExitReason;
import tdxsim.protocol.GuestResult;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.TdxStatus;
import tdxsim.protocol.VcpuMsg;

/**
 * KVM_REQ_OUTSIDE_GUEST_MODE with wait, and kvm_tdx->wait_for_sept_zap, as a vCPU honours them: ack at once
 * outside guest mode, otherwise only after the TD exit the IPI causes; no TDH.VP.ENTER while wait_for_sept_zap.
 */
class VcpuKickTest {
  private final TestInbox<KvmReply> kicker = TestInbox.create("guest-memfd");

  private VcpuMsg.KickRequest kick(boolean waitForSeptZap, long tag) {
    return new VcpuMsg.KickRequest("guest-memfd", waitForSeptZap, kicker.getRef(), tag);
  }

  @Test
  void aVcpuOutsideGuestModeAcksAtOnce() {
    VcpuScript s = new VcpuScript(List.of());
    s.vcpu.run(kick(false, 7));
    assertEquals(new KvmReply.KickAck(0, 7), kicker.receiveMessage());
  }

  @Test
  void aVcpuInTheGuestIsInterruptedAndAcksAfterItsTdExit() {
    VcpuScript s = VcpuScript.inGuestTouching(G2M, 2);
    TdxModuleMsg.GuestMemAccess a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(kick(false, 8));
    assertEquals(new TdxModuleMsg.ExternalInterrupt(0), s.p.module(TdxModuleMsg.ExternalInterrupt.class));
    assertFalse(kicker.hasMessages(), "still in guest mode");
    s.vcpu.run(new GuestResult.GuestAccessOk(0, a.gfn(), a.tag())); // the access completed before the IPI landed
    s.p.module(TdxModuleMsg.GuestMemAccess.class); // the guest goes on until it exits
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, 0));
    assertEquals(new KvmReply.KickAck(0, 8), kicker.receiveMessage());
    s.enter(); // back in, the interrupted access is executed again
    assertEquals(G2M + 1, s.p.module(TdxModuleMsg.GuestMemAccess.class).gfn());
  }

  @Test
  void aKickDuringTdhVpEnterIsTakenRightAfterEntry() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1)));
    s.start();
    TdxModuleMsg.TdhVpEnter e = s.p.module(TdxModuleMsg.TdhVpEnter.class);
    s.vcpu.run(kick(false, 9));
    assertFalse(kicker.hasMessages(), "IN_GUEST_MODE is set before TDH.VP.ENTER");
    assertFalse(s.p.module.hasMessages());
    s.vcpu.run(new GuestResult.TdEntered(0, e.tag()));
    assertTrue(s.p.module.getAllReceived().contains(new TdxModuleMsg.ExternalInterrupt(0)),
        "the pending IPI fires once in the guest");
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, e.tag()));
    assertEquals(new KvmReply.KickAck(0, 9), kicker.receiveMessage());
  }

  @Test
  void aFailedTdhVpEnterAcksAndRetries() {
    VcpuScript s = new VcpuScript(List.of(new WorkloadStep.Touch(G2M, 1)));
    s.start();
    TdxModuleMsg.TdhVpEnter e = s.p.module(TdxModuleMsg.TdhVpEnter.class);
    s.vcpu.run(kick(false, 10));
    s.vcpu.run(new GuestResult.VpEnterFailed(0, TdxStatus.TDX_OPERAND_BUSY, e.tag()));
    assertEquals(new KvmReply.KickAck(0, 10), kicker.receiveMessage());
    s.p.module(TdxModuleMsg.TdhVpEnter.class);
  }

  @Test
  void waitForSeptZapKeepsTheVcpuOutOfTheGuestUntilCleared() {
    VcpuScript s = VcpuScript.inGuestTouching(G2M, 2);
    TdxModuleMsg.GuestMemAccess a = s.p.module(TdxModuleMsg.GuestMemAccess.class);
    s.vcpu.run(kick(true, 11)); // tdh_do_no_vcpus: wait_for_sept_zap = true, then the kick
    s.p.module(TdxModuleMsg.ExternalInterrupt.class);
    s.vcpu.run(new GuestResult.TdExit(0, ExitReason.EXTERNAL_INTERRUPT, 0, null, a.tag()));
    assertEquals(new KvmReply.KickAck(0, 11), kicker.receiveMessage());
    s.p.assertQuiet(); // tdx_vcpu_run returns EXIT_FASTPATH_EXIT_HANDLED: no TDH.VP.ENTER
    s.vcpu.run(new VcpuMsg.SeptZapDone("vcpu-1")); // another context's flag is not ours
    s.p.assertQuiet();
    s.vcpu.run(new VcpuMsg.SeptZapDone("guest-memfd"));
    s.p.module(TdxModuleMsg.TdhVpEnter.class);
  }
}
