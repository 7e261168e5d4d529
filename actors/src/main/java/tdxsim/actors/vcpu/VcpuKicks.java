package tdxsim.actors.vcpu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tdxsim.actors.kvm.KvmContext;
import tdxsim.protocol.KvmReply;
import tdxsim.protocol.TdxModuleMsg;
import tdxsim.protocol.VcpuMsg;

/**
 * A vCPU's KVM_REQ_OUTSIDE_GUEST_MODE kicks (kvm_make_all_cpus_request with wait): the kicks to acknowledge once
 * the vCPU is out of guest mode, kvm_tdx->wait_for_sept_zap as each kicker set it, and the IPI that takes the CPU
 * out of guest mode (at most one ExternalInterrupt per entry).
 */
final class VcpuKicks {
  private final int id;
  private final KvmContext kvm;
  /**
   * kvm_tdx->wait_for_sept_zap, as set by each kicker (only the write-lock holder ever sets it); made on first use
   * (an empty set per vCPU is bytes for nothing).
   */
  private Set<String> waitForSeptZap;
  /** Kicks to acknowledge once out of guest mode. */
  private final List<VcpuMsg.KickRequest> pending = new ArrayList<>();
  private boolean interruptSent;

  VcpuKicks(int id, KvmContext kvm) {
    this.id = id;
    this.kvm = kvm;
  }

  /**
   * A kick: acknowledged at once outside guest mode (the kicker does not wait for such CPUs), otherwise kept until
   * the vCPU leaves guest mode; in the guest its IPI is raised now.
   */
  void kick(VcpuMsg.KickRequest k, boolean entering, boolean inGuest) {
    assert !(entering && inGuest) : "a vCPU both entering and in the guest";
    if (k.waitForSeptZap()) {
      if (waitForSeptZap == null) waitForSeptZap = new LinkedHashSet<>();
      waitForSeptZap.add(k.from());
    }
    if (entering || inGuest) {
      pending.add(k);
      if (inGuest) raiseInterrupt();
      return;
    }
    ack(k);
  }

  /** WRITE_ONCE(kvm_tdx->wait_for_sept_zap, false) by {@code from}; true when no kicker holds it any more. */
  boolean septZapDone(String from) {
    if (waitForSeptZap != null) waitForSeptZap.remove(from);
    return !waitForSeptZap();
  }

  boolean waitForSeptZap() {
    return waitForSeptZap != null && !waitForSeptZap.isEmpty();
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** The vCPU left guest mode (or never entered it): acknowledge every kick kept. */
  void ackPending() {
    for (VcpuMsg.KickRequest k : pending) ack(k);
    pending.clear();
  }

  private void ack(VcpuMsg.KickRequest k) {
    k.replyTo().tell(new KvmReply.KickAck(id, k.tag()));
  }

  /** A new TDH.VP.ENTER, or the TD entered: the next interrupt is a new one. */
  void resetInterrupt() {
    interruptSent = false;
  }

  /** An interrupt for the logical processor running this vCPU: the TDX module takes it as a TD exit. */
  void raiseInterrupt() {
    if (interruptSent) return;
    interruptSent = true;
    kvm.peers().tdxModule().tell(new TdxModuleMsg.ExternalInterrupt(id));
  }
}
