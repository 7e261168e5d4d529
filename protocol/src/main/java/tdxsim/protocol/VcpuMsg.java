package tdxsim.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Everything a vCPU actor receives: its wiring and start signal, KVM requests from other CPUs, the TDX module's
 * {@link GuestResult}s and the replies ({@link KvmReply}) to the requests it issued while running KVM code.
 */
public sealed interface VcpuMsg
    permits VcpuMsg.Wire, VcpuMsg.RunWorkload, VcpuMsg.KickRequest, VcpuMsg.SeptZapDone, VcpuMsg.NmiBurst, KvmReply,
        GuestResult, VcpuMsg.VmDead, VcpuMsg.Join, VcpuMsg.PostedInterrupt,
        VcpuMsg.Signal {

  /** The VM's actors; the first message a vCPU handles (others are stashed until it arrives). */
  record Wire(KvmPeers peers) implements VcpuMsg {}

  /** TD_STATE_RUNNABLE (TDH.MR.FINALIZE done): the VMM starts KVM_RUN; the guest runs its workload. */
  record RunWorkload() implements VcpuMsg {}

  /**
   * kvm_make_all_cpus_request(kvm, KVM_REQ_OUTSIDE_GUEST_MODE) from {@code from}, with wait: the vCPU acks
   * ({@link KvmReply.KickAck}) at once if it is outside guest mode, else once it has left guest mode (the IPI
   * makes it exit). {@code waitForSeptZap}: {@code from} set kvm_tdx->wait_for_sept_zap before kicking
   * (tdh_do_no_vcpus); the vCPU does not enter the guest until {@link SeptZapDone} from the same sender.
   */
  record KickRequest(String from, boolean waitForSeptZap, ActorRef<KvmReply> replyTo, long tag)
      implements VcpuMsg {}

  /** WRITE_ONCE(kvm_tdx->wait_for_sept_zap, false) by {@code from} (the end of tdh_do_no_vcpus' retry). */
  record SeptZapDone(String from) implements VcpuMsg {}

  /**
   * A burst of host NMIs (perf sampling, the NMI watchdog) on the logical processor that runs this context's KVM
   * code: each of its next {@code count} host SEAMCALLs has an NMI racing it
   * (TdxModuleMsg.HostInterrupt right behind the SEAMCALL), which the explorer lands before or after the
   * module's Continue: inside the SEAMCALL (pending: DEMOTE returns TDX_INTERRUPTED_RESTARTABLE without
   * ENHANCED_DEMOTE_INTERRUPTIBILITY) or after it (handled by the host).
   */
  record NmiBurst(int count) implements VcpuMsg {}

  /**
   * kvm_vm_dead (directly, or from KVM_BUG_ON via kvm_vm_bugged) by {@code from}: kvm->vm_dead is set and
   * kvm_make_all_cpus_request(kvm, KVM_REQ_VM_DEAD) kicks every vCPU out of guest mode. The vCPU does not enter
   * again: KVM_RUN, the TDX local-retry loop and KVM_PRE_FAULT_MEMORY return -EIO [LNX kvm_host.h, LNX tdx.c].
   */
  record VmDead(String from) implements VcpuMsg {}

  /**
   * Userspace stops the vCPU thread (pthread_join at VM shutdown) and closes its fd: answered with
   * {@link KvmReply.VcpuJoined} once KVM_RUN has returned for good (the workload finished, the guest died or
   * KVM_RUN gave -EIO).
   */
  record Join(ActorRef<KvmReply> replyTo, long tag) implements VcpuMsg {}

  /**
   * A device interrupt for the guest (an irqfd or KVM_SIGNAL_MSI from the VMM: kvm_set_msi → posted interrupt,
   * pi_desc.ON set, kvm_vcpu_kick). In guest mode the CPU delivers it without a TD exit; otherwise it stays
   * pending (kvm_vcpu_has_events() is true) until the next TDH.VP.ENTER delivers it.
   */
  record PostedInterrupt() implements VcpuMsg {}

  /**
   * A signal for the vCPU thread (userspace's SIG_IPI, QEMU's qemu_cpu_kick): in guest mode its IPI makes the CPU
   * leave the guest; signal_pending(current) then ends KVM_RUN with -EINTR (KVM_EXIT_INTR), the local-retry loop
   * and KVM_PRE_FAULT_MEMORY with it; the VMM's handler runs and its vCPU loop calls KVM_RUN again.
   */
  record Signal() implements VcpuMsg {}
}
