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
 *
 * <p>Kicks (KVM_REQ_OUTSIDE_GUEST_MODE with wait): acknowledged at once when outside guest mode (the kicker does
 * not wait for such CPUs), otherwise once the vCPU has left guest mode: the IPI lands on the CPU running the vCPU,
 * modelled as the vCPU actor raising {@code ExternalInterrupt} at the TDX module (right after entry if the kick
 * came while TDH.VP.ENTER was on its way, as a pending IPI does). A TDVMCALL exit is carried the same way, since
 * the protocol has no TDVMCALL message: the module sees an ordinary TD exit.
 */
final class VcpuKicks {
  private final int id;
  private final KvmContext kvm;
  /**
   * kvm_tdx->wait_for_sept_zap, one bool in the kernel [LNX tdx.h] that only the write-lock holder sets and
   * clears; here a set of the kickers holding it, because the writes reach this vCPU as messages from different
   * senders: kicker A's clear (SeptZapDone) can arrive after kicker B's set (a KickRequest B sent once A had
   * released mmu_lock), and one bool would then read false while B still holds it. Made on first use (an empty
   * set per vCPU is bytes for nothing).
   */
  private Set<String> waitForSeptZap;
  /** Kicks to acknowledge once out of guest mode. */
  private final List<VcpuMsg.KickRequest> pending = new ArrayList<>();
  private boolean interruptSent;

  VcpuKicks(int id, KvmContext kvm) {
    assert id >= 0 && kvm != null : "kicks of vcpu " + id;
    assert kvm.vcpuId() == id : kvm.name() + " acknowledges the kicks of vcpu " + id;
    this.id = id;
    this.kvm = kvm;
  }

  /**
   * A kick: acknowledged at once outside guest mode (the kicker does not wait for such CPUs), otherwise kept until
   * the vCPU leaves guest mode; in the guest its IPI is raised now.
   */
  void kick(VcpuMsg.KickRequest k, boolean entering, boolean inGuest) {
    assert !(entering && inGuest) : "a vCPU both entering and in the guest";
    assert k.from() != null && k.replyTo() != null : "vcpu-" + id + ": an anonymous kick " + k;
    assert !k.waitForSeptZap() || waitForSeptZap == null || !waitForSeptZap.contains(k.from())
        : k.from() + " set wait_for_sept_zap twice";
    if (k.waitForSeptZap()) {
      if (waitForSeptZap == null) waitForSeptZap = new LinkedHashSet<>();
      waitForSeptZap.add(k.from());
    }
    assert invariant();
    if (entering || inGuest) {
      pending.add(k);
      if (inGuest) raiseInterrupt();
      return;
    }
    ack(k);
  }

  /** WRITE_ONCE(kvm_tdx->wait_for_sept_zap, false) by {@code from}; true when no kicker holds it any more. */
  boolean septZapDone(String from) {
    assert from != null : "vcpu-" + id + ": wait_for_sept_zap cleared by nobody";
    if (waitForSeptZap != null) waitForSeptZap.remove(from); // another kicker's clear leaves this one's set
    assert invariant();
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
    assert distinctTags() : "vcpu-" + id + ": a kick kept twice: " + pending;
    for (VcpuMsg.KickRequest k : pending) ack(k);
    pending.clear();
    assert invariant();
  }

  /** A vCPU is never its own kicker (the requester runs KVM code, outside guest mode), nor waits for its own zap. */
  private boolean invariant() {
    assert waitForSeptZap == null || !waitForSeptZap.contains(kvm.name()) : kvm.name() + " waits for its own zap";
    for (VcpuMsg.KickRequest k : pending) { // a loop, not a stream: this runs on every kick of every vCPU
      assert !k.from().equals(kvm.name()) : kvm.name() + " kicked itself: " + pending;
    }
    return true;
  }

  /** No kick is kept twice (the pending list holds a kick per concurrent kicker: a few at most). */
  private boolean distinctTags() {
    for (int i = 0; i < pending.size(); i++) {
      for (int j = i + 1; j < pending.size(); j++) {
        if (pending.get(i).tag() == pending.get(j).tag()) return false;
      }
    }
    return true;
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
